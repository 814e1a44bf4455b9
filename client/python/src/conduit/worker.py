"""Workers in Python: serve an event-bus address of a Conduit node from a Python function.

A worker registers with the bridge as a Majordomo worker (MDP/0.1, ZeroMQ RFC 7; docs/bridge.md,
"External workers"), so every request to its service -- from Java code on any node, a CBP/1 or an
MDP client, the REST API -- can reach it::

    import conduit

    worker = conduit.Worker("tcp://127.0.0.1:5555", "text")

    @worker.op("upper")                  # {"op": "upper", "text": "hi"}  ->  "HI"
    def upper(args):
        return args["text"].upper()

    @worker.op                           # the function's name is the op: {"op": "count"}
    def count():
        return 42

    worker.run()                         # blocks; worker.stop() (another thread, a signal) ends it

or one plain callable that takes every body (a JSON value, or bytes)::

    conduit.Worker("tcp://127.0.0.1:5555", "shout", lambda body: body.upper()).run()

From the shell (SIGTERM or Ctrl-C stop it cleanly, exit status 0; ``conduit-worker`` is the same
command once the package is installed)::

    python -m conduit.worker mymodule:worker --endpoint tcp://127.0.0.1:5555 --service text
    python -m conduit.worker mymodule:shout --service shout      # a plain callable

Ops are chosen as a Java ``ServiceVerticle`` chooses them: a request is a JSON object whose ``op``
field names the op, and that whole object is the op's argument (an op declared without a parameter
is called with none). The bridge carries no headers to workers, so bytes cannot name an op: a
worker with ops answers bytes (or any body that is not JSON) with BAD_REQUEST.

Errors. A ``ConduitError`` raised by an op keeps its code; a ``ValueError`` is BAD_REQUEST (as
Java's IllegalArgumentException); any other exception is RECIPIENT_FAILURE with ``failureCode``
500, its sentence naming the op and the service. The worker logs it and goes on serving. MDP/0.1
has no error reply, so the failure travels as the reply body the bridge itself gives Majordomo
clients, ``{"error": {"code", "message", "failureCode", "service", "op"}}``, which the bridge
turns back into that error for every caller: a ``conduit.Client`` raises it as a
:class:`~conduit.ConduitError` with its code (docs/protocol.md, "Majordomo workers").

Threads. ``run()`` calls the ops in the thread that called it (so thread-bound objects, such as a
sqlite3 connection made at import, work); the socket lives in a helper thread that keeps
heartbeating the bridge while an op computes, so a long request does not get the worker dropped
(the caller's own timeout still applies). One request at a time, as MDP/0.1 has it: run several
workers (threads or processes) on one service to share the load; the bridge serves them in turn.
"""

import argparse
import asyncio
import importlib
import inspect
import json
import logging
import os
import queue
import signal
import sys
import threading
import time
from typing import Any, Callable, Dict, List, NamedTuple, Optional, Sequence

import zmq

from . import _sockets, _wire
from .client import Client
from .errors import ConduitError

__all__ = ["Worker", "main"]

LOG = logging.getLogger("conduit.worker")

MDPW = b"MDPW01"
READY, REQUEST, REPLY, HEARTBEAT, DISCONNECT = b"\x01", b"\x02", b"\x03", b"\x04", b"\x05"

#: The status each code of docs/protocol.md stands for (io.conduit.codec.ErrorCode).
STATUS = {"BAD_REQUEST": 400, "FORBIDDEN": 403, "NO_HANDLERS": 404, "NOT_FOUND": 404, "CONFLICT": 409,
          "TOO_LARGE": 413, "OVERLOADED": 429, "INTERNAL": 500, "RECIPIENT_FAILURE": 502,
          "UNAVAILABLE": 503, "TIMEOUT": 504}

_STOP = object()       # in the job queue: run() should return
_IO_FAILED = object()  # in the job queue: the socket thread died


class _Job(NamedTuple):
    generation: int   # which connection the request came on (a reply to an older one is dropped)
    client: bytes     # the bridge's request id, echoed in the REPLY
    body: bytes


class _Op(NamedTuple):
    name: str
    function: Callable[..., Any]
    takes_argument: bool


