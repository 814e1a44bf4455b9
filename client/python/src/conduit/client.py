"""The synchronous client: requests, sends, publishes, subscriptions and a windowed map over the
ZeroMQ bridge (CBP/1). ``conduit.connect`` makes one."""

import collections
import itertools
import threading
import time
from typing import TYPE_CHECKING, Any, Dict, Iterable, Iterator, List, NamedTuple, Optional, Tuple

import zmq

from . import _sockets, _wire
from .errors import ConduitError

if TYPE_CHECKING:  # imported where used: each is a module of its own
    from .docs import Docs
    from .graph import Graph
    from .tasks import Tasks


class MapResult(NamedTuple):
    """One item's outcome in :meth:`Client.map`: ``value`` when it succeeded, else ``error``;
    ``index`` is the item's position in the input, from 0."""
    index: int
    item: Any
    value: Any
    error: Optional[ConduitError]

    @property
    def ok(self) -> bool:
        return self.error is None


class _Curve(NamedTuple):
    server: bytes
    public: bytes
    secret: bytes


class _Inside:
    """Which threads are inside the client now (holding its lock, opening a socket, in a ZeroMQ
    call), by thread id, counted so that the spans may nest. :meth:`Client.close` reads it for its
    own thread: a close() that finds its thread inside was called by a signal handler that
    interrupted that thread there, and must neither wait for the lock nor terminate the context
    inline (the interrupted code holds one and would close its socket only after the handler).
    Each thread writes only its own entry."""

    __slots__ = ("threads",)

    def __init__(self) -> None:
        self.threads: Dict[int, int] = {}

    def __enter__(self) -> None:
        me = threading.get_ident()
        self.threads[me] = self.threads.get(me, 0) + 1

    def __exit__(self, *exc: Any) -> bool:
        me = threading.get_ident()
        left = self.threads.get(me, 1) - 1
        if left:
            self.threads[me] = left
        else:
            self.threads.pop(me, None)
        return False

    def here(self) -> bool:
        return threading.get_ident() in self.threads


class _Lock:
    """The client's lock; a thread holding it counts as inside the client (see :class:`_Inside`)."""

    __slots__ = ("lock", "inside")

    def __init__(self, inside: _Inside) -> None:
        self.lock = threading.Lock()
        self.inside = inside

    def __enter__(self) -> None:
        self.inside.__enter__()
        self.lock.acquire()

    def __exit__(self, *exc: Any) -> bool:
        self.lock.release()
        self.inside.__exit__()
        return False


class _InUse:
    """Brackets the ZeroMQ calls of one connection or subscription (``with thing.in_use:``), so that
    :meth:`Client.close` from another thread never closes a socket while its thread uses it (libzmq
    sockets are not thread-safe). close() leaves a busy socket to its thread, whose call ends with
    ETERM when the context terminates; that thread then closes the socket itself and raises
    UNAVAILABLE. One per connection, made once: a request passes here twice."""

    __slots__ = ("client", "thing")

    def __init__(self, client: "Client", thing: Any) -> None:
        self.client = client
        self.thing = thing

    def __enter__(self) -> None:
        client = self.client
        client._inside.__enter__()  # inside the client from here
        with client._lock.lock:
            closed = client._closed
            if not closed:
                client._busy[self.thing] = threading.get_ident()
        if closed:
            try:
                self.thing.close_socket()  # this thread's own, idle: closing it lets close()'s term() finish
            finally:
                client._inside.__exit__()
            raise ConduitError("UNAVAILABLE", "the client is closed")

    def __exit__(self, kind: Any, error: Any, trace: Any) -> bool:
        client = self.client
        try:
            with client._lock.lock:
                client._busy.pop(self.thing, None)
                closed = client._closed
            if closed:
                self.thing.close_socket()
                if isinstance(error, zmq.ZMQError):
                    raise ConduitError("UNAVAILABLE", "the client was closed during this call") from error
        finally:
            client._inside.__exit__()
        return False


