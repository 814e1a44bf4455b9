"""The Celery-shaped task queue (conduit.tasks) against a real node's queue "tasks", with its
built-in handlers example.count ({"to", "stepMs"}) and example.train ({"epochs", "stepsPerEpoch",
"stepMs"}). A failure is made with a time limit; cancels stop a running or a queued task."""

import pickle
import threading
import time
import uuid

import pytest

import conduit
from conduit import ConduitError
from conduit.tasks import Progress, TaskError, TaskEvent, TaskFailed, TaskResult, TaskRevoked, Tasks

SLOW = {"to": 400, "stepMs": 50}  # 20 s unless cancelled; it checks for a cancel every 50 ms


def wait_until(condition, timeout=10.0, what="the condition"):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.02)
    pytest.fail("%s did not hold within %s s" % (what, timeout))


@pytest.fixture
def tasks(client):
    return client.tasks()


@pytest.fixture
def stop_later(tasks):
    """Cancels the slow tasks a test leaves behind, so they do not hold the node's 4 workers."""
    started = []
    yield started.append
    for t in started:
        try:
            t.cancel()
        except ConduitError as e:
            assert e.code == "CONFLICT"  # already finished


def test_quick_task_get_returns_its_result(tasks):
    began = time.monotonic()
    t = tasks.submit("example.count", {"to": 3})
    assert isinstance(t, TaskResult) and isinstance(t.id, str) and t.task_id == t.id
    assert not t.duplicate
    # It may well finish before get()'s subscription reaches the bridge: the status read covers that.
    assert t.get(timeout=10) == {"count": 3}
    assert time.monotonic() - began < 3
    assert t.state == t.status == "SUCCESS"
    assert t.ready() and t.successful() and not t.failed()
    assert t.result == t.info == {"count": 3}
    assert t.progress == Progress(3, 3, "counted to 3") and t.progress.fraction == 1.0
    assert t.name == "example.count" and t.attempts == 1 and t.error is None
    assert t.snapshot["finishedAt"] >= t.snapshot["submittedAt"]
    assert t.id in repr(t) and "SUCCESS" in repr(t)
    assert t.get(timeout=0) == {"count": 3}  # finished: answered from the final status


def test_a_result_by_id_is_the_same_task(tasks, client):
    t = tasks.submit("example.count", {"to": 1}, max_retries=0, result_ttl=60)
    again = client.tasks().result(t.id)
    assert again == t and hash(again) == hash(t) and again.name == "example.count"
    assert again.get(timeout=10) == {"count": 1}
    assert tasks.AsyncResult(t.id).successful()


def test_events_show_progress_as_it_happens(tasks):
    t = tasks.submit("example.train", {"epochs": 2, "stepsPerEpoch": 5, "stepMs": 60})
    with t.events(timeout=15) as events:
        seen = list(events)
    assert all(isinstance(e, TaskEvent) for e in seen)
    assert seen[0].state in ("PENDING", "STARTED", "PROGRESS")  # the status when it began
    assert seen[-1].state == "SUCCESS" and seen[-1].ready
    assert seen[-1].body["result"] == {"epochs": 2, "steps": 10, "loss": pytest.approx(1.3333, abs=1e-4)}
    steps = [e.progress.current for e in seen if e.state == "PROGRESS"]
    assert len(steps) >= 3, seen  # reported one by one as they happened, 60 ms apart
    assert steps == sorted(steps) and len(set(steps)) == len(steps)  # never repeated or reordered
    assert all(e.progress.total == 10 for e in seen if e.state == "PROGRESS")
    assert "epoch 2/2" in seen[-1].progress.message
    assert [e.at for e in seen[1:] if e.at is not None]  # events carry the node's time
    assert t.state == "SUCCESS" and t.get() == seen[-1].body["result"]