def _takes_argument(function: Callable[..., Any]) -> bool:
    """False only for a callable that certainly takes no positional argument (``def count():``)."""
    try:
        parameters = inspect.signature(function).parameters.values()
    except (TypeError, ValueError):  # some builtins have no signature: give them the body
        return True
    return any(p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD, p.VAR_POSITIONAL) for p in parameters)


def _positive(value: Any, what: str) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not value > 0:
        raise ValueError("%s must be a number of seconds above 0, got %r" % (what, value))
    return float(value)


def _check_endpoint(endpoint: Any) -> str:
    """The endpoint, once ZeroMQ has accepted it (a socket connects to it and closes; nothing is sent)."""
    _wire.check_address(endpoint, "endpoint")
    probe = zmq.Context.instance().socket(zmq.DEALER)
    try:
        probe.connect(endpoint)
    except zmq.ZMQError as e:
        raise ValueError("endpoint %r is not one ZeroMQ can connect to (tcp://HOST:PORT, ipc://PATH): %s"
                         % (endpoint, e)) from None
    finally:
        probe.close(linger=0)
    return endpoint


def _check_service(service: Any) -> str:
    if not isinstance(service, str):
        raise TypeError("service must be a str, not %s" % type(service).__name__)
    if not service or service != service.strip():
        raise ValueError("service must be a non-empty address without surrounding spaces, got %r" % (service,))
    return service


def decode_request(body: bytes) -> Any:
    """A request body as the bridge sends it to workers: empty is None, JSON is its value, anything
    else the bytes (the bridge sends a Buffer's bytes as they are, so bytes that happen to parse as
    JSON arrive as JSON: use ``raw=True`` on a plain-callable worker to always get bytes)."""
    if not body:
        return None
    try:
        return json.loads(body.decode("utf-8"))
    except ValueError:  # UnicodeDecodeError is a ValueError too
        return body


def encode_reply(value: Any) -> bytes:
    """A handler's return value as a REPLY body: bytes as they are, anything else as JSON.
    TypeError/ValueError when JSON cannot carry it."""
    if isinstance(value, (bytes, bytearray, memoryview)):
        return bytes(value)
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False, allow_nan=False).encode("utf-8")


def error_body(code: str, message: str, **details: Any) -> bytes:
    """The reply body a worker answers a failure with: ``{"error": {"code", "message", ...}}``,
    the shape the bridge gives Majordomo clients (docs/protocol.md), ``failureCode`` the code's status."""
    error: Dict[str, Any] = {"code": code, "message": message}
    error["failureCode"] = details.pop("failureCode", None) or STATUS.get(code, 500)
    error.update((k, v) for k, v in details.items() if v is not None)
    # ASCII: a message quoting a caller's text may hold what UTF-8 cannot encode (a lone surrogate)
    return json.dumps({"error": error}, separators=(",", ":"), ensure_ascii=True, default=str).encode("ascii")


class _Session:
    """What one ``run()`` holds: its ZeroMQ context, the job queue, the socket thread."""

    def __init__(self, worker: "Worker") -> None:
        self.context = zmq.Context()
        self.context.setsockopt(zmq.LINGER, 0)
        self.jobs: "queue.SimpleQueue[Any]" = queue.SimpleQueue()  # put() is safe in a signal handler
        self.inproc = "inproc://conduit-worker-%x" % id(self)
        self.results = self.context.socket(zmq.PAIR)  # the run() thread's end
        self.results.bind(self.inproc)
        self.error: Optional[BaseException] = None
        self.loop: Optional[asyncio.AbstractEventLoop] = None
        self.thread = threading.Thread(target=worker._io_main, args=(self,), daemon=True,
                                       name="conduit-worker-io-%s" % worker.service)


