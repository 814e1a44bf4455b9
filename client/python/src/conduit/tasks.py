"""The task queue, Celery-shaped: submit a task by name, then follow it through a result object
much like Celery's ``AsyncResult``.

    tasks = client.tasks()                                   # the queue "tasks"
    t = tasks.submit("example.count", {"to": 10, "stepMs": 100})
    for event in t.events():                                 # progress as it happens
        print(event.state, event.progress.current, "/", event.progress.total)
    t.get(timeout=60)                                        # {'count': 10}

The queue's ops, states and events are described in docs/tasks.md. Types the queue cannot take
(a name that is not a str, args that are not a dict ...) raise ``TypeError`` before anything is
sent; everything the queue refuses (an unknown task, arguments its handler rejects, an unknown
or expired id) is a :class:`~conduit.ConduitError` with the queue's code (``BAD_REQUEST``,
``NOT_FOUND``, ``CONFLICT``).

Thread-safety: :class:`Tasks` and :class:`TaskResult` may be shared between threads (they hold
no socket of their own; the client gives each thread its own, and every ``get()`` or
``events()`` opens its own subscription). A :class:`TaskEvents` iterator belongs to the thread
that iterates it.
"""

import math
import time
from typing import Any, Dict, Iterator, List, Mapping, NamedTuple, Optional

from .errors import ConduitError

#: States after which a task never changes again.
READY_STATES = frozenset(("SUCCESS", "FAILURE", "REVOKED"))
#: Every state a task can be in, as Celery names them.
ALL_STATES = frozenset(("PENDING", "STARTED", "PROGRESS", "RETRY")) | READY_STATES

# Where a state comes within one attempt: events and status reads are merged by (attempt, rank, step).
_RANK = {"PENDING": 0, "STARTED": 1, "PROGRESS": 2, "RETRY": 3, "SUCCESS": 4, "FAILURE": 4, "REVOKED": 4}
_FIRST_POLL = 0.05   # seconds until the first status re-read while following a task
_PAGE = 1000         # the queue's largest list page


class Progress(NamedTuple):
    """How far a task has come, as its handler last reported it: ``current`` of ``total`` steps
    (``total`` 0 when unknown) and a ``message`` for people."""
    current: int = 0
    total: int = 0
    message: str = ""

    @property
    def fraction(self) -> Optional[float]:
        """``current / total`` (0.0 to 1.0), or None when the total is unknown."""
        return self.current / self.total if self.total else None

    @classmethod
    def from_json(cls, value: Any) -> "Progress":
        if not isinstance(value, dict):
            return cls()
        return cls(int(value.get("current") or 0), int(value.get("total") or 0), str(value.get("message") or ""))


class TaskEvent(NamedTuple):
    """One change of a task, as :meth:`TaskResult.events` yields it.

    ``state`` and ``progress`` are the task's at that moment, ``at`` the node's time of the change
    (epoch ms; None for a change learnt from a status read) and ``body`` what the queue sent: a
    full status (every field docs/tasks.md lists) for a state change, or ``{id, task, state,
    progress, attempts, at}`` for a progress report.
    """
    state: str
    progress: Progress
    at: Optional[int]
    body: Dict[str, Any]

    @property
    def ready(self) -> bool:
        """Whether this is the task's final state."""
        return self.state in READY_STATES


