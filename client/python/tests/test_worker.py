"""Python workers (conduit.Worker, python -m conduit.worker) against a real node: ops and plain
callables, bytes, coded errors, bad bodies, stop, load sharing, heartbeats while computing,
re-registration after the node expired the worker, CURVE, and the command line."""

import asyncio
import contextlib
import json
import os
import pathlib
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import uuid

import pytest
import zmq

import conduit
from conduit import ConduitError
from conduit.worker import Worker

SRC = pathlib.Path(__file__).resolve().parents[1] / "src"


def service_name(what):
    return "py.%s.%s" % (what, uuid.uuid4().hex[:12])


def wait_for(condition, timeout, what):
    """Polls ``condition`` until it returns something truthy; fails the test after ``timeout`` s."""
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() > deadline:
            pytest.fail("not within %s s: %s" % (timeout, what))
        time.sleep(0.02)


def outcome(client, service, body=None, timeout=5):
    """("ok", value) or ("error", ConduitError): a worker's error reply reaches the caller as that error."""
    try:
        return "ok", client.request(service, body, timeout=timeout)
    except ConduitError as e:
        return "error", e


def error_code(client, service, body=None, timeout=5):
    """The code of the error a request ends with, or None when it succeeds."""
    kind, value = outcome(client, service, body, timeout)
    return value.code if kind == "error" else None


def expect_error(client, service, body, code):
    kind, error = outcome(client, service, body)
    assert kind == "error", "expected %s, got the reply %r" % (code, error)
    assert error.code == code, error
    return error


def served(client, service, probe):
    """True once a request to ``service`` reaches a worker (the event-bus consumer the bridge
    registers on READY may come an instant after the worker saw the bridge's first heartbeat)."""
    kind, value = outcome(client, service, probe)
    return not (kind == "error" and value.code == "NO_HANDLERS")


@contextlib.contextmanager
def serving(worker, client, probe=None):
    """Runs ``worker`` in a thread until the block ends; fails if run() raised or did not return."""
    failures = []

    def target():
        try:
            worker.run()
        except BaseException as e:  # noqa: BLE001
            failures.append(e)

    thread = threading.Thread(target=target, daemon=True)
    thread.start()
    try:
        assert worker.wait_ready(10), "the bridge did not confirm %r" % worker
        wait_for(lambda: served(client, worker.service, probe), 10, "%s reachable" % worker.service)
        yield thread
    finally:
        worker.stop()
        thread.join(10)
        assert not thread.is_alive(), "run() did not return after stop()"
        assert not failures, failures


# -- ops and plain callables ----------------------------------------------------------------------

def test_ops_are_chosen_by_the_op_field_and_take_the_whole_object(node, client):
    worker = Worker(node.endpoint, service_name("text"))

    @worker.op("upper")
    def upper(args):
        return {"text": args["text"].upper(), "args": args}

    @worker.op
    def count():
        return 42

    worker.op("join", lambda args: "-".join(args["parts"]))
    assert worker.ops == ["count", "join", "upper"]
    with serving(worker, client, {"op": "count"}):
        reply = client.request(worker.service, {"op": "upper", "text": "hi", "n": [1, None]})
        assert reply == {"text": "HI", "args": {"op": "upper", "text": "hi", "n": [1, None]}}
        assert client.request(worker.service, {"op": "count"}) == 42
        assert client.request(worker.service, {"op": "join", "parts": ["a", "b"]}) == "a-b"


def test_a_plain_callable_takes_every_body_and_bytes_travel_as_bytes(node, client):
    seen = []

    def describe(body):
        seen.append(body)
        return body[::-1] if isinstance(body, bytes) else {"type": type(body).__name__, "value": body}

    worker = Worker(node.endpoint, service_name("plain"), describe)
    with serving(worker, client):
        assert client.request(worker.service, {"a": 1}) == {"type": "dict", "value": {"a": 1}}
        assert client.request(worker.service, "text") == {"type": "str", "value": "text"}
        assert client.request(worker.service, [1, 2.5]) == {"type": "list", "value": [1, 2.5]}
        assert client.request(worker.service) == {"type": "NoneType", "value": None}
        assert client.request(worker.service, b"\x00\x01\xffraw") == b"war\xff\x01\x00"
        assert b"\x00\x01\xffraw" in seen