class Worker:
    """Serves the event-bus address ``service`` through the bridge at ``endpoint``.

    ``handler``: one plain callable that takes every body (a JSON value, bytes, or None), as an
    alternative to ops registered with :meth:`op`; ``raw=True`` gives it the body's bytes undecoded.
    ``server_key``/``client_key``: CURVE, as :func:`conduit.connect` takes them (the bridge's
    public key, this worker's secret key; Z85 text or key files). ``heartbeat``: seconds between
    heartbeats, which must equal the bridge's ``heartbeatIntervalMs`` (default 2500 ms);
    ``liveness``: heartbeats the bridge may miss before the worker connects again (the bridge's
    ``heartbeatLiveness``, default 3). ``service`` may be left out here and given before
    :meth:`run` (the command line's ``--service`` does so).

    The worker registers again by itself whenever the bridge forgets it (its heartbeats expired,
    the node restarted) or goes silent, waiting 0.1 s, then twice as long each time up to the
    heartbeat interval (up to 4 liveness windows while the bridge refuses the service, e.g. outside
    its ``serve`` allow-list; the first refusal is logged as a WARNING).
    :meth:`wait_ready` tells when the bridge has it.
    """

    def __init__(self, endpoint: str = "tcp://127.0.0.1:5555", service: Optional[str] = None,
                 handler: Optional[Callable[..., Any]] = None, *, server_key: Optional[str] = None,
                 client_key: Optional[str] = None, heartbeat: float = 2.5, liveness: int = 3,
                 raw: bool = False) -> None:
        self.endpoint = _check_endpoint(endpoint)
        self.service = None if service is None else _check_service(service)
        self.heartbeat = _positive(heartbeat, "heartbeat")
        if isinstance(liveness, bool) or not isinstance(liveness, int) or liveness < 1:
            raise ValueError("liveness must be a whole number of at least 1, got %r" % (liveness,))
        self.liveness = liveness
        self.raw = bool(raw)
        self._curve = Client._curve_keys(server_key, client_key)
        self._ops: Dict[str, _Op] = {}
        self._handler: Optional[_Op] = None
        if handler is not None:
            if not callable(handler):
                raise TypeError("handler must be callable, not %s" % type(handler).__name__)
            name = getattr(handler, "__name__", None) or type(handler).__name__
            self._handler = _Op(name, handler, _takes_argument(handler))
        self._lock = threading.Lock()
        self._session: Optional[_Session] = None
        self._stop_requested = False
        self._ready = threading.Event()

    def __repr__(self) -> str:
        serves = "ops %s" % sorted(self._ops) if self._ops else "handler %s" % (
            self._handler.name if self._handler else None)
        return "<conduit.Worker %r on %s, %s>" % (self.service, self.endpoint, serves)

    # -- what it serves -------------------------------------------------------------------------

    def op(self, name: Any = None, function: Optional[Callable[..., Any]] = None) -> Any:
        """Registers an op: ``@worker.op("upper")``, ``@worker.op`` (the function's name),
        or ``worker.op("upper", function)``. Returns the function unchanged (as a decorator) or it."""
        if callable(name) and function is None:
            return self._add_op(name.__name__, name)
        if function is not None:
            return self._add_op(name if name is not None else function.__name__, function)

        def decorator(f: Callable[..., Any]) -> Callable[..., Any]:
            return self._add_op(name if name is not None else f.__name__, f)
        return decorator

    def _add_op(self, name: Any, function: Callable[..., Any]) -> Callable[..., Any]:
        if not isinstance(name, str) or not name:
            raise ValueError("an op's name must be a non-empty str, got %r" % (name,))
        if not callable(function):
            raise TypeError("op '%s' must be callable, not %s" % (name, type(function).__name__))
        if self._handler is not None:
            raise ValueError("this worker already serves the plain callable %s: a worker serves either ops or "
                             "one callable, not both" % self._handler.name)
        if self.raw:
            raise ValueError("raw=True is for a plain callable; ops take JSON objects")
        if name in self._ops:
            raise ValueError("op '%s' is already registered on this worker" % name)
        self._ops[name] = _Op(name, function, _takes_argument(function))
        return function

    @property
    def ops(self) -> List[str]:
        """The names of the registered ops, sorted."""
        return sorted(self._ops)

    # -- running --------------------------------------------------------------------------------

    def run(self) -> None:
        """Registers with the bridge and serves until :meth:`stop`; blocks. Ops run in this thread.

        A :meth:`stop` that came before ``run()`` makes it return at once. KeyboardInterrupt (or
        any BaseException raised in this thread) ends it too, after telling the bridge (DISCONNECT).
        """
        if self.service is None:
            raise ValueError("the worker has no service: Worker(endpoint, service, ...)")
        if not self._ops and self._handler is None:
            raise ValueError("worker '%s' has nothing to serve: register ops with @worker.op or pass a "
                             "callable" % self.service)
        with self._lock:
            if self._session is not None:
                raise RuntimeError("worker '%s' is already running" % self.service)
            if self._stop_requested:
                self._stop_requested = False
                return
            session = self._session = _Session(self)
        try:
            session.thread.start()
            self._serve(session)
        finally:
            with self._lock:
                self._session = None
                self._stop_requested = False
            self._close(session)

    def stop(self) -> None:
        """Asks :meth:`run` to return: the request in hand (if any) is finished and answered, then
        the worker tells the bridge DISCONNECT. Returns at once; safe from any thread and from a
        signal handler."""
        self._stop_requested = True
        session = self._session
        if session is not None:
            session.jobs.put(_STOP)

    def wait_ready(self, timeout: Optional[float] = None) -> bool:
        """True once the bridge has confirmed the registration (its first heartbeat or request after
        READY); False if that did not happen within ``timeout`` seconds. False again while the
        worker registers anew."""
        return self._ready.wait(timeout)

    @property
    def running(self) -> bool:
        return self._session is not None

    def _serve(self, session: _Session) -> None:
        while True:
            try:
                job = session.jobs.get(timeout=0.5)
            except queue.Empty:
                if self._stop_requested:
                    return
                if not session.thread.is_alive():
                    job = _IO_FAILED
                else:
                    continue
            if job is _STOP:
                return
            if job is _IO_FAILED:
                raise ConduitError("UNAVAILABLE", "the socket thread of worker '%s' failed: %r"
                                   % (self.service, session.error))
            try:
                reply = self._respond(job.body, session)
            except Exception as e:  # noqa: BLE001 - the worker answers and serves on, whatever a request held
                LOG.exception("worker '%s' could not answer a request", self.service)
                reply = error_body("INTERNAL", "worker of service '%s' could not answer: %s: %s"
                                   % (self.service, type(e).__name__, e), service=self.service)
            session.results.send_multipart([str(job.generation).encode("ascii"), job.client, reply])
            if self._stop_requested:
                return

    def _close(self, session: _Session) -> None:
        _send(session.results, [b"stop"])
        session.thread.join(5)
        session.results.close(linger=0)
        if session.loop is not None:
            session.loop.close()
        if not session.thread.is_alive():  # else its sockets are open and term() would wait for them
            session.context.term()
        self._ready.clear()

    # -- one request ----------------------------------------------------------------------------

    def _respond(self, body: bytes, session: _Session) -> bytes:
        """The REPLY body for a request body; never raises an Exception."""
        if self._handler is not None:
            return self._call(self._handler, None, body if self.raw else decode_request(body), session)
        known = ", ".join(self.ops)
        value = decode_request(body)
        if isinstance(value, bytes):
            return error_body("BAD_REQUEST", "a request to service '%s' is not JSON (%d bytes): send a JSON object "
                              "with an \"op\" field (workers get no headers, so bytes cannot name an op); its ops "
                              "are %s" % (self.service, len(body), known), service=self.service, ops=self.ops)
        name = value.get("op") if isinstance(value, dict) else None
        if not isinstance(name, str):
            return error_body("BAD_REQUEST", "no op given to service '%s': send a JSON object with an \"op\" field; "
                              "its ops are %s" % (self.service, known), service=self.service, ops=self.ops)
        op = self._ops.get(name)
        if op is None:
            return error_body("BAD_REQUEST", "service '%s' has no op '%s'; its ops are %s" % (self.service, name, known),
                              service=self.service, op=name, ops=self.ops)
        return self._call(op, name, value, session)

    def _call(self, op: _Op, name: Optional[str], value: Any, session: _Session) -> bytes:
        what = "op '%s' of service '%s'" % (name, self.service) if name is not None else \
            "service '%s' (%s)" % (self.service, op.name)
        try:
            result = op.function(value) if op.takes_argument else op.function()
            if inspect.isawaitable(result):
                if session.loop is None:
                    session.loop = asyncio.new_event_loop()
                result = session.loop.run_until_complete(result)
        except ConduitError as e:
            LOG.info("%s failed: %s", what, e)
            if e.code in STATUS:
                return error_body(e.code, "%s failed: %s" % (what, e.message), failureCode=e.status,
                                  service=self.service, op=name)
            # a code of the client's own (BAD_REPLY) or of yours: the caller gets RECIPIENT_FAILURE
            return error_body("RECIPIENT_FAILURE", "%s failed: %s: %s" % (what, e.code, e.message),
                              service=self.service, op=name)
        except ValueError as e:
            LOG.info("%s refused a request: %s: %s", what, type(e).__name__, e)
            return error_body("BAD_REQUEST", "%s failed: %s" % (what, _sentence(e)), service=self.service, op=name)
        except (Exception, asyncio.CancelledError) as e:  # noqa: BLE001 - any failure of user code is the caller's
            # error reply; an awaited op that was cancelled is one too (CancelledError is no Exception)
            LOG.exception("%s failed", what)
            return error_body("RECIPIENT_FAILURE", "%s failed: %s" % (what, _sentence(e)), failureCode=500,
                              service=self.service, op=name)
        try:
            return encode_reply(result)
        except (TypeError, ValueError) as e:
            LOG.error("%s returned a value that cannot be sent: %s", what, e)
            return error_body("RECIPIENT_FAILURE", "%s returned a value that cannot be sent (bytes or JSON values "
                              "only): %s" % (what, e), failureCode=500, service=self.service, op=name)

    # -- the socket thread ----------------------------------------------------------------------

    def _io_main(self, session: _Session) -> None:
        try:
            self._io_loop(session)
        except BaseException as e:  # noqa: BLE001 - reported to run() through the job queue
            LOG.exception("the socket thread of worker '%s' failed", self.service)
            session.error = e
            session.jobs.put(_IO_FAILED)

    def _connect(self, context: zmq.Context) -> zmq.Socket:
        socket = _sockets.connect(context, zmq.DEALER, self.endpoint, self._curve)
        assert self.service is not None
        _send(socket, [b"", MDPW, READY, self.service.encode("utf-8")])
        return socket

    def _io_loop(self, session: _Session) -> None:
        interval = self.heartbeat
        expiry = interval * self.liveness
        results = session.context.socket(zmq.PAIR)
        results.connect(session.inproc)
        socket: Optional[zmq.Socket] = None
        poller = zmq.Poller()
        poller.register(results, zmq.POLLIN)
        generation = 0
        delay = 0.1
        reconnect_at = heard = heartbeat_at = 0.0
        confirmed = ever_confirmed = False
        failures = 0  # connections in a row that ended before the bridge confirmed them

        def drop(reason: str, level: int, cap: float = interval) -> None:
            nonlocal socket, reconnect_at, delay, failures
            if socket is not None:
                poller.unregister(socket)
                socket.close(linger=0)
                socket = None
            self._ready.clear()
            failures = 0 if confirmed else failures + 1
            if failures > 1 and failures % 10 != 1:  # the same trouble again: said once, then every 10th time
                level = logging.DEBUG
            LOG.log(level, "worker '%s': %s; registering again in %.1f s", self.service, reason, delay)
            reconnect_at = time.monotonic() + delay
            delay = min(delay * 2, max(cap, delay))

        LOG.info("worker '%s': registering with the bridge at %s", self.service, self.endpoint)
        try:
            while True:
                now = time.monotonic()
                if socket is None and now >= reconnect_at:
                    socket = self._connect(session.context)
                    poller.register(socket, zmq.POLLIN)
                    generation += 1
                    heard, heartbeat_at, confirmed = now, now + interval, False
                due = reconnect_at if socket is None else min(heartbeat_at, heard + expiry)
                events = dict(poller.poll(max(0, int((due - now) * 1000)) + 1))
                now = time.monotonic()
                if results in events:
                    message = results.recv_multipart()
                    if message[0] == b"stop":
                        return
                    if socket is not None and int(message[0]) == generation:
                        if not _send(socket, [b"", MDPW, REPLY, message[1], b"", message[2]]):
                            LOG.warning("worker '%s': a reply could not be sent (no connection to the bridge)",
                                        self.service)
                        heartbeat_at = now + interval  # RFC 7: any command counts as a heartbeat
                    else:
                        LOG.info("worker '%s': a reply for a connection that is gone was dropped (the bridge "
                                 "failed that request when it dropped the worker)", self.service)
                if socket is not None and socket in events:
                    frames = socket.recv_multipart()
                    heard = now
                    if frames and frames[0] == b"":
                        frames = frames[1:]
                    command = frames[1] if len(frames) >= 2 and frames[0] == MDPW else None
                    if command in (HEARTBEAT, REQUEST) and not confirmed:
                        confirmed, delay = True, 0.1
                        self._ready.set()
                        LOG.info("worker '%s' %s on %s", self.service,
                                 "registered again" if ever_confirmed else "serving", self.endpoint)
                        ever_confirmed = True
                    if command == REQUEST and len(frames) >= 4:
                        session.jobs.put(_Job(generation, frames[2], frames[4] if len(frames) > 4 else b""))
                    elif command == DISCONNECT:
                        drop("the bridge sent DISCONNECT" + ("" if confirmed else
                             " in answer to READY: it refuses service '%s' here (the serve allow-list, an "
                             "address the node serves itself, CURVE serveByKey; the node's log says which) "
                             "or is shutting down" % self.service),
                             logging.INFO if confirmed else logging.WARNING,
                             interval if confirmed else 4 * expiry)  # a refusal: fewer READYs
                    elif command != HEARTBEAT and command != REQUEST:
                        LOG.warning("worker '%s': ignored a message that is not MDP/0.1 (%d frames)",
                                    self.service, len(frames))
                if socket is not None and now - heard > expiry:
                    drop(("the bridge was silent for %.1f s" % (now - heard)) if confirmed else
                         ("no answer to READY within %.1f s (is a node's bridge at %s? with CURVE, does it admit "
                          "this worker's key?)" % (now - heard, self.endpoint)), logging.WARNING)
                if socket is not None and now >= heartbeat_at:
                    _send(socket, [b"", MDPW, HEARTBEAT])
                    heartbeat_at = now + interval
        finally:
            if socket is not None:
                _send(socket, [b"", MDPW, DISCONNECT])
                socket.close(linger=500)  # lets the last REPLY and the DISCONNECT go out
            results.close(linger=0)
            self._ready.clear()