class TaskError(ConduitError):
    """A task that did not succeed, raised by :meth:`TaskResult.get`. ``code`` is the task's final
    state (``FAILURE`` or ``REVOKED``), ``error`` the task's error (e.g.
    ``"IllegalStateException: ..."``, ``"time limit of 500 ms exceeded"``; empty when there is none)
    and ``message`` the same, or what happened when there is none (``"task <id> was cancelled"``),
    ``task_id`` and ``state`` say which task and how it ended, ``details`` is its final status."""

    def __init__(self, code: str, message: str, details: Optional[Dict[str, Any]] = None,
                 status: Optional[int] = None) -> None:
        super().__init__(code, message, details, status)
        self.task_id: Optional[str] = self.details.get("id")
        self.state: str = str(self.details.get("state", code))
        # the task's own error; the message says what happened when there is none (a cancel)
        self.error: str = str(self.details.get("error") or "") if "state" in self.details else message

    @classmethod
    def of(cls, status: Dict[str, Any]) -> "TaskError":
        """The error a final, unsuccessful status stands for: :class:`TaskFailed` or :class:`TaskRevoked`."""
        state = str(status.get("state"))
        error = str(status.get("error") or "")
        which = "task %s" % status["id"] if status.get("id") else "the task"
        if state == "REVOKED":
            # cancelled, perhaps while waiting to retry: the error is then the earlier attempt's
            return TaskRevoked(state, "%s was cancelled%s" % (which, " (its last attempt failed: %s)" % error
                                                              if error else ""), dict(status))
        return TaskFailed(state, error or "%s failed" % which, dict(status))

    def __reduce__(self):  # keeps the subclass across pickling
        return (type(self), (self.code, self.message, self.details, self.status))


class TaskFailed(TaskError):
    """The task ended in ``FAILURE``: its handler threw on the last attempt it was allowed, it ran
    past its time limit, or its workers kept being lost. Celery re-raises the task's exception;
    Conduit's tasks run in Java, so this carries the exception's text in ``error``."""


class TaskRevoked(TaskError):
    """The task ended in ``REVOKED``: it was cancelled (Celery's ``TaskRevokedError``)."""


def _order(a: Dict[str, Any], b: Dict[str, Any]) -> int:
    """Whether the change ``a`` comes after (1), with (0) or before (-1) ``b``: by attempt, place in
    the attempt, then the progress report's number (``report``), or, when either lacks one (a node
    of a version that numbers none), the step (``current``)."""
    pa = a.get("progress") if isinstance(a.get("progress"), dict) else {}
    pb = b.get("progress") if isinstance(b.get("progress"), dict) else {}
    field = "report" if "report" in pa and "report" in pb else "current"
    ka = (int(a.get("attempts") or 0), _RANK.get(str(a.get("state")), 0), int(pa.get(field) or 0))
    kb = (int(b.get("attempts") or 0), _RANK.get(str(b.get("state")), 0), int(pb.get(field) or 0))
    return (ka > kb) - (ka < kb)


def _same(a: Dict[str, Any], b: Dict[str, Any]) -> bool:
    """Whether two statuses or events show the same state and progress."""
    return _order(a, b) == 0 and a.get("state") == b.get("state") and a.get("progress") == b.get("progress")