def test_raw_gives_a_callable_the_bytes_even_when_they_parse_as_json(node, client):
    worker = Worker(node.endpoint, service_name("raw"), lambda body: {"len": len(body), "hex": body.hex()},
                    raw=True)
    with serving(worker, client, b"probe"):
        assert client.request(worker.service, b"123") == {"len": 3, "hex": b"123".hex()}
        assert client.request(worker.service, {"x": 1}) == {"len": 7, "hex": b'{"x":1}'.hex()}


def test_async_ops_are_awaited(node, client):
    worker = Worker(node.endpoint, service_name("async"))

    @worker.op("later")
    async def later(args):
        return args["n"] + 1

    with serving(worker, client, {"op": "later", "n": 0}):
        assert client.request(worker.service, {"op": "later", "n": 41}) == 42


# -- errors -----------------------------------------------------------------------------------------

def test_an_exception_is_a_coded_error_naming_the_op_and_the_worker_keeps_serving(node, client, caplog):
    worker = Worker(node.endpoint, service_name("failing"))

    @worker.op("divide")
    def divide(args):
        return args["a"] / args["b"]

    @worker.op("find")
    def find(args):
        raise ConduitError("NOT_FOUND", "no such thing: %s" % args["name"])

    @worker.op("check")
    def check(args):
        raise ValueError("n must be positive")

    @worker.op("unsendable")
    def unsendable(args):
        return {1, 2}

    @worker.op("cancelled")
    async def cancelled(args):
        raise asyncio.CancelledError()

    with serving(worker, client, {"op": "divide", "a": 1, "b": 1}):
        e = expect_error(client, worker.service, {"op": "divide", "a": 1, "b": 0}, "RECIPIENT_FAILURE")
        assert "'divide'" in e.message and worker.service in e.message and "ZeroDivisionError" in e.message
        assert e.status == 500
        e = expect_error(client, worker.service, {"op": "find", "name": "x"}, "NOT_FOUND")
        assert "'find'" in e.message and "no such thing: x" in e.message and e.status == 404
        e = expect_error(client, worker.service, {"op": "check"}, "BAD_REQUEST")
        assert "'check'" in e.message and "n must be positive" in e.message and e.status == 400
        e = expect_error(client, worker.service, {"op": "unsendable"}, "RECIPIENT_FAILURE")
        assert "'unsendable'" in e.message and "cannot be sent" in e.message
        e = expect_error(client, worker.service, {"op": "cancelled"}, "RECIPIENT_FAILURE")
        assert "'cancelled'" in e.message and "CancelledError" in e.message
        assert client.request(worker.service, {"op": "divide", "a": 6, "b": 3}) == 2.0
    assert any("ZeroDivisionError" in (r.exc_text or "") for r in caplog.records)


def test_a_body_a_worker_cannot_decode_is_bad_request_and_it_keeps_serving(node, client):
    worker = Worker(node.endpoint, service_name("strict"))
    worker.op("ping", lambda args: "pong")
    with serving(worker, client, {"op": "ping"}):
        e = expect_error(client, worker.service, b'\xff\xfe{"op": "ping"', "BAD_REQUEST")
        assert "not JSON" in e.message and "ping" in e.message and e.status == 400
        e = expect_error(client, worker.service, ["op", "ping"], "BAD_REQUEST")
        assert "no op given" in e.message
        e = expect_error(client, worker.service, {"op": 7}, "BAD_REQUEST")
        assert "no op given" in e.message
        assert client.request(worker.service, {"op": "ping"}) == "pong"


def test_an_unknown_op_names_the_known_ones(node, client):
    worker = Worker(node.endpoint, service_name("ops"))
    worker.op("add", lambda args: args["a"] + args["b"])
    worker.op("neg", lambda args: -args["a"])
    with serving(worker, client, {"op": "add", "a": 0, "b": 0}):
        e = expect_error(client, worker.service, {"op": "mul", "a": 2}, "BAD_REQUEST")
        assert "'mul'" in e.message and "add, neg" in e.message
        assert client.request(worker.service, {"op": "add", "a": 2, "b": 3}) == 5