def _send(socket: zmq.Socket, frames: List[bytes]) -> bool:
    """Sends without blocking (a DEALER with no connected bridge would block); False when it could not."""
    try:
        socket.send_multipart(frames, flags=zmq.NOBLOCK)
        return True
    except zmq.ZMQError:
        return False


def _sentence(error: BaseException) -> str:
    text = str(error)
    return "%s: %s" % (type(error).__name__, text) if text else type(error).__name__


# -- the command line ---------------------------------------------------------------------------------

USAGE = ("%(prog)s MODULE:OBJECT [--endpoint ENDPOINT] [--service NAME] "
         "[--server-key KEY] [--client-key KEY] [--heartbeat SECONDS] [--liveness N] [--raw] [--log-level LEVEL]")


def _prog() -> str:
    """How the command was called: ``python -m conduit.worker``, or the ``conduit-worker`` script."""
    name = os.path.basename(sys.argv[0]) if sys.argv and sys.argv[0] else ""
    return "conduit-worker" if name.startswith("conduit-worker") else "python -m conduit.worker"


class _UsageError(Exception):
    pass


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> Any:  # one line, not argparse's usage block
        raise _UsageError(message)


def _parser(prog: str) -> argparse.ArgumentParser:
    parser = _Parser(prog=prog, usage=USAGE, description=(
        "Serve an event-bus address of a Conduit node from Python. OBJECT is a conduit.Worker (its endpoint "
        "and service unless the flags say otherwise) or a plain callable, which takes every request body. "
        "SIGTERM or Ctrl-C stop it cleanly (exit status 0)."))
    parser.add_argument("target", metavar="MODULE:OBJECT", help="e.g. mypackage.text:worker")
    parser.add_argument("--endpoint", metavar="ENDPOINT", help="the bridge's endpoint (default: $CONDUIT_ENDPOINT, "
                        "the Worker's, or tcp://127.0.0.1:5555)")
    parser.add_argument("--service", metavar="NAME", help="the address to serve (default: $CONDUIT_SERVICE or the "
                        "Worker's; required for a callable)")
    parser.add_argument("--server-key", metavar="KEY", help="the bridge's CURVE public key: Z85 text or its .pub file")
    parser.add_argument("--client-key", metavar="KEY", help="this worker's CURVE secret key: Z85 text or its .key file")
    parser.add_argument("--heartbeat", type=float, metavar="SECONDS",
                        help="must equal the bridge's heartbeatIntervalMs (default 2.5)")
    parser.add_argument("--liveness", type=int, metavar="N", help="the bridge's heartbeatLiveness (default 3)")
    parser.add_argument("--raw", action="store_true", help="give a callable the body's bytes, undecoded")
    parser.add_argument("--log-level", default="INFO", metavar="LEVEL", choices=["DEBUG", "INFO", "WARNING", "ERROR"],
                        help="DEBUG, INFO (default), WARNING or ERROR")
    return parser