def test_get_times_out_then_a_cancel_revokes_the_running_task(tasks, stop_later):
    t = tasks.submit("example.count", SLOW)
    stop_later(t)
    wait_until(lambda: t.state == "PROGRESS", what="the slow task reporting progress")
    assert 0 < t.progress.current < 400 and isinstance(t.info, Progress)
    assert t.result is None and not t.ready()
    began = time.monotonic()
    with pytest.raises(ConduitError) as e:
        t.get(timeout=0.3)
    assert 0.25 < time.monotonic() - began < 2
    assert e.value.code == "TIMEOUT" and not isinstance(e.value, TaskError)
    assert e.value.details["id"] == t.id and e.value.details["state"] == "PROGRESS"
    assert e.value.details["timeoutMs"] == 300

    state = t.cancel()
    assert state in ("PROGRESS", "REVOKED")  # a running task turns REVOKED when its handler stops
    if state != "REVOKED":
        assert t.snapshot["cancelRequested"] is True
    with pytest.raises(TaskRevoked) as e:
        t.get(timeout=10)
    assert e.value.code == "REVOKED" and e.value.task_id == t.id and e.value.state == "REVOKED"
    assert e.value.message == "task %s was cancelled" % t.id and e.value.error == ""
    assert str(e.value) == "REVOKED: task %s was cancelled" % t.id
    again = pickle.loads(pickle.dumps(e.value))
    assert type(again) is TaskRevoked and again.message == e.value.message and again.error == ""
    assert isinstance(e.value, ConduitError)
    assert t.state == "REVOKED" and t.failed() and t.ready() and not t.successful()
    assert isinstance(t.result, TaskRevoked)
    with pytest.raises(ConduitError) as e:  # finished: nothing left to cancel
        t.cancel()
    assert e.value.code == "CONFLICT" and e.value.status == 409


def test_a_queued_task_is_revoked_at_once(tasks, stop_later):
    fillers = [tasks.submit("example.count", SLOW) for _ in range(4)]  # the node runs 4 at once
    for f in fillers:
        stop_later(f)
    wait_until(lambda: all(f.state in ("STARTED", "PROGRESS") for f in fillers), what="4 running tasks")
    queued = tasks.submit("example.count", {"to": 1})
    stop_later(queued)
    assert queued.cancel() == "REVOKED"
    assert queued.get(propagate=False, timeout=5).code == "REVOKED"
    assert queued.attempts == 0 and queued.snapshot["startedAt"] is None  # it never ran


def test_a_failure_is_raised_with_the_tasks_error(tasks):
    t = tasks.submit("example.count", {"to": 100, "stepMs": 50}, time_limit=0.3)  # 5 s of work, 0.3 s allowed
    with pytest.raises(TaskFailed) as e:
        t.get(timeout=10)
    assert e.value.code == "FAILURE" and e.value.task_id == t.id
    assert "time limit of 300 ms exceeded" in e.value.error and e.value.message == e.value.error
    assert e.value.details["state"] == "FAILURE"
    older = tasks.submit("example.count", {"to": 100, "stepMs": 50}, timeout=0.3)  # the name earlier versions used
    assert older.get(propagate=False, timeout=10).error.startswith("time limit of 300 ms exceeded")
    assert t.failed() and not t.successful() and "time limit" in t.error
    returned = t.get(propagate=False)
    assert isinstance(returned, TaskFailed) and returned.error == e.value.error
    assert isinstance(t.result, TaskFailed)
    copy = pickle.loads(pickle.dumps(e.value))
    assert type(copy) is TaskFailed and copy.task_id == t.id and copy.error == e.value.error


def test_the_queue_refuses_unknown_tasks_and_bad_arguments(tasks):
    with pytest.raises(ConduitError) as e:
        tasks.submit("no.such.task", {})
    assert e.value.code == "BAD_REQUEST" and e.value.status == 400
    assert "unknown task 'no.such.task'" in e.value.message and "example.count" in e.value.message
    with pytest.raises(ConduitError) as e:
        tasks.submit("example.count", {"to": -1})  # the handler's validate refuses it
    assert e.value.code == "BAD_REQUEST" and "'to'" in e.value.message
    with pytest.raises(ConduitError) as e:
        tasks.submit("example.count", {"to": 1}, max_retries=1000)
    assert e.value.code == "BAD_REQUEST" and "maxRetries" in e.value.message
    with pytest.raises(ConduitError) as e:
        tasks.submit("", {})
    assert e.value.code == "BAD_REQUEST"