def test_what_a_worker_is_given_is_checked_at_once():
    with pytest.raises(ValueError):
        Worker("tcp://127.0.0.1:port", "s")
    with pytest.raises(ValueError):
        Worker("tcp://127.0.0.1:9", "s", heartbeat=0)
    with pytest.raises(ValueError):
        Worker("tcp://127.0.0.1:9", "s", liveness=0)
    with pytest.raises(ValueError):
        Worker("tcp://127.0.0.1:9", " ")
    with pytest.raises(TypeError):
        Worker("tcp://127.0.0.1:9", "s", handler="not callable")
    with pytest.raises(ValueError):
        Worker("tcp://127.0.0.1:9", "s", server_key="short")
    with pytest.raises(ValueError):
        Worker("tcp://127.0.0.1:9", "s", client_key=zmq.curve_keypair()[1].decode())
    with pytest.raises(ValueError):
        Worker("tcp://127.0.0.1:9", "s", lambda b: b).op("x", lambda a: a)  # ops or one callable
    worker = Worker("tcp://127.0.0.1:9", "s")
    worker.op("x", lambda a: a)
    with pytest.raises(ValueError):
        worker.op("x", lambda a: a)
    with pytest.raises(ValueError):
        Worker("tcp://127.0.0.1:9", "s").run()  # nothing to serve
    with pytest.raises(ValueError):
        Worker("tcp://127.0.0.1:9", handler=print).run()  # no service


def assert_refused(worker, caplog):
    """Runs ``worker`` until the bridge's refusal of its service is logged; it never became ready."""
    thread = threading.Thread(target=worker.run, daemon=True)
    thread.start()
    try:
        wait_for(lambda: any("refuses service" in r.getMessage() for r in caplog.records), 10, "the refusal logged")
        assert not worker.wait_ready(0)
    finally:
        worker.stop()
        thread.join(5)
    assert not thread.is_alive()


def test_a_service_the_bridge_refuses_is_logged_and_never_ready(node, caplog):
    assert_refused(Worker(node.endpoint, "conduit.%s" % service_name("refused"), lambda body: body), caplog)  # conduit.*


# -- lifecycle --------------------------------------------------------------------------------------

def test_stop_returns_promptly_and_the_bridge_lets_the_service_go(node, client):
    worker = Worker(node.endpoint, service_name("stop"), lambda body: body)
    thread = threading.Thread(target=worker.run, daemon=True)
    thread.start()
    assert worker.wait_ready(10)
    wait_for(lambda: served(client, worker.service, 1), 10, "served")
    started = time.monotonic()
    worker.stop()
    thread.join(5)
    assert not thread.is_alive() and time.monotonic() - started < 1.5
    wait_for(lambda: error_code(client, worker.service, 1) == "NO_HANDLERS", 10, "NO_HANDLERS after stop")
    # a stop() before run() makes run() return at once; the worker runs again afterwards
    worker.stop()
    started = time.monotonic()
    worker.run()
    assert time.monotonic() - started < 1
    with serving(worker, client, 2):
        assert client.request(worker.service, 3) == 3


def test_stop_during_a_request_answers_it_first(node, client):
    entered = threading.Event()
    worker = Worker(node.endpoint, service_name("busy"))

    @worker.op("slow")
    def slow(args):
        if args.get("block"):
            entered.set()
            time.sleep(0.5)  # the work in hand while stop() comes
        return "done"

    results = []
    with serving(worker, client, {"op": "slow"}) as thread:
        caller = threading.Thread(target=lambda: results.append(outcome(client, worker.service,
                                                                        {"op": "slow", "block": True})))
        caller.start()
        assert entered.wait(10)
        worker.stop()
        caller.join(10)
        thread.join(5)
        assert not thread.is_alive()
    assert results == [("ok", "done")]