def _load(target: str) -> Any:
    """The object ``MODULE:OBJECT`` names (OBJECT may be dotted); _UsageError/LookupError otherwise."""
    module_name, sep, attribute = target.partition(":")
    if not sep or not module_name or not attribute:
        raise _UsageError("the target must be MODULE:OBJECT (e.g. mypackage.text:worker), got %r" % target)
    if "" not in sys.path and os.getcwd() not in sys.path:
        sys.path.insert(0, os.getcwd())  # as `python -m` does: modules beside you are found
    try:
        module = importlib.import_module(module_name)
    except ModuleNotFoundError as e:
        if e.name is not None and (module_name == e.name or module_name.startswith(e.name + ".")):
            raise LookupError("no module named '%s' (run from its folder, or put it on PYTHONPATH)" % module_name)
        raise LookupError("module '%s' cannot be imported: %s" % (module_name, e))
    except Exception as e:  # noqa: BLE001 - a broken module is reported in one line
        raise LookupError("module '%s' cannot be imported: %s" % (module_name, _sentence(e)))
    obj: Any = module
    for part in attribute.split("."):
        try:
            obj = getattr(obj, part)
        except AttributeError:
            raise LookupError("module '%s' has no object '%s'" % (module_name, attribute)) from None
    return obj


def _log_to_stdout_and_stderr(level: str) -> None:
    """Information to stdout, warnings and errors to stderr: a node supervising the worker logs its
    stdout at INFO and its stderr at WARNING, so each line keeps its level in the node's logs."""
    formatter = logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s")
    low = logging.StreamHandler(sys.stdout)
    low.addFilter(lambda record: record.levelno < logging.WARNING)
    high = logging.StreamHandler(sys.stderr)
    high.setLevel(logging.WARNING)
    for handler in (low, high):
        handler.setFormatter(formatter)
    root = logging.getLogger()
    root.setLevel(level)
    root.addHandler(low)
    root.addHandler(high)