def test_wrong_types_are_type_errors_before_sending(tasks, client, monkeypatch):
    sent = []
    monkeypatch.setattr(client, "request", lambda *a, **k: sent.append(a))
    bad = [
        lambda: tasks.submit(42, {}),
        lambda: tasks.submit(b"example.count", {}),
        lambda: tasks.submit("example.count", [1, 2]),
        lambda: tasks.submit("example.count", "to=3"),
        lambda: tasks.submit("example.count", {1: 2}),
        lambda: tasks.submit("example.count", {"to": 1}, key=7),
        lambda: tasks.submit("example.count", {"to": 1}, max_retries="3"),
        lambda: tasks.submit("example.count", {"to": 1}, max_retries=True),
        lambda: tasks.submit("example.count", {"to": 1}, timeout="soon"),
        lambda: tasks.submit("example.count", {"to": 1}, time_limit="soon"),
        lambda: tasks.submit("example.count", {"to": 1}, time_limit=5, timeout=5),
        lambda: tasks.submit("example.count", {"to": 1}, result_ttl=[1]),
        lambda: tasks.result(123),
        lambda: tasks.list(state=1),
        lambda: tasks.list(limit="10"),
        lambda: tasks.list(newest_first="yes"),
        lambda: client.tasks(address=5),
        lambda: TaskResult(tasks, "x").get(timeout="1"),
        lambda: TaskResult(tasks, "x").get(propagate=None),
        lambda: TaskResult(tasks, "x").events(interval="1"),
    ]
    for call in bad:
        with pytest.raises(TypeError):
            call()
    for call in [lambda: tasks.submit("example.count", {"to": 1}, timeout=0),
                 lambda: tasks.submit("example.count", {"to": 1}, time_limit=-1),
                 lambda: tasks.submit("example.count", {"to": 1}, result_ttl=-1),
                 lambda: tasks.list(limit=0),
                 lambda: TaskResult(tasks, "x").get(timeout=-1),
                 lambda: TaskResult(tasks, "x").events(interval=0)]:
        with pytest.raises(ValueError):
            call()
    assert sent == []
    monkeypatch.undo()
    with pytest.raises(TypeError):  # a value JSON cannot carry: refused by the encoder, before sending
        tasks.submit("example.count", {"to": {1, 2}})
    assert tasks.submit("example.count", {"to": 0}).get(timeout=10) == {"count": 0}  # still works


def test_a_key_submits_once(tasks):
    key = "build-%s" % uuid.uuid4().hex
    first = tasks.submit("example.count", {"to": 2}, key=key)
    second = tasks.submit("example.count", {"to": 2}, key=key)
    assert second.id == first.id and second.duplicate and not first.duplicate
    assert first.get(timeout=10) == {"count": 2}
    third = tasks.submit("example.count", {"to": 2}, key=key)  # the finished task still owns the key
    assert third.id == first.id and third.duplicate


def test_list_pages_filters_and_orders(tasks):
    mine = [tasks.submit("example.count", {"to": i}) for i in range(3)]
    for t in mine:
        t.get(timeout=10)
    newest = tasks.list(limit=3, newest_first=True)
    assert [t.id for t in newest] == [t.id for t in reversed(mine)]
    assert all(t.snapshot["state"] == "SUCCESS" for t in newest)
    everything = tasks.list(limit=None)
    ids = [t.id for t in everything]
    assert ids.index(mine[0].id) < ids.index(mine[1].id) < ids.index(mine[2].id)
    assert len(set(ids)) == len(ids)
    done = tasks.list(state="SUCCESS", limit=None)
    assert {t.id for t in mine} <= {t.id for t in done}
    assert all(t.snapshot["state"] == "SUCCESS" for t in done)
    assert tasks.list(state="revoked", limit=None) == [t for t in everything if t.snapshot["state"] == "REVOKED"]
    with pytest.raises(ConduitError) as e:
        tasks.list(state="DONE")
    assert e.value.code == "BAD_REQUEST"