def test_two_workers_share_the_load(node, client):
    service = service_name("shared")

    def make(name):
        return Worker(node.endpoint, service, lambda body: {"by": name, "n": body})

    a, b = make("a"), make("b")
    with serving(a, client, -1), serving(b, client, -1):
        results = list(client.map(service, range(40), window=8, ordered=True, timeout=10))
        assert [r.value["n"] for r in results] == list(range(40))
        by = [r.value["by"] for r in results]
        assert by.count("a") >= 5 and by.count("b") >= 5, by


# -- heartbeats, re-registration, CURVE: a node with 300 ms heartbeats and CURVE ------------------

HEARTBEAT = 0.3


@pytest.fixture(scope="module")
def fast_node():
    """A `conduit serve` bridge (nothing else) that heartbeats workers every 300 ms (dead after
    0.9 s of silence) and admits only the listed CURVE client key."""
    from conftest import ROOT, free_port
    folder = pathlib.Path(tempfile.mkdtemp(prefix="conduit-py-worker-"))
    server_public, server_secret = zmq.curve_keypair()
    client_public, client_secret = zmq.curve_keypair()
    (folder / "bridge.pub").write_bytes(server_public + b"\n")
    (folder / "bridge.key").write_bytes(server_secret + b"\n")
    (folder / "worker.key").write_bytes(client_secret + b"\n")
    (folder / "clients").write_bytes(client_public + b"\n")
    endpoint = "tcp://127.0.0.1:%d" % free_port()
    (folder / "deployment.json").write_text(json.dumps({"services": [{
        "name": "bridge", "verticle": "io.conduit.bridge.ZmqBridgeVerticle", "instances": 1,
        "config": {"endpoint": endpoint, "heartbeatIntervalMs": int(HEARTBEAT * 1000)}}]}))
    log = folder / "node.out"
    command = [os.environ.get("CONDUIT_TEST_JAVA", "java"), "-Xmx256m", "-jar", str(ROOT / "cli/target/conduit.jar"),
               "serve", "-c", str(folder / "deployment.json"), "-a", endpoint, "--events", "none", "-b", "memory",
               "--data", str(folder / "data"), "--curve-keys", str(folder / "bridge"),
               "--curve-clients", str(folder / "clients")]
    with open(log, "wb") as out:
        process = subprocess.Popen(command, stdout=out, stderr=subprocess.STDOUT, cwd=str(folder))
    try:
        wait_for(lambda: process.poll() is not None or "Ready" in log.read_text(errors="replace"), 60, "node ready")
        assert process.poll() is None, log.read_text(errors="replace")

        class Fast:
            pass
        fast = Fast()
        fast.endpoint, fast.folder, fast.keys = endpoint, folder, dict(
            server_key=str(folder / "bridge.pub"), client_key=str(folder / "worker.key"))
        fast.client = conduit.connect(endpoint, events="", timeout=10, **fast.keys)
        try:
            yield fast
        finally:
            fast.client.close()
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(10)
        shutil.rmtree(folder, ignore_errors=True)


def test_a_worker_keeps_heartbeating_while_an_op_computes(fast_node):
    worker = Worker(fast_node.endpoint, service_name("long"), heartbeat=HEARTBEAT, **fast_node.keys)

    @worker.op("work")
    def work(args):
        time.sleep(args["seconds"])  # longer than the bridge's 0.9 s liveness window
        return "finished"

    with serving(worker, fast_node.client, {"op": "work", "seconds": 0}):
        assert fast_node.client.request(worker.service, {"op": "work", "seconds": 2}) == "finished"


def test_a_worker_with_a_key_the_node_does_not_list_is_never_registered(fast_node):
    worker = Worker(fast_node.endpoint, service_name("stranger"), lambda body: body, heartbeat=HEARTBEAT,
                    server_key=fast_node.keys["server_key"])
    thread = threading.Thread(target=worker.run, daemon=True)
    thread.start()
    try:
        assert not worker.wait_ready(1.0)
    finally:
        worker.stop()
        thread.join(5)
    assert not thread.is_alive()