def _supervised() -> bool:
    """True when a Conduit node started this process: ``CONDUIT_PARENT_PID`` is its parent, or was
    and has ended already (a node killed while this process was starting leaves it to another
    parent before it can look; it must stop then, not serve on unwatched)."""
    parent = os.environ.get("CONDUIT_PARENT_PID", "")
    if not parent.isdigit():
        return False
    if int(parent) == os.getppid():
        return True
    return _ended(int(parent))


def _ended(pid: int) -> bool:
    """True when ``pid`` is known to have ended (an ended process its parent has not reaped yet
    counts). False when that cannot be told: no ``/proc`` or no POSIX signals to ask with, or this
    process in a PID namespace of its own, where the node's pid means nothing."""
    if os.path.exists("/proc/self/stat"):
        try:
            with open("/proc/self/status") as f:
                ns = [l.split()[1:] for l in f if l.startswith("NSpid:")]
            if ns and len(ns[0]) > 1:
                return False  # a nested PID namespace: the node's pid is not one of ours
            with open("/proc/%d/stat" % pid) as f:
                return f.read().rsplit(")", 1)[1].split()[0] in ("Z", "X")
        except FileNotFoundError:
            return True
        except (OSError, IndexError):
            return False
    if os.name != "posix":
        return False  # os.kill(pid, 0) is no probe on Windows
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    except OSError:
        return False
    return False