def test_an_unknown_id_is_not_found(tasks):
    t = tasks.result(str(uuid.uuid4()))
    for call in (lambda: t.state, t.refresh, lambda: t.get(timeout=2), t.cancel):
        with pytest.raises(ConduitError) as e:
            call()
        assert e.value.code == "NOT_FOUND" and e.value.status == 404


def test_get_without_an_events_endpoint_reads_the_status(node):
    with conduit.connect(node.endpoint, events=node.events, timeout=10) as c:
        c.events = None  # as for an endpoint with no events beside it: status reads alone
        t = c.tasks().submit("example.count", {"to": 3, "stepMs": 20})
        assert t.get(timeout=10, interval=0.1) == {"count": 3}
        t2 = c.tasks().submit("example.count", {"to": 3, "stepMs": 20})
        states = [e.state for e in t2.events(timeout=10, interval=0.05)]
        assert states[-1] == "SUCCESS"


def test_threads_share_a_result(tasks):
    t = tasks.submit("example.count", {"to": 5, "stepMs": 40})
    results, errors = [], []

    def wait():
        try:
            results.append(t.get(timeout=10))
        except BaseException as e:  # reported below
            errors.append(e)

    threads = [threading.Thread(target=wait) for _ in range(4)]
    for th in threads:
        th.start()
    for th in threads:
        th.join(15)
    assert not errors and results == [{"count": 5}] * 4


def test_a_queue_at_another_address(client):
    other = client.tasks("no-queue-%s" % uuid.uuid4().hex)
    assert isinstance(other, Tasks) and other.address in repr(other)
    with pytest.raises(ConduitError) as e:
        other.submit("example.count", {"to": 1})
    assert e.value.code == "NO_HANDLERS"


class _ScriptedClient:
    """A client whose status reads and task events come from a script, for the orderings a live
    node shows only by chance: each ``request`` answers (or raises) the next of ``replies``, the
    subscription yields ``events`` and then stays silent."""

    timeout_ms = 200

    def __init__(self, replies, events=()):
        self.replies = list(replies)
        self.pending_events = list(events)
        self.events = "tcp://scripted" if events else None
        self.asked = []

    def request(self, address, body, timeout=None):
        self.asked.append(body)
        reply = self.replies.pop(0) if len(self.replies) > 1 else self.replies[0]
        if isinstance(reply, Exception):
            raise reply
        return reply

    def subscribe(self, address):
        client = self

        class _Subscription:
            def receive(self, timeout=None):
                if client.pending_events:
                    return {}, client.pending_events.pop(0)
                time.sleep(min(timeout or 0.01, 0.01))
                raise ConduitError("TIMEOUT", "no event")

            def close(self):
                pass

        return _Subscription()


def _report(n, current, total, message="", attempts=1):
    return {"id": "t1", "task": "phased", "state": "PROGRESS", "attempts": attempts, "at": 1000 + n,
            "progress": {"current": current, "total": total, "message": message, "report": n}}


def test_events_keep_reports_whose_steps_start_again_and_drop_only_older_ones():
    started = {"id": "t1", "task": "phased", "state": "STARTED", "attempts": 1, "submittedAt": 1,
               "progress": {"current": 0, "total": 0, "message": ""}}
    done = dict(started, state="SUCCESS", result=8, progress={"current": 3, "total": 3, "message": "train 3",
                                                               "report": 8})
    phases = [_report(1, 1, 5, "download 1"), _report(5, 5, 5, "download 5"), _report(6, 1, 3, "train 1"),
              _report(2, 2, 5, "download 2"),  # an older report seen late (a status read that lagged): dropped
              _report(8, 3, 3, "train 3"), done]
    t = TaskResult(Tasks(_ScriptedClient([started], phases)), "t1")
    with t.events(timeout=10) as events:
        seen = [(e.state, e.progress.message) for e in events]
    assert seen == [("STARTED", ""), ("PROGRESS", "download 1"), ("PROGRESS", "download 5"),
                    ("PROGRESS", "train 1"), ("PROGRESS", "train 3"), ("SUCCESS", "train 3")]


