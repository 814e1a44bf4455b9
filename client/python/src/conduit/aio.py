"""The asyncio client: the methods of :class:`conduit.Client` as coroutines, many requests in
flight on one socket.

    from conduit import aio

    async def main():
        async with await aio.connect("tcp://127.0.0.1:5555") as client:
            replies = await asyncio.gather(*(client.request("echo", i) for i in range(100)))
"""

import asyncio
import itertools
from typing import Any, AsyncIterator, Dict, Iterable, Optional, Tuple

import zmq
import zmq.asyncio

from . import _sockets, _wire
from .client import Client, MapResult, _no_event
from .errors import ConduitError


class AsyncClient:
    """A connection to a node's bridge for one asyncio event loop; make one with :func:`connect`.

    Every coroutine may call it at once: requests are pipelined on one DEALER socket and each reply
    is handed to the coroutine that waits for its id. Not for use from other threads or loops.
    """

    def __init__(self, endpoint: str, events: Optional[str], server_key: Optional[str],
                 client_key: Optional[str], timeout: float) -> None:
        self.endpoint = _wire.check_address(endpoint, "endpoint")
        self.events = _wire.events_or_default(events, endpoint)
        self.timeout_ms = _wire.timeout_ms(timeout, 30000)
        self._curve = Client._curve_keys(server_key, client_key)
        self._context = zmq.asyncio.Context()
        self._socket: Optional[zmq.asyncio.Socket] = None
        self._ids = itertools.count(1)
        self._waiting: Dict[bytes, "asyncio.Future[Tuple[bytes, Dict[str, Any], bytes]]"] = {}
        self._reader: Optional["asyncio.Task[None]"] = None

    def _open(self, kind: int, endpoint: str) -> zmq.asyncio.Socket:
        return _sockets.connect(self._context, kind, endpoint, self._curve)

    async def _connect(self, attempts: int = 5, probe_ms: int = 1000) -> "AsyncClient":
        for attempt in range(attempts):
            self._socket = self._open(zmq.DEALER, self.endpoint)
            self._reader = asyncio.ensure_future(self._read())
            try:
                await self._call(b"PING", "", None, {}, probe_ms << (attempt // 2), grace_ms=0)
                return self
            except ConduitError as e:
                if e.code != "TIMEOUT":
                    await self.close()
                    raise
            self._drop_socket()
        await self.close()
        raise ConduitError("UNAVAILABLE", "no answer to PING from %s on %d fresh sockets" % (self.endpoint, attempts))

    async def _read(self) -> None:
        socket = self._socket
        assert socket is not None
        while True:
            frames = await socket.recv_multipart()
            try:
                status, request_id, headers, body = _wire.parse_reply(frames, self.endpoint)
            except (ConduitError, ValueError):
                continue  # not CBP/1 (or its headers not JSON): nothing can be matched to a request
            future = self._waiting.pop(request_id, None)
            if future is not None and not future.done():
                future.set_result((status, headers, body))

    def _drop_socket(self) -> None:
        if self._reader is not None:
            self._reader.cancel()
            self._reader = None
        if self._socket is not None:
            self._socket.close(linger=0)
            self._socket = None
        for future in self._waiting.values():
            if not future.done():
                future.set_exception(ConduitError("UNAVAILABLE", "the client was closed"))
        self._waiting.clear()

    async def _call(self, command: bytes, address: str, body: Any, headers: Dict[str, str], timeout_ms: int,
                    grace_ms: int = 1000) -> Any:
        if self._socket is None:
            raise ConduitError("UNAVAILABLE", "the client is closed")
        payload = b"" if command == b"PING" else _wire.encode_body(body, headers)
        if command != b"PING":
            headers["timeout"] = str(int(timeout_ms))
        request_id = str(next(self._ids)).encode("ascii")
        future: "asyncio.Future[Tuple[bytes, Dict[str, Any], bytes]]" = asyncio.get_running_loop().create_future()
        self._waiting[request_id] = future
        try:
            await self._socket.send_multipart(_wire.request_frames(command, request_id, address, headers, payload))
            reply = await asyncio.wait_for(future, (timeout_ms + grace_ms) / 1000.0)
        except asyncio.TimeoutError:
            raise ConduitError("TIMEOUT", "no reply from %s within %d ms" % (self.endpoint, timeout_ms),
                               {"timeoutMs": timeout_ms}) from None
        finally:
            self._waiting.pop(request_id, None)
        return _wire.reply_value(*reply)

    async def request(self, address: str, body: Any = None, headers: Optional[Dict[str, Any]] = None,
                      timeout: Optional[float] = None) -> Any:
        """As :meth:`conduit.Client.request`."""
        _wire.check_address(address)
        wire_headers = _wire.string_headers(headers)
        wire_headers.setdefault("accept-encoding", "deflate")
        return await self._call(b"REQUEST", address, body, wire_headers, _wire.timeout_ms(timeout, self.timeout_ms))

    async def send(self, address: str, body: Any = None, headers: Optional[Dict[str, Any]] = None) -> None:
        """As :meth:`conduit.Client.send`."""
        await self._call(b"SEND", _wire.check_address(address), body, _wire.string_headers(headers), self.timeout_ms)

    async def publish(self, address: str, body: Any = None, headers: Optional[Dict[str, Any]] = None) -> None:
        """As :meth:`conduit.Client.publish`."""
        await self._call(b"PUBLISH", _wire.check_address(address), body, _wire.string_headers(headers),
                         self.timeout_ms)

    async def ping(self) -> Dict[str, Any]:
        return await self._call(b"PING", "", None, {}, self.timeout_ms)

    async def map(self, address: str, items: Iterable[Any], window: int = 100, ordered: bool = False,
                  timeout: Optional[float] = None,
                  headers: Optional[Dict[str, Any]] = None) -> AsyncIterator[MapResult]:
        """As :meth:`conduit.Client.map`, as an async iterator."""
        _wire.check_address(address)
        if isinstance(window, bool) or not isinstance(window, int) or window < 1:
            raise ValueError("window must be a whole number of at least 1, got %r" % (window,))

        async def one(index: int, item: Any) -> MapResult:
            try:
                return MapResult(index, item, await self.request(address, item, headers, timeout), None)
            except ConduitError as e:
                return MapResult(index, item, None, e)
            except (TypeError, ValueError) as e:
                return MapResult(index, item, None, ConduitError("BAD_REQUEST", str(e)))

        pending: "set[asyncio.Task[MapResult]]" = set()
        finished: Dict[int, MapResult] = {}
        next_out = 0
        source = enumerate(items)
        exhausted = False
        try:
            while True:
                while not exhausted and len(pending) + len(finished) < window:
                    try:
                        index, item = next(source)
                    except StopIteration:
                        exhausted = True
                        break
                    pending.add(asyncio.ensure_future(one(index, item)))
                if not pending and (exhausted or finished):
                    if not finished:
                        return
                else:
                    done, pending = await asyncio.wait(pending, return_when=asyncio.FIRST_COMPLETED)
                    for task in done:
                        result = task.result()
                        finished[result.index] = result
                if ordered:
                    while next_out in finished:
                        yield finished.pop(next_out)
                        next_out += 1
                else:
                    for index in list(finished):
                        yield finished.pop(index)
        finally:
            for task in pending:
                task.cancel()

    async def subscribe(self, address: str) -> "AsyncSubscription":
        """Events published on exactly ``address``: ``async for headers, body in subscription``."""
        if self.events is None:
            raise ValueError("this client has no events endpoint: pass events= to aio.connect")
        socket = self._open(zmq.SUB, self.events)
        socket.setsockopt(zmq.SUBSCRIBE, _wire.check_address(address).encode("utf-8"))
        return AsyncSubscription(address, socket, self.events)

    async def close(self) -> None:
        """Closes the socket; requests still waiting fail with UNAVAILABLE. Safe to call twice."""
        self._drop_socket()
        if self._context is not None:
            # closes the subscriptions' sockets too, so a subscription left open cannot hold it up
            self._context.destroy(linger=0)
            self._context = None  # type: ignore[assignment]

    async def __aenter__(self) -> "AsyncClient":
        return self

    async def __aexit__(self, *exc: Any) -> None:
        await self.close()


class AsyncSubscription:
    """Events on one address from the bridge, as ``(headers, body)``; close it when done."""

    def __init__(self, address: str, socket: zmq.asyncio.Socket, events: Optional[str] = None) -> None:
        self.address = address
        self._topic = address.encode("utf-8")
        self._socket = socket
        self._events = events

    async def receive(self, timeout: Optional[float] = None) -> Tuple[Dict[str, Any], Any]:
        """The next event; ConduitError TIMEOUT after ``timeout`` seconds (None: wait forever)."""
        _wire.check_wait(timeout)
        while True:
            try:
                frames = await asyncio.wait_for(self._socket.recv_multipart(), timeout)
            except asyncio.TimeoutError:
                raise ConduitError("TIMEOUT", _no_event(self.address, timeout, self._events)) from None
            if len(frames) == 3 and frames[0] == self._topic:
                headers = _wire.parse_headers(frames[1])
                return headers, _wire.decode_body(headers, frames[2])

    def __aiter__(self) -> "AsyncSubscription":
        return self

    async def __anext__(self) -> Tuple[Dict[str, Any], Any]:
        return await self.receive()

    def close(self) -> None:
        self._socket.close(linger=0)

    async def __aenter__(self) -> "AsyncSubscription":
        return self

    async def __aexit__(self, *exc: Any) -> None:
        self.close()


async def connect(endpoint: str = "tcp://127.0.0.1:5555", events: Optional[str] = None,
                  server_key: Optional[str] = None, client_key: Optional[str] = None,
                  timeout: float = 30.0) -> AsyncClient:
    """As :func:`conduit.connect`, for asyncio: ``client = await aio.connect(...)``."""
    return await AsyncClient(endpoint, events, server_key, client_key, timeout)._connect()