def run_cli(args, cwd, **kwargs):
    env = dict(os.environ, PYTHONPATH=str(SRC))
    return subprocess.Popen([sys.executable, "-m", "conduit.worker"] + list(args), cwd=str(cwd), env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, **kwargs)


def stop_process(process):
    if process.poll() is None:
        process.kill()
    process.communicate(timeout=10)


def test_the_cli_worker_registers_again_after_the_node_expired_it(fast_node, tmp_path):
    """The worker process is frozen (SIGSTOP) past the bridge's liveness window: the bridge drops it;
    thawed, it registers again by itself and serves; SIGTERM then ends it with status 0."""
    (tmp_path / "echoer.py").write_text("def echo(body):\n    return {'echo': body}\n")
    service = service_name("cli.reconnect")
    client = fast_node.client
    process = run_cli(["echoer:echo", "--endpoint", fast_node.endpoint, "--service", service,
                       "--heartbeat", str(HEARTBEAT), "--server-key", fast_node.keys["server_key"],
                       "--client-key", fast_node.keys["client_key"]], tmp_path)
    try:
        wait_for(lambda: outcome(client, service, 1) == ("ok", {"echo": 1}), 20, "the CLI worker serves")
        os.kill(process.pid, signal.SIGSTOP)
        try:
            # the first request may go to the frozen worker and fail when the bridge drops it
            wait_for(lambda: error_code(client, service, 2, timeout=3) == "NO_HANDLERS", 15,
                     "the bridge drops the frozen worker")
        finally:
            os.kill(process.pid, signal.SIGCONT)
        wait_for(lambda: outcome(client, service, 3) == ("ok", {"echo": 3}), 15, "the worker registers again")
        process.send_signal(signal.SIGTERM)
        process.wait(10)
        assert process.returncode == 0, process.communicate()[1]
        out, err = (stream.decode() for stream in process.communicate())
        assert "registering again" in out + err and "registered again" in out, out + err
        # information goes to stdout, warnings to stderr (a supervising node logs each at its level)
        assert all(" INFO " in line for line in out.splitlines()), out
        assert all(" WARNING " in line or " ERROR " in line for line in err.splitlines()), err
    finally:
        stop_process(process)


# -- the command line -------------------------------------------------------------------------------

def test_the_cli_serves_a_worker_object_and_stops_cleanly_on_sigint(node, client, tmp_path):
    (tmp_path / "textsvc.py").write_text(
        "import conduit\n"
        "worker = conduit.Worker()  # endpoint and service from the command line\n"
        "@worker.op\n"
        "def shout(args):\n"
        "    return args['text'].upper() + '!'\n")
    service = service_name("cli.object")
    process = run_cli(["textsvc:worker", "--endpoint", node.endpoint, "--service", service], tmp_path)
    try:
        wait_for(lambda: outcome(client, service, {"op": "shout", "text": "hey"}) == ("ok", "HEY!"), 20,
                 "the CLI worker serves")
        expect_error(client, service, {"op": "whisper"}, "BAD_REQUEST")
        process.send_signal(signal.SIGINT)
        process.wait(10)
        err = process.communicate()[1].decode()
        assert process.returncode == 0, err
        assert "Traceback" not in err, err
    finally:
        stop_process(process)
    wait_for(lambda: error_code(client, service, {"op": "shout", "text": "x"}) == "NO_HANDLERS", 10, "gone")


