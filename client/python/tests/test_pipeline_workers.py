"""A pipeline whose stages Python workers do (pylm's chained servers, written in Python): the
deployment file names each stage's worker service, the workers connect to the bridge like any, and
a client calls the pipeline. Every job passes the stages in order, a worker's error names its
stage, and a stage nobody works for says so."""

import json

import pytest

import conduit
from conduit import ConduitError
from conduit.worker import Worker
from conftest import Node
from test_worker import assert_refused, serving


@pytest.fixture(scope="module")
def pipeline_node(tmp_path_factory):
    deployment = tmp_path_factory.mktemp("pipeline") / "deployment.json"
    deployment.write_text(json.dumps({
        "services": [{"name": "bridge", "verticle": "io.conduit.bridge.ZmqBridgeVerticle"},
                     {"name": "web", "verticle": "io.conduit.web.WebVerticle", "config": {"host": "127.0.0.1"}}],
        "pipelines": [
            {"name": "shout", "stageTimeoutMs": 5000, "stages": [
                {"name": "upper", "workers": "py.shout.upper"},
                {"name": "exclaim", "workers": "py.shout.exclaim"}]},
            {"name": "lonely", "stageTimeoutMs": 5000, "stages": [
                {"name": "nobody", "workers": "py.lonely.nobody"}]}]}))
    started = Node(extra_args=("-c", str(deployment)))
    try:
        yield started
    finally:
        started.stop()


@pytest.fixture
def pipeline_client(pipeline_node):
    with conduit.connect(pipeline_node.endpoint, events=pipeline_node.events, timeout=10) as c:
        yield c


def test_python_workers_do_the_stages_of_a_pipeline_in_order(pipeline_node, pipeline_client):
    def upper(text):
        if text == "poison":
            raise ValueError("cannot shout poison")
        return text.upper()

    upper_worker = Worker(pipeline_node.endpoint, "py.shout.upper", upper)
    exclaim_worker = Worker(pipeline_node.endpoint, "py.shout.exclaim", lambda text: text + "!")
    with serving(upper_worker, pipeline_client, "probe"), serving(exclaim_worker, pipeline_client, "probe"):
        assert pipeline_client.request("pipeline.shout", "hello") == "HELLO!"
        results = list(pipeline_client.map("pipeline.shout", ["job%d" % i for i in range(200)], window=50,
                                           ordered=True, timeout=10))
        assert [r.value for r in results] == ["JOB%d!" % i for i in range(200)]

        with pytest.raises(ConduitError) as failed:
            pipeline_client.request("pipeline.shout", "poison")
        assert failed.value.code == "BAD_REQUEST", failed.value
        assert "BAD_REQUEST: stage 1 (upper) failed: " in str(failed.value), failed.value
        assert "cannot shout poison" in str(failed.value), failed.value
        assert pipeline_client.request("pipeline.shout", "still") == "STILL!", "the pipeline keeps serving"


def test_a_stage_no_worker_serves_fails_its_jobs_naming_the_service(pipeline_client):
    with pytest.raises(ConduitError) as failed:
        pipeline_client.request("pipeline.lonely", "anyone?")
    assert failed.value.code == "UNAVAILABLE", failed.value
    assert "stage 1 (nobody) failed: no worker serves 'py.lonely.nobody'" in str(failed.value), failed.value


def test_a_worker_cannot_take_over_a_stages_own_address(pipeline_node, caplog):
    # the stage's address belongs to the node's deployment: the bridge refuses a worker for it
    assert_refused(Worker(pipeline_node.endpoint, "pipeline.shout.1", lambda body: body), caplog)