#: How long a worker whose node is gone may take to stop before it exits anyway.
PARENT_GONE_GRACE_S = 10.0


def _stop_with_parent(worker: "Worker", grace: float = PARENT_GONE_GRACE_S) -> None:
    """Under a node's supervision (``CONDUIT_PARENT_PID``), stops the worker once that node is gone,
    so a node killed with SIGKILL leaves no worker behind serving nobody. The request in hand is
    finished first; a worker still running ``grace`` seconds later (an op that does not return, a
    stop that hangs) exits with status 1: its node, and the bridge its replies went to, are gone."""
    if not _supervised():
        return
    parent = os.environ["CONDUIT_PARENT_PID"]

    def watch() -> None:
        while os.getppid() == int(parent):
            time.sleep(1.0)
        LOG.warning("the node that started this worker (pid %s) is gone: stopping", parent)
        worker.stop()
        time.sleep(grace)  # a daemon thread: a worker that stopped has exited before this returns
        LOG.error("the worker did not stop within %.1f s of its node's end: exiting", grace)
        os._exit(1)

    threading.Thread(target=watch, name="conduit-parent-watch", daemon=True).start()


def main(argv: Optional[Sequence[str]] = None) -> int:
    """``python -m conduit.worker``: the exit status (0 after a clean stop, 1 when the object cannot
    be found, 2 for wrong arguments)."""
    prog = _prog()
    try:
        args = _parser(prog).parse_args(argv)
        # a node that runs this worker as a supervised process says where and what to serve
        args.endpoint = args.endpoint or os.environ.get("CONDUIT_ENDPOINT") or None
        args.service = args.service or os.environ.get("CONDUIT_SERVICE") or None
        target = _load(args.target)
        if isinstance(target, Worker):
            worker = target
            if args.raw:
                raise _UsageError("--raw is for a plain callable; give the Worker raw=True instead")
        elif callable(target):
            if not args.service:
                raise _UsageError("--service NAME is required to serve the callable '%s'" % args.target)
            worker = Worker(args.endpoint or "tcp://127.0.0.1:5555", args.service, target, raw=args.raw)
        else:
            raise LookupError("'%s' is a %s, neither a conduit.Worker nor a callable"
                              % (args.target, type(target).__name__))
        if args.endpoint:
            worker.endpoint = _check_endpoint(args.endpoint)
        if args.service:
            worker.service = _check_service(args.service)
        if args.server_key or args.client_key:
            worker._curve = Client._curve_keys(args.server_key, args.client_key)
        if args.heartbeat is not None:
            worker.heartbeat = _positive(args.heartbeat, "--heartbeat")
        if args.liveness is not None:
            if args.liveness < 1:
                raise _UsageError("--liveness must be at least 1, got %d" % args.liveness)
            worker.liveness = args.liveness
        if worker.service is None:
            raise _UsageError("the Worker '%s' has no service: give --service NAME" % args.target)
        if not worker.ops and worker._handler is None:
            raise _UsageError("the Worker '%s' has no ops and no callable to serve" % args.target)
    except _UsageError as e:
        print("%s: %s (usage: %s MODULE:OBJECT --service NAME [--endpoint ENDPOINT] ...; --help lists all)"
              % (prog, e, prog), file=sys.stderr)
        return 2
    except LookupError as e:
        print("%s: %s" % (prog, e), file=sys.stderr)
        return 1
    except (TypeError, ValueError, ConduitError) as e:
        print("%s: %s" % (prog, e), file=sys.stderr)
        return 2

    _log_to_stdout_and_stderr(args.log_level)
    signals: List[int] = []

    def on_signal(signum: int, _frame: Any) -> None:
        if signals:  # a second signal: the op in hand does not finish
            LOG.warning("second signal (%s): exiting now", signal.Signals(signum).name)
            os._exit(1)
        signals.append(signum)
        LOG.info("%s: stopping worker '%s'", signal.Signals(signum).name, worker.service)
        worker.stop()

    signal.signal(signal.SIGTERM, on_signal)
    if _supervised():
        # Ctrl-C at the node's terminal reaches its whole process group; the node then stops this
        # worker itself with SIGTERM, which must not count as a second signal
        signal.signal(signal.SIGINT, signal.SIG_IGN)
    else:
        signal.signal(signal.SIGINT, on_signal)
    _stop_with_parent(worker)
    try:
        worker.run()
    except ConduitError as e:
        print("%s: %s" % (prog, e), file=sys.stderr)
        return 1
    LOG.info("worker '%s' stopped", worker.service)
    return 0


if __name__ == "__main__":
    # Run the copy the package holds, so the Worker class a module made with conduit.Worker is this one.
    from conduit.worker import main as _main
    sys.exit(_main())