@pytest.mark.parametrize("args, rc, words", [
    (["no_such_module_here:worker", "--service", "s"], 1, "no module named 'no_such_module_here'"),
    (["textmod:nothing", "--service", "s"], 1, "has no object 'nothing'"),
    (["textmod:NUMBER", "--service", "s"], 1, "neither a conduit.Worker nor a callable"),
    (["textmod:shout"], 2, "--service NAME is required"),
    (["textmod"], 2, "MODULE:OBJECT"),
    (["textmod:shout", "--service", "s", "--heartbeat", "soon"], 2, "--heartbeat"),
    (["textmod:shout", "--service", "s", "--server-key", "short"], 2, "server_key"),
    (["textmod:shout", "--service", "s", "--endpoint", "tcp://127.0.0.1:port"], 2, "endpoint"),
    (["textmod:broken", "--service", "s"], 2, None),
])
def test_the_cli_explains_a_mistake_in_one_line(tmp_path, args, rc, words):
    (tmp_path / "textmod.py").write_text("NUMBER = 7\ndef shout(body):\n    return body\nbroken = 1\n")
    if args[0] == "textmod:broken":  # a module that fails to import
        (tmp_path / "textmod.py").write_text("raise RuntimeError('no config file')\n")
        rc, words = 1, "cannot be imported: RuntimeError: no config file"
    process = run_cli(args, tmp_path)
    out, err = process.communicate(timeout=20)
    lines = err.decode().strip().splitlines()
    assert process.returncode == rc, err
    assert len(lines) == 1 and words in lines[0], lines


def _stuck_worker(then: str = "") -> str:
    """A worker process's program whose stop() never makes it return, watching its node with a
    0.5 s grace; ``then`` runs once it watches, before it sleeps."""
    return (
        "import time, conduit.worker as w\n"
        "class Stuck:\n"
        "    def stop(self):\n"
        "        pass\n"
        "w._stop_with_parent(Stuck(), grace=0.5)\n"
        + then +
        "time.sleep(60)\n"
    )


def test_a_supervised_worker_that_cannot_stop_exits_once_its_node_is_gone():
    # the node is a stand-in parent process; the worker's stop() never makes it return
    child = _stuck_worker("print('watching', flush=True)\n")
    parent = (
        "import os, subprocess, sys, time\n"
        "env = dict(os.environ, CONDUIT_PARENT_PID=str(os.getpid()))\n"
        "p = subprocess.Popen([sys.executable, '-c', %r], env=env)\n"
        "print(p.pid, flush=True)\n"
        "time.sleep(60)\n" % child
    )
    node = subprocess.Popen([sys.executable, "-c", parent], stdout=subprocess.PIPE, text=True,
                            env=dict(os.environ, PYTHONPATH=os.pathsep.join(sys.path)))
    worker_pid = None
    try:
        worker_pid = int(node.stdout.readline())
        assert node.stdout.readline().strip() == "watching", "the worker saw its node and watches it"
        assert _running(worker_pid), "the worker runs while its node does"
        node.kill()
        node.wait(10)
        deadline = time.monotonic() + 10
        while _running(worker_pid) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert not _running(worker_pid), "the worker outlived its node by more than 10 s"
    finally:
        node.kill()
        if worker_pid is not None and _running(worker_pid):
            os.kill(worker_pid, signal.SIGKILL)


def test_a_worker_whose_node_died_while_it_was_starting_stops_at_once():
    # the node that started it is gone before the worker looks (it was reparented to PID 1): it
    # must not serve on unwatched
    gone = subprocess.Popen([sys.executable, "-c", "pass"])
    gone.wait(10)
    worker = subprocess.Popen([sys.executable, "-c", _stuck_worker()],
                              env=dict(os.environ, CONDUIT_PARENT_PID=str(gone.pid),
                                       PYTHONPATH=os.pathsep.join(sys.path)))
    try:
        assert worker.wait(20) == 1, "stopped, and exited once the grace ran out"
    finally:
        worker.kill()


def test_a_worker_started_by_another_living_process_is_not_supervised(monkeypatch):
    monkeypatch.setenv("CONDUIT_PARENT_PID", str(os.getpid()))  # alive, but not this process's parent
    assert os.getppid() != os.getpid()
    assert not conduit.worker._supervised()
    monkeypatch.setenv("CONDUIT_PARENT_PID", str(os.getppid()))
    assert conduit.worker._supervised()


def _running(pid: int) -> bool:
    """True while ``pid`` runs; a zombie (exited, waiting to be reaped by PID 1) does not."""
    try:
        with open("/proc/%d/stat" % pid) as f:
            state = f.read().rsplit(")", 1)[1].split()[0]
    except (FileNotFoundError, ProcessLookupError, IndexError):
        return False
    return state not in ("Z", "X")