def _interval(value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise TypeError("interval is a number of seconds, not %r" % (value,))
    if not value > 0 or math.isinf(value):
        raise ValueError("interval must be a finite number of seconds above 0, got %r" % (value,))
    return float(value)


def _seconds_to_ms(value: Any, what: str) -> Optional[int]:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise TypeError("%s is a number of seconds, not %r" % (what, value))
    if not value > 0 or math.isinf(value):
        raise ValueError("%s must be a finite number of seconds above 0, got %r" % (what, value))
    return max(1, int(round(value * 1000)))


def _whole(value: Any, what: str) -> Optional[int]:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError("%s must be an int, not %s" % (what, type(value).__name__))
    return value


def _wait_seconds(value: Any, what: str) -> Optional[float]:
    """A wait given in seconds: None (no limit) or a number of at least 0."""
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise TypeError("%s is a number of seconds, not %r" % (what, value))
    if math.isnan(value) or value < 0:
        raise ValueError("%s must be at least 0 seconds, got %r" % (what, value))
    return float(value)


class Tasks:
    """The task queue at ``address`` (``client.tasks()``): :meth:`submit`, :meth:`result`, :meth:`list`.

    Thread-safe, as the client is.
    """

    def __init__(self, client: Any, address: str = "tasks") -> None:
        if not isinstance(address, str):
            raise TypeError("address must be a str, not %s" % type(address).__name__)
        self.client = client
        self.address = address

    def _ask(self, body: Dict[str, Any], timeout: Optional[float] = None) -> Dict[str, Any]:
        reply = self.client.request(self.address, body, timeout=timeout)
        if not isinstance(reply, dict):
            raise ConduitError("BAD_REPLY", "the task queue '%s' answered %r instead of a JSON object"
                               % (self.address, reply))
        return reply

    def submit(self, name: str, args: Optional[Mapping[str, Any]] = None, key: Optional[str] = None,
               max_retries: Optional[int] = None, time_limit: Optional[float] = None,
               result_ttl: Optional[float] = None, *, timeout: Optional[float] = None) -> "TaskResult":
        """Queues the task ``name`` with ``args`` (a dict of JSON values; None: ``{}``) and returns
        its :class:`TaskResult` (Celery's ``apply_async``).

        ``key``: an idempotency key; submitting the same key again, while the first task is known,
        returns that task (``result.duplicate`` is True) instead of queuing another.
        ``max_retries``: retries after a failed attempt (queue default 3). ``time_limit``: seconds one
        attempt may run before the task is FAILURE (Celery's ``time_limit``; default none;
        ``timeout`` is the same, the name earlier versions used). ``result_ttl``: seconds the
        finished task is kept (default a day). Each None leaves the queue's default.

        TypeError (before sending) for a value of the wrong type, or both time_limit and timeout;
        ValueError for a time_limit or result_ttl not above 0; ConduitError ``BAD_REQUEST`` for an unknown task, arguments its
        handler rejects, or a number out of the queue's range.
        """
        if not isinstance(name, str):
            raise TypeError("name must be a str (a registered task's name), not %s" % type(name).__name__)
        if args is None:
            args = {}
        if not isinstance(args, Mapping):
            raise TypeError("args must be a dict of argument names to JSON values, not %s" % type(args).__name__)
        for arg in args:
            if not isinstance(arg, str):
                raise TypeError("an argument name must be a str, not %r" % (arg,))
        if key is not None and not isinstance(key, str):
            raise TypeError("key must be a str, not %s" % type(key).__name__)
        body: Dict[str, Any] = {"op": "submit", "task": name, "args": dict(args)}
        if key is not None:
            body["idempotencyKey"] = key
        retries = _whole(max_retries, "max_retries")
        if retries is not None:
            body["maxRetries"] = retries
        if time_limit is not None and timeout is not None:
            raise TypeError("pass time_limit or timeout (the same, under its earlier name), not both")
        timeout_ms = _seconds_to_ms(timeout, "timeout") if timeout is not None else _seconds_to_ms(time_limit, "time_limit")
        if timeout_ms is not None:
            body["timeoutMs"] = timeout_ms
        ttl_ms = _seconds_to_ms(result_ttl, "result_ttl")
        if ttl_ms is not None:
            body["resultTtlMs"] = ttl_ms
        reply = self._ask(body)  # a body JSON cannot carry is a TypeError here, before sending
        if not isinstance(reply.get("id"), str):
            raise ConduitError("BAD_REPLY", "submit answered without an id: %r" % (reply,))
        duplicate = bool(reply.get("duplicate"))
        # a duplicate is the task already known under the key, which may be another task's name
        return TaskResult(self, reply["id"], name=None if duplicate else name, duplicate=duplicate)

    def result(self, task_id: str) -> "TaskResult":
        """The :class:`TaskResult` of a task submitted earlier (by anyone); asks nothing yet, so an
        unknown id is a ConduitError ``NOT_FOUND`` on first use. Celery: ``app.AsyncResult(id)``."""
        if not isinstance(task_id, str):
            raise TypeError("task_id must be a str, not %s" % type(task_id).__name__)
        return TaskResult(self, task_id)

    AsyncResult = result  # Celery's name

    def list(self, state: Optional[str] = None, limit: Optional[int] = 100,
             newest_first: bool = False) -> List["TaskResult"]:
        """Known tasks (finished ones until their results expire), in submission order (the newest
        first with ``newest_first``), only those in ``state`` when given, at most ``limit`` (None:
        all, read a page of 1000 at a time). Each result's :attr:`TaskResult.snapshot` is its
        status as listed. ConduitError ``BAD_REQUEST`` for a state the queue does not know."""
        if state is not None and not isinstance(state, str):
            raise TypeError("state must be a state name (a str), not %s" % type(state).__name__)
        _whole(limit, "limit")
        if limit is not None and limit < 1:
            raise ValueError("limit must be at least 1 (or None for all), got %r" % (limit,))
        if not isinstance(newest_first, bool):
            raise TypeError("newest_first must be a bool, not %s" % type(newest_first).__name__)
        out: List[TaskResult] = []
        cursor: Optional[str] = None
        while limit is None or len(out) < limit:
            body: Dict[str, Any] = {"op": "list", "limit": _PAGE if limit is None else min(_PAGE, limit - len(out)),
                                    "newestFirst": newest_first}
            if state is not None:
                body["state"] = state
            if cursor is not None:
                body["cursor"] = cursor
            page = self._ask(body)
            for status in page.get("tasks") or []:
                out.append(TaskResult(self, str(status["id"]), status=status))
            cursor = page.get("cursor")
            if not cursor:
                break
        return out

    def __repr__(self) -> str:
        return "<Tasks %r at %s>" % (self.address, self.client.endpoint)


class TaskResult:
    """A submitted task, Celery's ``AsyncResult``: ``id``, live ``state``, ``progress``, ``result``,
    ``ready()``/``successful()``/``failed()``, ``get()``, ``cancel()`` and ``events()``.

    ``state``, ``progress``, ``result``, ``info`` and the predicates read the task's status from
    the queue on each use until it has reached a final state, then answer from that status
    (finished tasks never change). :attr:`snapshot` is the last status read, without asking.
    Thread-safe: the last status is replaced whole, never edited.
    """

    def __init__(self, tasks: Tasks, task_id: str, name: Optional[str] = None,
                 status: Optional[Dict[str, Any]] = None, duplicate: bool = False) -> None:
        self.tasks = tasks
        self.id = task_id
        self.duplicate = duplicate  # submit found a known task (running or finished) with the same key
        self._name = name
        self._status: Optional[Dict[str, Any]] = status

    # -- status -----------------------------------------------------------------------------------

    @property
    def task_id(self) -> str:
        """The id (Celery's name)."""
        return self.id

    @property
    def snapshot(self) -> Optional[Dict[str, Any]]:
        """The last status read or received (docs/tasks.md's fields), without asking; None before any."""
        return self._status

    def refresh(self, timeout: Optional[float] = None) -> Dict[str, Any]:
        """Reads the task's status now and returns it (``timeout``: seconds for the reply).
        ConduitError ``NOT_FOUND`` when the id is unknown or its result expired, ``BAD_REPLY``
        when what answered is not a task queue."""
        status = self.tasks._ask({"op": "status", "id": self.id}, timeout=timeout)
        if not isinstance(status.get("state"), str):
            raise ConduitError("BAD_REPLY", "'%s' answered a status read without a state: %r; is it a task queue?"
                               % (self.tasks.address, status))
        self._status = status
        return status

    def _current(self) -> Dict[str, Any]:
        status = self._status
        if status is not None and status.get("state") in READY_STATES:
            return status
        return self.refresh()

    @property
    def name(self) -> Optional[str]:
        """The task's name (read from the queue if not known)."""
        if self._name is None:
            self._name = self._current().get("task")
        return self._name

    @property
    def state(self) -> str:
        """``PENDING``, ``STARTED``, ``PROGRESS``, ``RETRY``, ``SUCCESS``, ``FAILURE`` or ``REVOKED``."""
        return str(self._current()["state"])

    status = state  # Celery's alias

    @property
    def progress(self) -> Progress:
        """The last progress the status holds (it may lag the newest report by up to 200 ms; use
        :meth:`events` to see every report)."""
        return Progress.from_json(self._current().get("progress"))

    @property
    def result(self) -> Any:
        """As Celery's: the task's return value once SUCCESS, its :class:`TaskError` (not raised)
        once FAILURE or REVOKED, None before."""
        status = self._current()
        if status.get("state") == "SUCCESS":
            return status.get("result")
        if status.get("state") in READY_STATES:
            return TaskError.of(status)
        return None

    @property
    def info(self) -> Any:
        """As Celery's: :attr:`result` once finished, the :class:`Progress` while running."""
        status = self._current()
        if status.get("state") in READY_STATES:
            return self.result
        return Progress.from_json(status.get("progress"))

    @property
    def error(self) -> Optional[str]:
        """The task's error text (FAILURE, RETRY: the last attempt's), None when there is none."""
        return self._current().get("error")

    traceback = error  # Celery's name for the failure's text

    @property
    def attempts(self) -> int:
        """Attempts started so far (1 while the first runs)."""
        return int(self._current().get("attempts") or 0)

    def ready(self) -> bool:
        """Whether the task has finished (SUCCESS, FAILURE or REVOKED)."""
        return self.state in READY_STATES

    def successful(self) -> bool:
        """Whether the task finished with a result."""
        return self.state == "SUCCESS"

    def failed(self) -> bool:
        """Whether the task finished without one (FAILURE or REVOKED, as Celery counts it)."""
        return self.state in ("FAILURE", "REVOKED")

    # -- waiting ----------------------------------------------------------------------------------

    def get(self, timeout: Optional[float] = None, propagate: bool = True, interval: float = 1.0) -> Any:
        """Waits until the task finishes and returns its result (Celery's ``AsyncResult.get``).

        Follows the task's events and reads its status too (first at once, then after a silence
        growing to ``interval`` seconds), so a change published before the subscription reached
        the bridge is never missed. ``timeout``: seconds to wait (None: no limit; 0: only look);
        when it passes first, ConduitError ``TIMEOUT`` (``details``: ``id``, ``state``,
        ``timeoutMs``). A FAILURE raises :class:`TaskFailed`, a REVOKED :class:`TaskRevoked`
        (both ConduitErrors carrying the task's error); with ``propagate=False`` the error is
        returned instead.
        """
        wait = _wait_seconds(timeout, "timeout")
        every = _interval(interval)
        if not isinstance(propagate, bool):
            raise TypeError("propagate must be a bool, not %s" % type(propagate).__name__)
        status = self._status
        if status is None or status.get("state") not in READY_STATES:
            status = None
            for event in self._follow(wait, every):
                status = event.body
            assert status is not None
        if status.get("state") == "SUCCESS":
            return status.get("result")
        error = TaskError.of(status)
        if propagate:
            raise error
        return error

    def events(self, timeout: Optional[float] = None, interval: float = 1.0) -> "TaskEvents":
        """The task's changes as they happen, as :class:`TaskEvent` s: its current status first,
        then every state change and progress report, ending after the final state (which is
        yielded, not raised). Use in a ``with`` block (or close it) when you stop early.

        Like :meth:`get`, it reads the status after each silence of up to ``interval`` seconds,
        so a missed change still shows (reports between two reads may then be skipped, never
        reordered: an event older than one already yielded is dropped). ``timeout``: seconds for
        the whole stream (None: no limit); ConduitError ``TIMEOUT`` when it passes first.
        """
        return TaskEvents(self._follow(_wait_seconds(timeout, "timeout"), _interval(interval)))

    def _follow(self, timeout: Optional[float], interval: float) -> Iterator[TaskEvent]:
        """Subscribes to ``<queue>.events.<id>``, then yields the status and every newer change until
        the final state; re-reads the status after each silence (50 ms, doubling up to ``interval``)."""
        deadline = None if timeout is None else time.monotonic() + timeout
        client = self.tasks.client
        subscription = None
        if client.events is not None:  # without an events endpoint, status reads alone
            subscription = client.subscribe("%s.events.%s" % (self.tasks.address, self.id))
        try:
            last: Optional[Dict[str, Any]] = None
            cancel_seen = False
            pause = min(_FIRST_POLL, interval)
            # looks once even with timeout 0
            status: Optional[Dict[str, Any]] = self._read(None, deadline, None, timeout)
            while True:
                if status is not None:
                    cancelled = bool(status.get("cancelRequested")) and not cancel_seen
                    if last is None or cancelled or (_order(status, last) >= 0 and not _same(status, last)):
                        last = status
                        cancel_seen = cancel_seen or cancelled
                        if "submittedAt" in status:  # a full status, not a progress report
                            self._status = status
                        yield TaskEvent(str(status.get("state")), Progress.from_json(status.get("progress")),
                                        status.get("at"), status)
                        if status.get("state") in READY_STATES:
                            return
                remaining = None if deadline is None else deadline - time.monotonic()
                if remaining is not None and remaining <= 0:
                    raise self._timeout(timeout, last)
                quiet = pause if remaining is None else min(pause, remaining)
                status = None
                if subscription is not None:
                    try:
                        _, body = subscription.receive(timeout=quiet)
                    except ConduitError as e:
                        if e.code != "TIMEOUT":
                            raise
                    else:
                        if isinstance(body, dict) and body.get("id", self.id) == self.id and "state" in body:
                            status = body
                        pause = min(_FIRST_POLL, interval)  # something came: the subscription is live
                        continue
                else:
                    time.sleep(quiet)
                pause = min(pause * 2, interval)
                status = self._read(deadline, deadline, last, timeout)
        finally:
            if subscription is not None:
                subscription.close()

    def _read(self, bound: Optional[float], deadline: Optional[float], last: Optional[Dict[str, Any]],
              timeout: Optional[float]) -> Dict[str, Any]:
        """A status read; its first attempt bounded by ``bound`` (the client's timeout when None),
        any later one by ``deadline``. An attempt the queue did not answer in time (a node that died
        still listed for it) or answered ``UNAVAILABLE`` with ``retryAfterMs`` (between consumers)
        is no answer about the task: it is made again, after a pause that grows to a second (or
        the ``retryAfterMs``), until ``deadline`` (None: for as long as it takes), then TIMEOUT."""
        pause = _FIRST_POLL
        while True:
            limit = self.tasks.client.timeout_ms / 1000.0
            if bound is not None:
                limit = min(limit, max(0.001, bound - time.monotonic()))
            try:
                return self.refresh(timeout=limit)
            except ConduitError as e:
                retry_after = e.details.get("retryAfterMs") if e.code == "UNAVAILABLE" else None
                if e.code != "TIMEOUT" and not isinstance(retry_after, int):
                    raise
                if deadline is not None and time.monotonic() >= deadline:
                    raise self._timeout(timeout, last) from None
                wait = retry_after / 1000.0 if retry_after else pause
                pause = min(pause * 2, 1.0)
                time.sleep(wait if deadline is None else max(0.0, min(wait, deadline - time.monotonic())))
                bound = deadline

    def _timeout(self, timeout: Optional[float], last: Optional[Dict[str, Any]]) -> ConduitError:
        state = (last or self._status or {}).get("state")
        return ConduitError("TIMEOUT", "task %s still %s after %s s" % (self.id, state, timeout),
                            {"id": self.id, "state": state, "timeoutMs": int((timeout or 0) * 1000)})

    # -- cancelling -------------------------------------------------------------------------------

    def cancel(self) -> str:
        """Cancels the task and returns its state: ``REVOKED`` at once for a queued task; for a
        running one its running state, with ``cancelRequested`` in :attr:`snapshot` (it turns
        REVOKED when its handler stops; :meth:`get` then raises :class:`TaskRevoked`).
        ConduitError ``CONFLICT`` when it had already finished, ``NOT_FOUND`` when unknown."""
        status = self.tasks._ask({"op": "cancel", "id": self.id})
        self._status = status
        return str(status.get("state"))

    revoke = cancel  # Celery's name

    # -- identity ---------------------------------------------------------------------------------

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, TaskResult):
            return NotImplemented
        return self.id == other.id and self.tasks.address == other.tasks.address

    def __hash__(self) -> int:
        return hash((self.tasks.address, self.id))

    def __repr__(self) -> str:
        state = self._status.get("state") if self._status else None
        return "<TaskResult %s%s>" % (self.id, " " + state if state else "")


class TaskEvents:
    """An iterator of a task's :class:`TaskEvent` s (see :meth:`TaskResult.events`); closing it
    (or leaving its ``with`` block) closes its subscription. Use it from one thread."""

    def __init__(self, events: Iterator[TaskEvent]) -> None:
        self._events = events

    def __iter__(self) -> "TaskEvents":
        return self

    def __next__(self) -> TaskEvent:
        return next(self._events)

    def close(self) -> None:
        close = getattr(self._events, "close", None)
        if close is not None:
            close()

    def __enter__(self) -> "TaskEvents":
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()