def _close_once(client: "Client", owner: Any, field: str) -> None:
    """Takes ``owner``'s socket (attribute ``field``) under the client's lock and closes it, the
    whole time inside the client: a signal handler that calls Client.close() while this thread is
    in the middle of closing the socket must leave the context's term() to a helper thread, since
    term() waits for this very socket, whose close finishes only after the handler returns."""
    with client._inside:
        with client._lock.lock:
            socket = getattr(owner, field)
            setattr(owner, field, None)
        if socket is not None:
            socket.close(linger=0)


class _Connection:
    """One DEALER socket and its request bookkeeping; used by one thread only."""

    def __init__(self, client: "Client") -> None:
        self.client = client
        self.in_use = _InUse(client, self)
        self.socket: Optional[zmq.Socket] = None
        self.ids = itertools.count(1)
        self.pending: set = set()       # ids sent and not yet answered (or given up on)
        # replies by id: (status, headers, body), or the ConduitError of one that cannot be read
        self.arrived: Dict[bytes, Any] = {}
        self.open()

    def open(self) -> None:
        client = self.client
        attempts = client._probe_attempts
        for attempt in range(attempts):
            self.socket = client._socket(zmq.DEALER, client.endpoint)
            try:
                # Proves the socket: some freshly connected sockets of JeroMQ peers never get a reply.
                self.call(b"PING", "", None, {}, client._probe_ms << (attempt // 2), grace_ms=0)
                return
            except ConduitError as e:
                if e.code != "TIMEOUT":
                    self.close()
                    raise
            except BaseException:
                self.close()  # a KeyboardInterrupt during the PING: an open socket would keep term() waiting
                raise
            self.close()
        raise ConduitError("UNAVAILABLE", "no answer to PING from %s on %d fresh socket%s"
                           % (client.endpoint, attempts, "" if attempts == 1 else "s"))

    def send(self, command: bytes, address: str, body: Any, headers: Dict[str, str], timeout_ms: int) -> bytes:
        request_id, frames = self._request(command, address, body, headers, timeout_ms)
        with self.in_use:
            self._write(frames)
        self.pending.add(request_id)
        return request_id

    def receive(self, timeout_ms: int) -> bool:
        """Waits up to ``timeout_ms`` for one reply, kept when its id is pending; False when none came."""
        with self.in_use:
            return self._read(timeout_ms)

    def _request(self, command: bytes, address: str, body: Any, headers: Dict[str, str],
                 timeout_ms: int) -> Tuple[bytes, List[bytes]]:
        payload = b"" if command == b"PING" else _wire.encode_body(body, headers)
        if command != b"PING":
            headers["timeout"] = str(int(timeout_ms))
        request_id = str(next(self.ids)).encode("ascii")
        return request_id, _wire.request_frames(command, request_id, address, headers, payload)

    def _write(self, frames: List[bytes]) -> None:
        """Sends, inside ``in_use``."""
        if self.socket is None:
            raise ConduitError("UNAVAILABLE", "the client is closed")
        self.socket.send_multipart(frames)

    def _read(self, timeout_ms: int) -> bool:
        """:meth:`receive`, inside ``in_use``."""
        if self.socket is None:
            raise ConduitError("UNAVAILABLE", "the client is closed")
        if not self.socket.poll(max(0, timeout_ms), zmq.POLLIN):
            return False
        frames = self.socket.recv_multipart()
        try:
            status, request_id, headers, body = _wire.parse_reply(frames, self.client.endpoint)
        except ConduitError as e:
            # unreadable: it fails the request it names, if that one still waits, and nothing else
            request_id = _wire.reply_id(frames)
            if request_id is not None and request_id in self.pending:
                self.arrived[request_id] = e
            return True
        if request_id in self.pending:  # late replies to abandoned requests are dropped
            self.arrived[request_id] = (status, headers, body)
        return True

    def result(self, request_id: bytes) -> Any:
        """The value of a reply that arrived (removed), or its ConduitError raised."""
        reply = self.arrived.pop(request_id)
        if isinstance(reply, ConduitError):
            raise reply
        return _wire.reply_value(*reply)

    def call(self, command: bytes, address: str, body: Any, headers: Dict[str, str], timeout_ms: int,
             grace_ms: int = 1000) -> Any:
        request_id, frames = self._request(command, address, body, headers, timeout_ms)
        # The bridge times the request out itself and says so; the grace lets that ERROR (with its
        # details) arrive before the client gives up on its own.
        deadline = time.monotonic() + (timeout_ms + grace_ms) / 1000.0
        with self.in_use:  # once for the whole round trip
            self._write(frames)
            self.pending.add(request_id)
            try:
                return self._await(request_id, deadline, timeout_ms)
            finally:
                self.pending.discard(request_id)

    def _await(self, request_id: bytes, deadline: float, timeout_ms: int) -> Any:
        """The reply to ``request_id`` (or its error), inside ``in_use``; TIMEOUT after ``deadline``."""
        while request_id not in self.arrived:
            remaining = int((deadline - time.monotonic()) * 1000)
            if remaining <= 0 or not self._read(remaining):
                # The request may still sit in the socket, unsent (no bridge to take it): a
                # bridge that came back later would carry out what the caller was told timed
                # out. Closing the socket drops it (the next call opens a fresh one), unless
                # other requests of this thread still wait on it (a map it runs inside).
                if not self.pending - {request_id}:
                    self.close()
                raise ConduitError("TIMEOUT", "no reply from %s within %d ms" % (self.client.endpoint, timeout_ms),
                                   {"timeoutMs": timeout_ms})
        return self.result(request_id)

    def close(self) -> None:
        self.close_socket()
        self.pending.clear()
        self.arrived.clear()

    def close_socket(self) -> None:
        """Closes the socket, once, whichever thread gets here first (the owner, or Client.close)."""
        _close_once(self.client, self, "socket")


def _no_event(address: str, timeout: Optional[float], events: Optional[str]) -> str:
    # ZeroMQ says nothing when a SUB connects nowhere or its subscription is refused: say where to look
    return ("no event on '%s' within %s s from %s (nothing published there meanwhile? a subscription to "
            "the wrong events endpoint, or one the node refused, receives nothing: the node's log says "
            "which it refused)" % (address, timeout, events))


class Subscription:
    """Events on one address, as ``(headers, body)`` pairs: iterate, or call :meth:`receive`.

    ZeroMQ matches topics by prefix, so events on a longer address (``news.sports`` for ``news``)
    are skipped. The subscription reaches the bridge asynchronously: an event published at the same
    moment ``subscribe()`` returns may be missed. Iterating waits ``timeout`` seconds per event (None:
    forever) and raises ConduitError TIMEOUT when none comes. Use it from one thread.
    """

    def __init__(self, client: "Client", address: str, timeout: Optional[float]) -> None:
        if client.events is None:
            raise ValueError("this client has no events endpoint: pass events= to conduit.connect")
        self.address = address
        self.timeout = _wire.check_wait(timeout)
        self._topic = address.encode("utf-8")
        self._in_use = _InUse(client, self)
        self._client = client
        with client._inside:  # a socket being opened is in no list close() reads until it is tracked
            self._socket = client._socket(zmq.SUB, client.events)
            try:
                self._socket.setsockopt(zmq.SUBSCRIBE, self._topic)
            except BaseException:
                self.close_socket()
                raise
            client._track(self)

    def receive(self, timeout: Optional[float] = ...) -> Tuple[Dict[str, Any], Any]:  # type: ignore[assignment]
        """The next ``(headers, body)``; ConduitError TIMEOUT after ``timeout`` seconds."""
        timeout = self.timeout if timeout is ... else _wire.check_wait(timeout)
        deadline = None if timeout is None else time.monotonic() + timeout
        while True:
            remaining = None if deadline is None else max(0, int((deadline - time.monotonic()) * 1000))
            with self._in_use:
                if self._socket is None:
                    raise ConduitError("UNAVAILABLE", "the subscription to '%s' is closed" % self.address)
                if not self._socket.poll(remaining, zmq.POLLIN):
                    raise ConduitError("TIMEOUT", _no_event(self.address, timeout, self._client.events),
                                       {"timeoutMs": int((timeout or 0) * 1000)})
                frames = self._socket.recv_multipart()
            if len(frames) == 3 and frames[0] == self._topic:
                headers = _wire.parse_headers(frames[1])
                return headers, _wire.decode_body(headers, frames[2])

    def __iter__(self) -> Iterator[Tuple[Dict[str, Any], Any]]:
        return self

    def __next__(self) -> Tuple[Dict[str, Any], Any]:
        return self.receive()

    def close(self) -> None:
        self.close_socket()
        self._client._untrack(self)

    def close_socket(self) -> None:
        """Closes the socket, once, whichever thread gets here first (the owner, or Client.close)."""
        _close_once(self._client, self, "_socket")

    def __enter__(self) -> "Subscription":
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()


class Client:
    """A connection to a Conduit node's ZeroMQ bridge; make one with :func:`conduit.connect`.

    Thread-safe: each thread that uses the client gets its own socket (opened on its first call),
    so threads never wait for each other's replies. A :class:`Subscription` belongs to the thread
    that iterates it. Close the client (or use it as a context manager) to close every socket.
    """

    def __init__(self, endpoint: str = "tcp://127.0.0.1:5555", events: Optional[str] = None,
                 server_key: Optional[str] = None, client_key: Optional[str] = None,
                 timeout: float = 30.0, probe_attempts: int = 5, probe_timeout: float = 1.0) -> None:
        self.endpoint = _wire.check_address(endpoint, "endpoint")
        self.events = _wire.events_or_default(events, endpoint)
        self.timeout_ms = _wire.timeout_ms(timeout, 30000)
        if isinstance(probe_attempts, bool) or not isinstance(probe_attempts, int) or probe_attempts < 1:
            raise ValueError("probe_attempts must be a whole number of 1 or more, got %r" % (probe_attempts,))
        self._probe_attempts = probe_attempts
        self._probe_ms = _wire.timeout_ms(probe_timeout, 1000)
        self._curve = self._curve_keys(server_key, client_key)
        self._context = zmq.Context()
        self._local = threading.local()
        self._inside = _Inside()
        self._lock = _Lock(self._inside)
        self._open: List[Any] = []
        # connections and subscriptions inside a ZeroMQ call now, with the thread making it
        self._busy: Dict[Any, int] = {}
        self._closed = False
        try:
            self._connection()  # connects now, so a wrong endpoint or key fails here
        except BaseException:
            self.close()
            raise

    @staticmethod
    def _curve_keys(server_key: Optional[str], client_key: Optional[str]) -> Optional[_Curve]:
        server = _wire.read_key(server_key, "server_key")
        secret = _wire.read_key(client_key, "client_key")
        if server is None:
            if secret is not None:
                raise ValueError("client_key needs server_key (the bridge's public key)")
            return None
        if not zmq.has("curve"):
            raise ConduitError("UNAVAILABLE", "this libzmq was built without CURVE")
        if secret is None:
            public, secret = zmq.curve_keypair()
        else:
            public = zmq.curve_public(secret)
        return _Curve(server, public, secret)

    # -- sockets --------------------------------------------------------------------------------

    def _socket(self, kind: int, endpoint: str) -> zmq.Socket:
        with self._lock:
            if self._closed:
                raise ConduitError("UNAVAILABLE", "the client is closed")
            context = self._context
        try:
            return _sockets.connect(context, kind, endpoint, self._curve)
        except zmq.ZMQError as e:
            if self._closed:  # close() ran meanwhile, in another thread (ETERM, or ENOTSUP once it is done)
                raise ConduitError("UNAVAILABLE", "the client is closed") from e
            raise

    def _track(self, thing: Any) -> None:
        with self._lock:
            closed = self._closed
            if not closed:
                self._open.append(thing)
        if closed:  # closed while this one was being opened: close() could not see it
            thing.close_socket()
            raise ConduitError("UNAVAILABLE", "the client is closed")

    def _untrack(self, thing: Any) -> None:
        with self._lock:
            if thing in self._open:
                self._open.remove(thing)

    def _connection(self) -> _Connection:
        connection = getattr(self._local, "connection", None)
        if connection is not None and connection.socket is not None:
            return connection
        with self._inside:  # a socket being opened is in no list close() reads until it is tracked
            if connection is None:
                connection = _Connection(self)
                self._local.connection = connection
                self._track(connection)
            else:
                connection.open()  # closed after a timeout: a fresh socket, proved again
        return connection

    # -- commands -------------------------------------------------------------------------------

    def request(self, address: str, body: Any = None, headers: Optional[Dict[str, Any]] = None,
                timeout: Optional[float] = None) -> Any:
        """Sends ``body`` to the consumer at ``address`` and returns its decoded reply.

        ``body``: any JSON value, or bytes. ``headers`` travel as event-bus headers (values as
        strings); ``timeout`` (seconds; default the client's) is also the node's deadline for the
        consumer. Raises ConduitError with the node's code.
        """
        _wire.check_address(address)
        wire_headers = _wire.string_headers(headers)
        wire_headers.setdefault("accept-encoding", "deflate")
        return self._connection().call(b"REQUEST", address, body, wire_headers,
                                       _wire.timeout_ms(timeout, self.timeout_ms))

    def send(self, address: str, body: Any = None, headers: Optional[Dict[str, Any]] = None) -> None:
        """Point-to-point send (no reply from the consumer); returns once the bridge acknowledged it,
        raises ConduitError NO_HANDLERS when no consumer is registered for the address."""
        _wire.check_address(address)
        self._connection().call(b"SEND", address, body, _wire.string_headers(headers), self.timeout_ms)

    def publish(self, address: str, body: Any = None, headers: Optional[Dict[str, Any]] = None) -> None:
        """Publishes to every consumer of ``address``; returns once the bridge acknowledged it."""
        _wire.check_address(address)
        self._connection().call(b"PUBLISH", address, body, _wire.string_headers(headers), self.timeout_ms)

    def ping(self) -> Dict[str, Any]:
        """The bridge's ``{"node": ..., "version": ...}``."""
        return self._connection().call(b"PING", "", None, {}, self.timeout_ms)

    def subscribe(self, address: str, timeout: Optional[float] = None) -> Subscription:
        """Events published on exactly ``address`` (the node's events endpoint)."""
        return Subscription(self, _wire.check_address(address), timeout)

    def map(self, address: str, items: Iterable[Any], window: int = 100, ordered: bool = False,
            timeout: Optional[float] = None, headers: Optional[Dict[str, Any]] = None) -> Iterator[MapResult]:
        """Sends every item as a request to ``address`` (a service, a pipeline) with at most
        ``window`` in flight and yields a :class:`MapResult` per item as replies come (in input
        order with ``ordered=True``). Items are taken lazily (a generator is fine); an item that
        fails, or cannot be encoded, is a MapResult with its ``error`` and the map goes on.
        """
        _wire.check_address(address)
        if isinstance(window, bool) or not isinstance(window, int) or window < 1:
            raise ValueError("window must be a whole number of at least 1, got %r" % (window,))
        wait_ms = _wire.timeout_ms(timeout, self.timeout_ms)
        base = _wire.string_headers(headers)
        base.setdefault("accept-encoding", "deflate")
        return self._map(self._connection(), address, iter(items), window, ordered, wait_ms, base)

    def _map(self, conn: _Connection, address: str, items: Iterator[Any], window: int, ordered: bool,
             wait_ms: int, base: Dict[str, str]) -> Iterator[MapResult]:
        in_flight: Dict[bytes, Tuple[int, Any, float]] = {}
        done: "collections.OrderedDict[int, MapResult]" = collections.OrderedDict()
        sent = next_out = 0
        exhausted = False
        timed_out = False
        try:
            while True:
                while not exhausted and len(in_flight) + len(done) < window:
                    try:
                        item = next(items)
                    except StopIteration:
                        exhausted = True
                        break
                    index, sent = sent, sent + 1
                    try:
                        request_id = conn.send(b"REQUEST", address, item, dict(base), wait_ms)
                    except (TypeError, ValueError) as e:
                        done[index] = MapResult(index, item, None, ConduitError("BAD_REQUEST", str(e)))
                        continue
                    in_flight[request_id] = (index, item, time.monotonic() + (wait_ms + 1000) / 1000.0)
                if ordered:
                    while next_out in done:
                        next_out += 1
                        yield done.pop(next_out - 1)
                else:
                    while done:
                        yield done.popitem(last=False)[1]
                if not in_flight:
                    if exhausted and not done:
                        return
                    continue
                if not any(r in conn.arrived for r in in_flight):  # a call in between may have read some
                    soonest = min(deadline for _, _, deadline in in_flight.values())
                    conn.receive(max(0, int((soonest - time.monotonic()) * 1000)))
                now = time.monotonic()
                for request_id in [r for r in in_flight if r in conn.arrived or in_flight[r][2] <= now]:
                    index, item, _ = in_flight.pop(request_id)
                    conn.pending.discard(request_id)
                    if request_id not in conn.arrived:
                        timed_out = True
                        done[index] = MapResult(index, item, None, ConduitError(
                            "TIMEOUT", "no reply from %s within %d ms" % (self.endpoint, wait_ms), {"timeoutMs": wait_ms}))
                        continue
                    try:
                        done[index] = MapResult(index, item, conn.result(request_id), None)
                    except ConduitError as e:
                        done[index] = MapResult(index, item, None, e)
        finally:  # replies still to come (the caller stopped early) are dropped when they arrive
            for request_id in in_flight:
                conn.pending.discard(request_id)
            if timed_out and not conn.pending:
                conn.close()  # as after a call's TIMEOUT: an item stuck in the socket is not sent later

    # -- the stores and the task queue ----------------------------------------------------------

    def docs(self, address: str = "docs", read: Optional[str] = None, min_version: Optional[int] = None) -> "Docs":
        """The document store at ``address``, pyzdb-shaped (:class:`conduit.docs.Docs`)."""
        from .docs import Docs
        return Docs(self, address, read=read, min_version=min_version)

    def graph(self, address: str = "graph") -> "Graph":
        """The graph store at ``address``, GrapheekDB-shaped (:class:`conduit.graph.Graph`)."""
        from .graph import Graph
        return Graph(self, address)

    def tasks(self, address: str = "tasks") -> "Tasks":
        """The task queue at ``address``, Celery-shaped (:class:`conduit.tasks.Tasks`)."""
        from .tasks import Tasks
        return Tasks(self, address)

    # -- lifecycle ------------------------------------------------------------------------------

    def close(self) -> None:
        """Closes every socket and subscription of every thread. Safe to call twice, from any
        thread and from a signal handler: a call another thread is waiting in, or the one the
        handler interrupted, ends with ConduitError UNAVAILABLE."""
        if self._inside.here():
            # a signal handler that interrupted this thread inside the client, which may hold the
            # lock or a socket no list shows yet: a helper thread closes, and the interrupted call
            # sees the context terminate once the handler has returned
            self._closed = True
            threading.Thread(target=self._close_all, name="conduit-client-close", daemon=True).start()
            return
        self._close_all()

    def _close_all(self) -> None:
        with self._lock:
            things, self._open = self._open, []
            self._closed = True
            busy = set(self._busy)
            context, self._context = self._context, None
        for thing in things:
            if thing not in busy:  # a busy one is closed by its own thread, woken by term() below
                thing.close_socket()
        if context is not None:
            context.term()

    def __enter__(self) -> "Client":
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()


def connect(endpoint: str = "tcp://127.0.0.1:5555", events: Optional[str] = None,
            server_key: Optional[str] = None, client_key: Optional[str] = None,
            timeout: float = 30.0) -> Client:
    """Connects to a Conduit node's bridge and proves the connection with a PING.

    ``events``: the node's events endpoint (default: same host, next port; ``""`` for none, as a
    node started with ``--events none`` has). ``server_key``: the
    bridge's CURVE public key (Z85 text, or the ``.pub`` file ``conduit keygen`` wrote) for an
    encrypted connection; ``client_key``: this client's secret key (text or ``.key`` file; default a
    fresh pair). ``timeout``: seconds to wait for each reply unless a call says otherwise.
    """
    return Client(endpoint, events=events, server_key=server_key, client_key=client_key, timeout=timeout)
