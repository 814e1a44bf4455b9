"""CBP/1 on the wire (docs/protocol.md): frames, headers and bodies. No sockets here."""

import json
import os
import struct
import zlib
from typing import Any, Dict, List, Optional, Tuple
from urllib.parse import urlsplit

import zmq.utils.z85

from .errors import ConduitError

SIGNATURE = b"CBP1"
JSON, OCTETS, TEXT = "application/json", "application/octet-stream", "text/plain"
COMMANDS = (b"REQUEST", b"SEND", b"PUBLISH", b"PING")


def encode_body(body: Any, headers: Dict[str, str]) -> bytes:
    """The body's bytes, with its content-type set in ``headers``: bytes travel as octet-stream,
    a str as text/plain only when that content-type is asked for, everything else as JSON.
    A value JSON cannot carry (a set, a bytes key, NaN) raises TypeError before anything is sent."""
    wanted = headers.get("content-type")
    if isinstance(body, (bytes, bytearray, memoryview)) and wanted in (None, OCTETS):
        headers["content-type"] = OCTETS
        return bytes(body)
    if isinstance(body, str) and wanted == TEXT:
        return body.encode("utf-8")
    headers["content-type"] = JSON
    try:
        return json.dumps(body, separators=(",", ":"), allow_nan=False).encode("utf-8")
    except ValueError as e:
        raise TypeError("the body cannot travel as JSON: %s" % e) from None
    except TypeError as e:
        raise TypeError("the body cannot travel as JSON: %s" % e) from None


def decode_body(headers: Dict[str, Any], body: bytes) -> Any:
    """A reply's or event's body by its headers: a JSON value, bytes or str (inflated first if deflated)."""
    if headers.get("content-encoding") == "deflate":
        body = zlib.decompress(body)
    content_type = headers.get("content-type", JSON)
    if content_type == JSON:
        return json.loads(body.decode("utf-8")) if body else None
    if content_type == TEXT:
        return body.decode("utf-8")
    return body


def parse_headers(frame: bytes) -> Dict[str, Any]:
    """A headers frame: a JSON object (empty: none); ConduitError BAD_REPLY when it is not one."""
    if not frame:
        return {}
    try:
        value = json.loads(frame.decode("utf-8"))
    except ValueError:  # UnicodeDecodeError is a ValueError too
        raise ConduitError("BAD_REPLY", "a headers frame that is not JSON: %r" % (frame[:80],)) from None
    if not isinstance(value, dict):
        raise ConduitError("BAD_REPLY", "a headers frame that is not a JSON object: %r" % (frame[:80],))
    return value


def string_headers(headers: Optional[Dict[str, Any]]) -> Dict[str, str]:
    """A request's headers as the wire carries them: names and values as strings."""
    if headers is None:
        return {}
    if not isinstance(headers, dict):
        raise TypeError("headers must be a dict of names to values, not %s" % type(headers).__name__)
    out = {}
    for k, v in headers.items():
        if not isinstance(k, str):
            raise TypeError("a header name must be a str, not %r" % (k,))
        out[k] = v if isinstance(v, str) else json.dumps(v) if isinstance(v, (bool, type(None))) else str(v)
    return out


def request_frames(command: bytes, request_id: bytes, address: str, headers: Dict[str, str],
                   payload: bytes) -> List[bytes]:
    """A DEALER's request: the empty delimiter, then the six CBP/1 frames."""
    headers_frame = json.dumps(headers, separators=(",", ":")).encode("utf-8") if headers else b""
    return [b"", SIGNATURE, command, request_id, address.encode("utf-8"), headers_frame, payload]


def reply_id(frames: List[bytes]) -> Optional[bytes]:
    """The id frame of what may be a reply, even one that is not well formed; None when it has none."""
    if frames and frames[0] == b"":
        frames = frames[1:]
    return frames[2] if len(frames) >= 3 else None


