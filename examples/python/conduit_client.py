"""A small Conduit client for Python: the CBP/1 bridge protocol over pyzmq.

Needs only pyzmq (Debian: ``python3-zmq``) and the standard library::

    from conduit_client import ConduitClient, ConduitError

    with ConduitClient("tcp://127.0.0.1:5555") as client:
        print(client.request("echo", {"hello": "world"}))   # {'hello': 'world'}
        client.publish("news", {"headline": "hi"})
        with client.subscribe("news") as events:
            headers, body = events.receive(timeout_ms=5000)
        for result in client.map("pipeline.chain", ["a", "b", "c"], window=100):
            print(result.index, result.value if result.ok else result.error)

The wire contract is docs/protocol.md (CBP/1). A client object is not thread-safe: use one per thread.
"""

import collections
import itertools
import json
import time
import zlib

import zmq

SIGNATURE = b"CBP1"
JSON, OCTETS, TEXT = "application/json", "application/octet-stream", "text/plain"


class ConduitError(Exception):
    """An ERROR reply from the bridge, or a client-side failure (codes TIMEOUT, UNAVAILABLE, BAD_REPLY).

    ``code`` is the protocol's error code (``NO_HANDLERS``, ``FORBIDDEN``, ``TIMEOUT``, ...),
    ``message`` a human sentence, ``details`` a dict of the extra fields (e.g. ``timeoutMs``).
    """

    def __init__(self, code, message, details=None):
        super().__init__("%s: %s" % (code, message))
        self.code = code
        self.message = message
        self.details = details or {}


class MapResult(collections.namedtuple("MapResult", "index item value error")):
    """One item's outcome in ``ConduitClient.map``: ``value`` when it succeeded, else ``error``
    (a ConduitError); ``index`` is the item's position in the input, from 0."""
    __slots__ = ()

    @property
    def ok(self):
        return self.error is None


def encode_body(body, headers):
    """Returns the body's bytes and sets its content-type: bytes travel as octet-stream, str as
    text/plain only when that content-type is asked for, everything else as JSON."""
    wanted = headers.get("content-type")
    if isinstance(body, (bytes, bytearray, memoryview)) and wanted in (None, OCTETS):
        headers["content-type"] = OCTETS
        return bytes(body)
    if isinstance(body, str) and wanted == TEXT:
        return body.encode("utf-8")
    headers["content-type"] = JSON
    return json.dumps(body, separators=(",", ":")).encode("utf-8")


def decode_body(headers, body):
    """Decodes a reply or event body by its headers: JSON value, bytes or str (inflated first if deflated)."""
    if headers.get("content-encoding") == "deflate":
        body = zlib.decompress(body)
    content_type = headers.get("content-type", JSON)
    if content_type == JSON:
        return json.loads(body.decode("utf-8")) if body else None
    if content_type == TEXT:
        return body.decode("utf-8")
    return body


def _headers(frame):
    return json.loads(frame.decode("utf-8")) if frame else {}