def test_a_status_from_a_node_that_numbers_no_reports_is_ordered_by_its_step():
    started = {"id": "t1", "task": "phased", "state": "STARTED", "attempts": 1, "submittedAt": 1,
               "progress": {"current": 0, "total": 0, "message": ""}}
    older_node = dict(started, state="PROGRESS", progress={"current": 50, "total": 100, "message": "half"})
    done = dict(started, state="SUCCESS", progress={"current": 100, "total": 100, "message": "all", "report": 100})
    # a newer node numbers its reports from 1; the older node read the status at step 50
    client = _ScriptedClient([older_node], [_report(3, 53, 100, "53"), _report(4, 54, 100, "54"), done])
    with TaskResult(Tasks(client), "t1").events(timeout=10) as events:
        seen = [e.progress.message for e in events]
    assert seen == ["half", "53", "54", "all"]


def test_get_asks_again_when_a_status_read_goes_unanswered_while_time_is_left():
    finished = {"id": "t1", "task": "example.count", "state": "SUCCESS", "result": {"count": 1}, "attempts": 1,
                "submittedAt": 1}
    client = _ScriptedClient([ConduitError("TIMEOUT", "no reply from 'tasks' within 200 ms"),
                              ConduitError("UNAVAILABLE", "between consumers", {"retryAfterMs": 10}), finished])
    assert TaskResult(Tasks(client), "t1").get(timeout=10) == {"count": 1}
    assert len(client.asked) == 3
    # no time left: the wait's own TIMEOUT, naming the task; reads that fail at once are paced
    client = _ScriptedClient([ConduitError("TIMEOUT", "no reply from 'tasks' within 200 ms")])
    began = time.monotonic()
    with pytest.raises(ConduitError) as e:
        TaskResult(Tasks(client), "t1").get(timeout=0.5)
    assert e.value.code == "TIMEOUT" and e.value.details["id"] == "t1"
    assert 0.45 < time.monotonic() - began < 1.5 and len(client.asked) < 20, len(client.asked)
    # any other failure is the caller's at once
    client = _ScriptedClient([ConduitError("NOT_FOUND", "unknown task")])
    with pytest.raises(ConduitError) as e:
        TaskResult(Tasks(client), "t1").get(timeout=10)
    assert e.value.code == "NOT_FOUND" and len(client.asked) == 1


def test_a_duplicate_is_named_by_the_task_the_key_found_and_a_non_queue_is_a_bad_reply():
    client = _ScriptedClient([{"id": "t0", "duplicate": True},
                              {"id": "t0", "task": "example.count", "state": "SUCCESS", "submittedAt": 1}])
    t = Tasks(client).submit("example.train", {}, key="k1")
    assert t.duplicate and t.id == "t0" and t.name == "example.count"
    with pytest.raises(ConduitError) as e:
        TaskResult(Tasks(_ScriptedClient([{"echo": "whatever"}])), "abc").state
    assert e.value.code == "BAD_REPLY" and "is it a task queue" in e.value.message


def test_a_task_cancelled_while_waiting_to_retry_says_it_was_cancelled_and_keeps_the_attempts_error():
    e = TaskError.of({"id": "t1", "state": "REVOKED", "error": "IllegalStateException: attempt 1 failed"})
    assert type(e) is TaskRevoked
    assert e.message == "task t1 was cancelled (its last attempt failed: IllegalStateException: attempt 1 failed)"
    assert e.error == "IllegalStateException: attempt 1 failed"