def parse_reply(frames: List[bytes], endpoint: str) -> Tuple[bytes, bytes, Dict[str, Any], bytes]:
    """(status, id, headers, body) of a reply; ConduitError BAD_REPLY when it is not CBP/1."""
    if frames and frames[0] == b"":
        frames = frames[1:]
    if len(frames) != 5 or frames[0] != SIGNATURE or frames[1] not in (b"OK", b"ERROR"):
        raise ConduitError("BAD_REPLY", "not a CBP1 reply (%d frames) from %s" % (len(frames), endpoint))
    return frames[1], frames[2], parse_headers(frames[3]), frames[4]


def reply_value(status: bytes, headers: Dict[str, Any], body: bytes) -> Any:
    """The decoded body of an OK reply, or the ConduitError an ERROR reply carries (raised)."""
    try:
        value = decode_body(headers, body)
    except (ValueError, zlib.error) as e:
        raise ConduitError("BAD_REPLY", "a reply body that does not decode: %s" % e) from None
    if status == b"ERROR":
        raise ConduitError.from_body(value)
    return value


def events_endpoint(endpoint: str) -> Optional[str]:
    """The events endpoint a node serves beside ``endpoint`` by default: same host, next port."""
    parts = urlsplit(endpoint)
    if parts.scheme != "tcp" or parts.port is None:
        return None
    return "tcp://%s:%d" % (parts.hostname if ":" not in (parts.hostname or "") else "[%s]" % parts.hostname,
                            parts.port + 1)


def events_or_default(events: Optional[str], endpoint: str) -> Optional[str]:
    """The events endpoint a client uses: the one given, none for ``""`` or ``"none"`` (a node
    started with ``--events none``), else the default beside ``endpoint``."""
    if events is None:
        return events_endpoint(endpoint)
    if not isinstance(events, str):
        raise TypeError("events must be an endpoint string, not %s" % type(events).__name__)
    return None if events in ("", "none") else events


def check_address(address: Any, what: str = "address") -> str:
    if not isinstance(address, str):
        raise TypeError("%s must be a str, not %s" % (what, type(address).__name__))
    return address


def timeout_ms(seconds: Optional[float], default_ms: int) -> int:
    """A timeout in seconds (as Python users give them) as the whole milliseconds the wire takes."""
    if seconds is None:
        return default_ms
    if isinstance(seconds, bool) or not isinstance(seconds, (int, float)):
        raise TypeError("a timeout is a number of seconds, not %r" % (seconds,))
    if not seconds > 0:
        raise ValueError("a timeout must be more than 0 seconds, got %r" % (seconds,))
    return max(1, int(round(seconds * 1000)))


def check_wait(seconds: Optional[float]) -> Optional[float]:
    """A wait in seconds, None for forever: a TypeError when it is not a number, ValueError for 0 or less."""
    if seconds is not None:
        timeout_ms(seconds, 0)
    return seconds


def read_key(value: Optional[str], what: str) -> Optional[bytes]:
    """A CURVE key given as its 40-character Z85 text or as the path of a file holding it
    (``NAME.pub``/``NAME.key`` as ``conduit keygen`` writes them)."""
    if value is None:
        return None
    if isinstance(value, bytes):
        value = value.decode("ascii")
    if not isinstance(value, str):
        raise TypeError("%s is a Z85 key or a key file's path, not %s" % (what, type(value).__name__))
    text = value.strip()
    if os.path.isfile(value):  # a path may be 40 characters of Z85's alphabet too: the file wins
        with open(value, "r", encoding="ascii") as f:
            text = f.read().strip()
    if len(text) != 40:
        raise ValueError("%s must be a 40-character Z85 key or a file holding one, got %r" % (what, value))
    try:
        zmq.utils.z85.decode(text.encode("ascii"))  # the alphabet only: no key can be checked further
    except (ValueError, KeyError, IndexError, UnicodeEncodeError, struct.error):  # struct: a group over 32 bits
        raise ValueError("%s is not a Z85 key (40 characters of Z85's alphabet, as 'conduit keygen' writes): %r"
                         % (what, value)) from None
    return text.encode("ascii")