class ConduitClient:
    """A DEALER connection to a Conduit bridge.

    ``endpoint`` is the bridge's ROUTER; ``events_endpoint`` its XPUB (default: same host, port + 1);
    ``timeout_ms`` the default reply timeout, also sent to the bridge as the ``timeout`` header.
    Connecting proves the socket with a PING and replaces a socket that gets no answer (some freshly
    connected sockets of JeroMQ peers never receive a reply). The probe waits ``probe_timeout_ms``,
    doubled every second attempt (1, 1, 2, 2, 4 s by default, for a slow or busy node); after
    ``probe_attempts`` silent sockets it raises ConduitError("UNAVAILABLE").
    """

    def __init__(self, endpoint="tcp://127.0.0.1:5555", events_endpoint=None, timeout_ms=30000,
                 probe_attempts=5, probe_timeout_ms=1000):
        self.endpoint = endpoint
        self.events_endpoint = events_endpoint or _next_port(endpoint)
        self.timeout_ms = timeout_ms
        self._context = zmq.Context()
        self._socket = None
        self._ids = itertools.count(1)
        self._pending = set()   # ids sent and not yet answered (or given up on)
        self._arrived = {}      # id -> reply frames that came while waiting for another id
        self._subscriptions = []
        try:
            self._connect(probe_attempts, probe_timeout_ms)
        except BaseException:
            self.close()
            raise

    def _connect(self, attempts, probe_timeout_ms):
        for attempt in range(attempts):
            self._socket = self._context.socket(zmq.DEALER)
            self._socket.setsockopt(zmq.LINGER, 0)
            self._socket.connect(self.endpoint)
            try:
                self._call(b"PING", "", None, {}, probe_timeout_ms << (attempt // 2), grace_ms=0)
                return
            except ConduitError as e:
                if e.code != "TIMEOUT":
                    raise
            self._socket.close()
            self._socket = None
            self._pending.clear()
        raise ConduitError("UNAVAILABLE", "no answer to PING from %s on %d fresh sockets" % (self.endpoint, attempts))

    # -- commands -------------------------------------------------------------------------------

    def request(self, address, body=None, headers=None, timeout_ms=None):
        """Sends ``body`` to the consumer at ``address`` and returns its decoded reply.

        ``headers`` travel as event-bus headers (values are sent as strings); ``timeout_ms``
        (default: the client's) becomes the request's ``timeout`` header.
        """
        headers = {str(k): str(v) for k, v in (headers or {}).items()}
        headers.setdefault("accept-encoding", "deflate")
        return self._call(b"REQUEST", address, body, headers, timeout_ms)

    def send(self, address, body):
        """Point-to-point send (no consumer reply); returns once the bridge acknowledged it."""
        self._call(b"SEND", address, body, {}, None)

    def publish(self, address, body):
        """Publishes to every consumer of ``address``; returns once the bridge acknowledged it."""
        self._call(b"PUBLISH", address, body, {}, None)

    def ping(self):
        """Returns the bridge's ``{"node": ..., "version": ...}``."""
        return self._call(b"PING", "", None, {}, None)

    def subscribe(self, address, timeout_ms=None):
        """Returns a Subscription to the events published on exactly ``address``."""
        if self.events_endpoint is None:
            raise ValueError("no events endpoint: pass events_endpoint= for a non-tcp endpoint")
        subscription = Subscription(self._context, self.events_endpoint, address,
                                    self.timeout_ms if timeout_ms is None else timeout_ms)
        self._subscriptions.append(subscription)
        return subscription

    def map(self, address, items, window=100, ordered=False, timeout_ms=None, headers=None):
        """Sends every item of ``items`` as a request to ``address`` (a service, a pipeline), with at
        most ``window`` in flight, and yields a MapResult per item as replies complete (in input
        order with ``ordered=True``). Items are taken lazily, so ``items`` may be a generator; an
        item that fails (or cannot be encoded) is a MapResult with its ``error``, and the map goes on.
        """
        if window < 1:
            raise ValueError("window must be at least 1, got %r" % (window,))
        timeout_ms = self.timeout_ms if timeout_ms is None else timeout_ms
        base_headers = {str(k): str(v) for k, v in (headers or {}).items()}
        base_headers.setdefault("accept-encoding", "deflate")
        items = iter(items)
        in_flight = {}                    # request id -> (index, item, deadline)
        done = collections.OrderedDict()  # index -> MapResult, not yet yielded
        sent = 0
        next_out = 0
        exhausted = False
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
                        request_id = self._send(b"REQUEST", address, item, dict(base_headers), timeout_ms)
                    except (TypeError, ValueError) as e:
                        done[index] = MapResult(index, item, None, ConduitError("BAD_REQUEST", str(e)))
                        continue
                    in_flight[request_id] = (index, item, time.monotonic() + (timeout_ms + 1000) / 1000.0)
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
                soonest = min(deadline for _, _, deadline in in_flight.values())
                self._receive(max(0, int((soonest - time.monotonic()) * 1000)))
                now = time.monotonic()
                for request_id in [r for r in in_flight if r in self._arrived or in_flight[r][2] <= now]:
                    index, item, _ = in_flight.pop(request_id)
                    self._pending.discard(request_id)
                    frames = self._arrived.pop(request_id, None)
                    if frames is None:
                        error = ConduitError("TIMEOUT", "no reply from %s within %d ms" % (self.endpoint, timeout_ms),
                                             {"timeoutMs": timeout_ms})
                        done[index] = MapResult(index, item, None, error)
                        continue
                    try:
                        done[index] = MapResult(index, item, _reply(frames[1], _headers(frames[3]), frames[4]), None)
                    except ConduitError as e:
                        done[index] = MapResult(index, item, None, e)
        finally:  # replies still to come (the caller stopped early) are dropped when they arrive
            for request_id in in_flight:
                self._pending.discard(request_id)

    # -- request/reply matching -----------------------------------------------------------------

    def _call(self, command, address, body, headers, timeout_ms, grace_ms=1000):
        """Sends one request and waits for the reply with its id; other ids' replies are kept."""
        timeout_ms = self.timeout_ms if timeout_ms is None else timeout_ms
        request_id = self._send(command, address, body, headers, timeout_ms)
        # The bridge times the request out itself after timeout_ms and says so; the grace lets that
        # ERROR (with its details) arrive before the client gives up on its own.
        status, reply_headers, reply_body = self._wait(request_id, timeout_ms + grace_ms)
        return _reply(status, reply_headers, reply_body)

    def _send(self, command, address, body, headers, timeout_ms):
        """Sends one request without waiting; returns its id (now pending)."""
        if command == b"PING":
            payload = b""
        else:
            payload = encode_body(body, headers)
            headers["timeout"] = str(int(timeout_ms))
        request_id = str(next(self._ids)).encode("ascii")
        headers_frame = json.dumps(headers, separators=(",", ":")).encode("utf-8") if headers else b""
        self._socket.send_multipart([b"", SIGNATURE, command, request_id, address.encode("utf-8"),
                                     headers_frame, payload])
        self._pending.add(request_id)
        return request_id

    def _receive(self, timeout_ms):
        """Waits up to ``timeout_ms`` for one reply and keeps it if its id is pending; False when none came."""
        if not self._socket.poll(max(0, timeout_ms), zmq.POLLIN):
            return False
        frames = self._socket.recv_multipart()
        if frames and frames[0] == b"":
            frames = frames[1:]
        if len(frames) != 5 or frames[0] != SIGNATURE or frames[1] not in (b"OK", b"ERROR"):
            raise ConduitError("BAD_REPLY", "not a CBP1 reply (%d frames) from %s" % (len(frames), self.endpoint))
        if frames[2] in self._pending:  # late replies to abandoned requests are dropped
            self._arrived[frames[2]] = frames
        return True

    def _wait(self, request_id, timeout_ms):
        deadline = time.monotonic() + timeout_ms / 1000.0
        try:
            while request_id not in self._arrived:
                remaining = int((deadline - time.monotonic()) * 1000)
                if remaining <= 0 or not self._receive(remaining):
                    raise ConduitError("TIMEOUT", "no reply from %s within %d ms" % (self.endpoint, timeout_ms),
                                       {"timeoutMs": timeout_ms})
            frames = self._arrived.pop(request_id)
            return frames[1], _headers(frames[3]), frames[4]
        finally:
            self._pending.discard(request_id)

    # -- lifecycle ------------------------------------------------------------------------------

    def close(self):
        """Closes the subscriptions, the socket and the ZeroMQ context. Safe to call twice."""
        for subscription in self._subscriptions:
            subscription.close()
        self._subscriptions = []
        if self._socket is not None:
            self._socket.close()
            self._socket = None
        if self._context is not None:
            self._context.term()
            self._context = None

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


class Subscription:
    """Events on one address from the bridge's XPUB, as ``(headers, body)`` pairs.

    ZeroMQ matches topics by prefix, so messages whose address frame is not exactly ``address``
    (e.g. ``news.sports`` for ``news``) are skipped. Iterating waits up to ``timeout_ms`` per event
    (None: forever) and raises ConduitError("TIMEOUT") when none comes. The subscription reaches the
    bridge asynchronously: events published right after ``subscribe()`` returns may be missed.
    """

    def __init__(self, context, events_endpoint, address, timeout_ms):
        self.address = address
        self.timeout_ms = timeout_ms
        self._topic = address.encode("utf-8")
        self._socket = context.socket(zmq.SUB)
        self._socket.setsockopt(zmq.LINGER, 0)
        self._socket.connect(events_endpoint)
        self._socket.setsockopt(zmq.SUBSCRIBE, self._topic)

    def receive(self, timeout_ms=None):
        """Returns the next ``(headers, body)``, or raises ConduitError("TIMEOUT") after ``timeout_ms``."""
        timeout_ms = self.timeout_ms if timeout_ms is None else timeout_ms
        deadline = None if timeout_ms is None else time.monotonic() + timeout_ms / 1000.0
        while True:
            remaining = None if deadline is None else max(0, int((deadline - time.monotonic()) * 1000))
            if not self._socket.poll(remaining, zmq.POLLIN):
                raise ConduitError("TIMEOUT", "no event on '%s' within %d ms" % (self.address, timeout_ms),
                                   {"timeoutMs": timeout_ms})
            frames = self._socket.recv_multipart()
            if len(frames) == 3 and frames[0] == self._topic:
                headers = _headers(frames[1])
                return headers, decode_body(headers, frames[2])

    def __iter__(self):
        return self

    def __next__(self):
        return self.receive()

    def close(self):
        """Unsubscribes and closes the SUB socket. Safe to call twice."""
        if self._socket is not None:
            self._socket.close()
            self._socket = None

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


def _reply(status, headers, body):
    """The decoded body of an OK reply; raises ConduitError for an ERROR reply."""
    if status == b"ERROR":
        error = json.loads(body.decode("utf-8")) if body else {}
        code = error.pop("code", "INTERNAL")
        message = error.pop("message", "the bridge answered ERROR")
        raise ConduitError(code, message, error)
    return decode_body(headers, body)


def _next_port(endpoint):
    """``tcp://host:5555`` -> ``tcp://host:5556``; None for other transports."""
    if not endpoint.startswith("tcp://"):
        return None
    host, _, port = endpoint[len("tcp://"):].rpartition(":")
    return "tcp://%s:%d" % (host, int(port) + 1) if port.isdigit() else None
