"""The document store, pyzdb-shaped: one JSON document at an event-bus address, read and changed
with Python's syntax. Make one with :meth:`conduit.Client.docs`.

    db = client.docs()                      # the store at "docs"
    db["x"] = 3                             # {"op": "set", "path": ["x"], "value": 3}
    db["x"].get()                           # 3 (pyzdb's db["x"]._run())
    db["l"] = range(10)
    db["l"][4] = ["a", "b", "c"]            # replaces item 4
    db["l"][4].append("d")
    [v for v in db["l"][4]]                 # ['a', 'b', 'c', 'd'], paged with scan
    "x" in db, len(db["l"])                 # True, 10
    db.undo(); db.redo(); db.save()
    with db.lock(ttl=10):                   # nobody else reads or writes meanwhile
        db["n"] = db["n"].get(default=0) + 1
    with db.batch() as b:                   # all or none, one undo step
        b["a"] = 1
        b["l"].append(2)

``db["l"][4]`` sends nothing: it is a :class:`Ref`, a path. A request goes out when a method of a
ref is called (``get``, ``append``, ``len()``, ``in``, iteration...) or a key of it is set or
deleted. Requests are the JSON bodies of docs/docstore.md, sent with :meth:`conduit.Client.request`;
the store's refusals arrive as :class:`conduit.ConduitError` with its code (``BAD_REQUEST`` 400,
``NOT_FOUND`` 404, ``CONFLICT`` 409 in ``.status``). A value JSON cannot carry (a set, bytes, a
dict with a non-str key, NaN) or a path step that is neither a str nor an int raises
``TypeError`` before anything is sent.
"""

import json
import math
import numbers
import threading
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any, Dict, Iterator, List, NamedTuple, Optional, Tuple, Union

from .errors import ConduitError

if TYPE_CHECKING:  # pragma: no cover
    from .client import Client, Subscription

__all__ = ["Batch", "Docs", "Lock", "Page", "Ref"]

Step = Union[str, int]
Path = Tuple[Step, ...]

#: How deep a value may nest (the store refuses more than 100 levels anyway, with BAD_REQUEST).
MAX_DEPTH = 128
_MISSING: Any = object()


class Page(NamedTuple):
    """One page of :meth:`Ref.scan`: a list's items, or an object's ``{"key", "value"}`` entries;
    ``next`` is the cursor of the following page, None on the last one."""
    items: List[Any]
    next: Optional[str]


# -- argument checks: everything is refused before it is sent ------------------------------------

def _brief(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


def _step(step: Any) -> Step:
    """A path step: a str key, or an int index (negative from the end)."""
    if isinstance(step, str):
        return step
    if isinstance(step, bool) or not isinstance(step, numbers.Integral):
        if isinstance(step, slice):
            raise TypeError("slices are not supported; read a range of a list with scan(offset=, limit=)")
        raise TypeError("a path step is a str key or an int index, not %s %s" % (type(step).__name__, _brief(step)))
    return int(step)


def _json(value: Any, what: str, depth: int = 0) -> Any:
    """``value`` as plain JSON (tuples and ranges become lists); TypeError when JSON cannot carry it."""
    if value is None or isinstance(value, (str, bool)):
        return value
    if isinstance(value, numbers.Integral):
        return int(value)
    if isinstance(value, numbers.Real):
        f = float(value)
        if not math.isfinite(f):
            raise TypeError("%s holds %r, which JSON cannot carry" % (what, f))
        return f
    if isinstance(value, Ref):
        raise TypeError("%s is a reference (%r), not a value; read it with .get() first" % (what, value))
    if depth >= MAX_DEPTH:
        raise ValueError("%s nests deeper than %d levels (or holds itself)" % (what, MAX_DEPTH))
    if isinstance(value, Mapping):
        out = {}
        for k, v in value.items():
            if not isinstance(k, str):
                raise TypeError("%s has a key that is not a str: %s %s (JSON keys are strings)"
                                % (what, type(k).__name__, _brief(k)))
            out[k] = _json(v, what, depth + 1)
        return out
    if isinstance(value, (list, tuple, range)):
        return [_json(v, what, depth + 1) for v in value]
    if isinstance(value, (bytes, bytearray, memoryview)):
        raise TypeError("%s holds bytes, which JSON cannot carry; store bytes with put_blob()" % what)
    raise TypeError("%s holds %s %s, which JSON cannot carry; use dict, list, tuple, str, int, float, "
                    "bool or None" % (what, type(value).__name__, _brief(value)))


def _seconds_ms(seconds: Any, what: str) -> int:
    if isinstance(seconds, bool) or not isinstance(seconds, (int, float)):
        raise TypeError("%s is a number of seconds, not %s" % (what, _brief(seconds)))
    if not seconds > 0 or not math.isfinite(seconds):
        raise ValueError("%s must be more than 0 seconds, got %r" % (what, seconds))
    return max(1, int(round(seconds * 1000)))


def _index(index: Any, what: str) -> int:
    if isinstance(index, bool) or not isinstance(index, numbers.Integral):
        raise TypeError("%s is an int, not %s %s" % (what, type(index).__name__, _brief(index)))
    return int(index)


def _field(reply: Any, name: str) -> Any:
    if not isinstance(reply, dict) or name not in reply:
        raise ConduitError("BAD_REPLY", "not a document store's reply (no %r): %s" % (name, _brief(reply)))
    return reply[name]


def _show(path: Path) -> str:
    return "".join("[%s]" % json.dumps(step) for step in path)


# -- references ----------------------------------------------------------------------------------

class Ref:
    """A path in the document (``db["l"][4]``); building one sends nothing.

    Reads (``get``, ``keys``, ``len()``, ``in``, iteration, ``scan``) go to the store, or to its
    replica when the :class:`Docs` has one. Writes return the document's version after them (an
    int), except ``pop``, ``incr`` and ``setdefault``, which return a value as Python's do; inside a
    :class:`Batch` they are recorded instead and return None. A ref is not a value: comparing it
    with anything but a ref, or asking its truth, raises TypeError (use ``.get()``).
    """

    __slots__ = ("_owner", "_path")

    def __init__(self, owner: Any, path: Path) -> None:
        self._owner = owner
        self._path = path

    @property
    def path(self) -> Path:
        """The path's steps, as sent: ``("l", 4)``."""
        return self._path

    # -- navigation and item syntax

    def __getitem__(self, step: Step) -> "Ref":
        """The ref one step further (``ref[key]`` or ``ref[index]``); sends nothing."""
        return Ref(self._owner, self._path + (_step(step),))

    def __setitem__(self, step: Step, value: Any) -> None:
        """``ref[step] = value``: sends ``set`` at the child's path (a new key of an object, or an
        existing list item: 404 when the index is out of range)."""
        child = self[step]
        if isinstance(value, Ref) and value == child:
            return  # the tail of an augmented assignment (ref[k] += ...), already sent by __iadd__
        child.set(value)

    def __delitem__(self, step: Step) -> None:
        """``del ref[step]``: sends ``delete`` (404 when missing)."""
        self[step].delete()

    # -- reads

    def get(self, default: Any = _MISSING) -> Any:
        """Sends ``get`` and returns the value at this path (a copy; the whole document at the root).
        With ``default``, returns it instead of raising ConduitError NOT_FOUND."""
        try:
            return _field(self._owner._read({"op": "get", "path": list(self._path)}), "value")
        except ConduitError as e:
            if default is _MISSING or e.code != "NOT_FOUND":
                raise
            return default

    def _run(self) -> Any:
        """pyzdb's name for :meth:`get`."""
        return self.get()

    def keys(self) -> List[str]:
        """Sends ``keys``: the object's keys in insertion order (BAD_REQUEST for a non-object)."""
        keys = _field(self._owner._read({"op": "keys", "path": list(self._path)}), "keys")
        return list(keys)

    def __len__(self) -> int:
        """``len(ref)``: sends ``len``; the size of the object, list or string (in code points)."""
        return int(_field(self._owner._read({"op": "len", "path": list(self._path)}), "len"))

    def __contains__(self, value: Any) -> bool:
        """``value in ref``: sends ``contains``; a key of an object, an item of a list (1 == 1.0), or
        a substring of a string."""
        body = {"op": "contains", "path": list(self._path), "value": _json(value, "the value looked for")}
        return bool(_field(self._owner._read(body), "contains"))

    def scan(self, offset: int = 0, limit: Optional[int] = None, cursor: Optional[str] = None) -> Page:
        """Sends one ``scan``: up to ``limit`` (1 to 1000; the store's default 100) items of the list,
        or entries ``{"key", "value"}`` of the object, from ``offset`` or from a previous page's
        ``next`` cursor. Returns a :class:`Page`."""
        body: Dict[str, Any] = {"op": "scan", "path": list(self._path)}
        if offset:
            body["offset"] = _index(offset, "offset")
        if limit is not None:
            body["limit"] = _index(limit, "limit")
        if cursor is not None:
            if not isinstance(cursor, str):
                raise TypeError("a cursor is the str a page's next held, not %s" % _brief(cursor))
            body["cursor"] = cursor
        reply = self._owner._read(body)
        items = _field(reply, "items")
        return Page(list(items), reply.get("next"))

    def _pages(self) -> Iterator[Page]:
        page = self.scan(limit=self._owner._page_size)
        yield page
        for _ in range(1 << 62):  # bounded by the value's size: each page moves the cursor on
            if page.next is None:
                return
            page = self.scan(cursor=page.next, limit=self._owner._page_size)
            yield page

    def _is_object(self, page: Page) -> bool:
        """Whether the scanned value is an object. A scan's page does not say; only a list whose items
        all look like ``{"key": str, "value": ...}`` is mistaken for one, so then one ``contains``
        of null settles it (an object refuses a non-str key with BAD_REQUEST; a list answers)."""
        if not self._path:
            return True  # the root is always an object
        if not page.items or not all(isinstance(item, dict) and len(item) == 2 and isinstance(item.get("key"), str)
                                     and "value" in item for item in page.items):
            return False
        try:
            self._owner._read({"op": "contains", "path": list(self._path), "value": None})
            return False
        except ConduitError as e:
            if e.code == "BAD_REQUEST":
                return True
            raise

    def _entries(self, want: str) -> Iterator[Any]:
        pages = self._pages()
        first = next(pages)
        is_object = self._is_object(first)
        if want == "items" and not is_object and first.items:
            raise TypeError("the value at %s is a list; items() is for objects (iterate a list)" % _show(self._path))
        for page in _chain(first, pages):
            for item in page.items:
                if not is_object:
                    yield item
                elif want == "keys":
                    yield item["key"]
                elif want == "values":
                    yield item["value"]
                else:
                    yield item["key"], item["value"]

    def __iter__(self) -> Iterator[Any]:
        """Iterates a list's items or an object's keys, a page of ``scan`` at a time (``page_size``
        of the Docs). Pages are read as iteration goes, so writes made meanwhile may show."""
        return self._entries("keys")

    def items(self) -> Iterator[Tuple[str, Any]]:
        """The object's ``(key, value)`` pairs, paged with ``scan``; TypeError for a list."""
        return self._entries("items")

    def values(self) -> Iterator[Any]:
        """The object's values, or the list's items, paged with ``scan``."""
        return self._entries("values")

    # -- writes

    def set(self, value: Any) -> Optional[int]:
        """Sends ``set``: a key of an object (added when new), an existing list item, or at the root
        the whole document (an object). Returns the version."""
        return self._owner._write({"op": "set", "path": list(self._path), "value": _json(value, "the value")})

    def delete(self) -> Optional[int]:
        """Sends ``delete``: removes this key or list item (404 when missing). Returns the version."""
        return self._owner._write({"op": "delete", "path": list(self._path)})

    def append(self, value: Any) -> Optional[int]:
        """Sends ``append`` of one item to the list here. Returns the version."""
        return self._owner._write({"op": "append", "path": list(self._path), "value": _json(value, "the item")})

    def extend(self, values: Iterable) -> Optional[int]:
        """Sends ``extend`` with every item of ``values`` (a list, tuple, range or other iterable;
        not a str or a mapping). Returns the version."""
        if isinstance(values, (str, bytes, bytearray, Mapping)) or not isinstance(values, Iterable):
            raise TypeError("extend takes a list of items, not %s %s (to add one item, append it)"
                            % (type(values).__name__, _brief(values)))
        items = _json(list(values), "the items")
        return self._owner._write({"op": "extend", "path": list(self._path), "values": items})

    def insert(self, index: int, value: Any) -> Optional[int]:
        """Sends ``insert``: ``value`` before item ``index`` (past an end means that end, as in
        Python). Returns the version."""
        body = {"op": "insert", "path": list(self._path), "index": _index(index, "insert's index"),
                "value": _json(value, "the item")}
        return self._owner._write(body)

    def pop(self, index: Optional[int] = None) -> Any:
        """Sends ``pop``: removes and returns item ``index`` (default the last) of the list here (404
        for an empty list or an index out of range)."""
        body: Dict[str, Any] = {"op": "pop", "path": list(self._path)}
        if index is not None:
            body["index"] = _index(index, "pop's index (pop works on lists; del ref[key] for a key)")
        return self._owner._write(body, "value")

    def incr(self, by: Union[int, float] = 1) -> Any:
        """Sends ``incr``: adds ``by`` to the number here (creating a missing key with ``by``) and
        returns the new number."""
        if isinstance(by, bool) or not isinstance(by, numbers.Real):
            raise TypeError("incr adds a number, not %s %s" % (type(by).__name__, _brief(by)))
        return self._owner._write({"op": "incr", "path": list(self._path), "by": _json(by, "incr's amount")}, "value")

    def update(self, other: Any = (), **more: Any) -> Optional[int]:
        """Sends ``update``: sets each key of ``other`` (a mapping or ``(key, value)`` pairs) and of
        ``more`` in the object here, like ``dict.update``. Returns the version."""
        if isinstance(other, Ref):
            raise TypeError("update takes a mapping, not a reference; read it with .get() first")
        values = dict(other)
        values.update(more)
        return self._owner._write({"op": "update", "path": list(self._path), "value": _json(values, "update's values")})

    def setdefault(self, key: str, default: Any = None) -> Any:
        """Sends ``setdefault``: sets ``key`` of the object here to ``default`` unless it is there;
        returns what the key holds afterwards."""
        if not isinstance(key, str):
            raise TypeError("an object's key is a str, not %s %s" % (type(key).__name__, _brief(key)))
        body = {"op": "setdefault", "path": list(self._path), "key": key, "value": _json(default, "the default")}
        return self._owner._write(body, "value")

    def clear(self) -> Optional[int]:
        """Sends ``clear``: empties the object or list here. Returns the version."""
        return self._owner._write({"op": "clear", "path": list(self._path)})

    def __iadd__(self, other: Any) -> "Ref":
        """``ref += n`` sends ``incr`` for a number; ``ref += [...]`` sends ``extend`` for a list."""
        if isinstance(other, numbers.Real) and not isinstance(other, bool):
            self.incr(other)
        elif isinstance(other, (list, tuple, range)):
            self.extend(other)
        else:
            raise TypeError("ref += takes a number (incr) or a list (extend), not %s" % type(other).__name__)
        return self

    # -- blobs

    def put_blob(self, data: Union[bytes, bytearray, memoryview]) -> int:
        """Sends the bytes (headers ``op: putBlob``, ``path``): stored beside the document, with
        ``{"$blob": id, "size": n}`` at this path. Returns the version. Not in a batch."""
        if not isinstance(data, (bytes, bytearray, memoryview)):
            raise TypeError("put_blob takes bytes, not %s" % type(data).__name__)
        return self._owner._put_blob(self._path, bytes(data))

    def get_blob(self) -> bytes:
        """Sends ``getBlob``: the bytes of the blob at this path (BAD_REQUEST when it holds none)."""
        reply = self._owner._read({"op": "getBlob", "path": list(self._path)}, primary=True)
        if not isinstance(reply, bytes):
            raise ConduitError("BAD_REPLY", "getBlob answered %s, not bytes" % _brief(reply))
        return reply

    def delete_blob(self) -> Optional[int]:
        """Sends ``deleteBlob``: removes the blob reference here (undoable). Returns the version."""
        return self._owner._write({"op": "deleteBlob", "path": list(self._path)})

    # -- not a value

    def __bool__(self) -> bool:
        raise TypeError("the truth of a reference is ambiguous: read the value with %s.get()" % _show(self._path))

    def __eq__(self, other: Any) -> bool:
        if isinstance(other, Ref):
            return self._owner is other._owner and self._path == other._path
        raise TypeError("compare the value, not the reference: db%s.get() == %s" % (_show(self._path), _brief(other)))

    def __ne__(self, other: Any) -> bool:
        return not self.__eq__(other)

    def __hash__(self) -> int:
        return hash((id(self._owner), self._path))

    def __repr__(self) -> str:
        return "<%s%s>" % (getattr(self._owner, "_name", "db"), _show(self._path))


def _chain(first: Page, rest: Iterator[Page]) -> Iterator[Page]:
    yield first
    yield from rest


# -- the store -----------------------------------------------------------------------------------

class _Shared:
    """What a Docs and its views (with_timeout, a lock's docs) share: where, and what was seen."""

    def __init__(self, client: "Client", address: str, read: Optional[str], min_version: int) -> None:
        self.client = client
        self.address = address
        self.read = read
        self.min_version = min_version
        self.version = 0                 # the highest document version any reply showed
        self.guard = threading.Lock()
        self.local = threading.local()   # .lock: the Lock this thread took through these Docs

    def saw(self, reply: Any) -> None:
        if isinstance(reply, dict):
            v = reply.get("version")
            if isinstance(v, int) and not isinstance(v, bool):
                with self.guard:
                    if v > self.version:
                        self.version = v


class Docs(Ref):
    """The document store at ``address`` (the root of its document): make one with
    ``client.docs(address="docs", read=None, min_version=None)``.

    ``read``: the address of a read replica (``"docs.ro"``, served by a standby of the store); every
    read then goes there with ``minVersion`` = the highest of ``min_version`` and every version this
    object has seen (its own writes, its lock, earlier replica replies), so you read your writes and
    never go back in time. Writes always go to ``address``.

    Thread-safe: the Client is, and a Docs holds no per-request state. A lock belongs to the thread
    that took it: after ``db.lock()`` that thread's requests through ``db`` (and its refs and
    batches) carry the token, other threads' requests wait like anyone's; ``lock.docs`` carries it
    from any thread. Every request waits at most ``timeout`` seconds (default the client's), and
    that is also how long it may wait while another client holds the lock (then CONFLICT).

    ``timeout``: seconds per request (None: the client's); ``page_size``: items per ``scan`` when
    iterating (1 to 1000). Both can be passed when constructing ``Docs(client, ...)`` directly.
    """

    __slots__ = ("_shared", "_token", "_timeout", "_page_size", "_name")

    def __init__(self, client: "Client", address: str = "docs", read: Optional[str] = None,
                 min_version: Optional[int] = None, timeout: Optional[float] = None,
                 page_size: int = 100) -> None:
        if not isinstance(address, str) or not address:
            raise TypeError("the store's address is a non-empty str, not %s" % _brief(address))
        if read is not None and (not isinstance(read, str) or not read):
            raise TypeError("read is a replica's address (a non-empty str) or None, not %s" % _brief(read))
        floor = 0 if min_version is None else _index(min_version, "min_version")
        if floor < 0:
            raise ValueError("min_version is a version (0 or more), got %d" % floor)
        super().__init__(self, ())
        self._shared = _Shared(client, address, read, floor)
        self._token: Optional[str] = None
        self._timeout: Optional[float] = None
        self._page_size = 100
        self._name = "db"
        self._configure(timeout, page_size)

    def _configure(self, timeout: Optional[float], page_size: int) -> None:
        if timeout is not None:
            _seconds_ms(timeout, "timeout")
        size = _index(page_size, "page_size")
        if not 1 <= size <= 1000:
            raise ValueError("page_size is 1 to 1000 items, got %d" % size)
        self._timeout = timeout
        self._page_size = size

    def _view(self, token: Optional[str], timeout: Optional[float]) -> "Docs":
        view = object.__new__(Docs)
        Ref.__init__(view, view, ())
        view._shared = self._shared
        view._token = token
        view._timeout = timeout
        view._page_size = self._page_size
        view._name = self._name
        return view

    @property
    def client(self) -> "Client":
        """The client these Docs send through."""
        return self._shared.client

    @property
    def address(self) -> str:
        """The store's address, where writes (and reads without a replica) go."""
        return self._shared.address

    @property
    def read_address(self) -> Optional[str]:
        """The replica's address reads go to, or None."""
        return self._shared.read

    @property
    def version(self) -> int:
        """The highest document version this object has seen in a reply (0 before any)."""
        return self._shared.version

    def with_timeout(self, timeout: float) -> "Docs":
        """These Docs (same store, lock and versions) with another timeout per request, in seconds."""
        _seconds_ms(timeout, "timeout")
        return self._view(self._token, timeout)

    # -- transport

    def _current_token(self) -> Optional[str]:
        if self._token is not None:
            return self._token
        lock = getattr(self._shared.local, "lock", None)
        return lock.token if lock is not None and lock._active else None

    def _send(self, address: str, body: Dict[str, Any], timeout: Optional[float] = None) -> Any:
        token = self._current_token()
        if token is not None:
            body["token"] = token
        reply = self._shared.client.request(address, body, timeout=self._timeout if timeout is None else timeout)
        self._shared.saw(reply)
        return reply

    def _read(self, body: Dict[str, Any], primary: bool = False) -> Any:
        shared = self._shared
        if shared.read is None or primary:
            return self._send(shared.address, body)
        with shared.guard:
            body["minVersion"] = max(shared.min_version, shared.version)
        return self._send(shared.read, body)

    def _write(self, body: Dict[str, Any], field: str = "version") -> Any:
        reply = self._send(self._shared.address, body)
        version = _field(reply, "version")
        return version if field == "version" else reply.get(field)

    def _put_blob(self, path: Path, data: bytes) -> int:
        headers = {"op": "putBlob", "path": json.dumps(list(path))}
        token = self._current_token()
        if token is not None:
            headers["token"] = token
        reply = self._shared.client.request(self._shared.address, data, headers=headers, timeout=self._timeout)
        self._shared.saw(reply)
        return _field(reply, "version")

    # -- the whole store

    def undo(self) -> int:
        """Sends ``undo``: reverts the store's latest write step (a batch is one), whoever made it.
        Returns the version; CONFLICT when there is nothing to undo."""
        return self._write({"op": "undo"})

    def redo(self) -> int:
        """Sends ``redo``: re-applies the latest undone step. Returns the version; CONFLICT when there
        is nothing to redo (any new write clears the redo steps)."""
        return self._write({"op": "redo"})

    def save(self) -> int:
        """Sends ``save``: returns the version once a snapshot holding it is durable (at once on the
        memory backend)."""
        return self._write({"op": "save"})

    def lock(self, ttl: float = 30.0, timeout: Optional[float] = None) -> "Lock":
        """Sends ``lock`` with a lease of ``ttl`` seconds (at most 600), waiting up to ``timeout``
        (default these Docs') while another client holds it (then CONFLICT). Returns the held
        :class:`Lock`, renewed in the background until it is unlocked; a context manager."""
        return Lock(self, ttl, timeout)

    def unlock(self) -> Optional[int]:
        """Releases the lock this thread took with :meth:`lock` (pyzdb's ``db.unlock()``); returns the
        version. RuntimeError when this thread holds none."""
        lock = getattr(self._shared.local, "lock", None)
        if lock is None or not lock._active:
            raise RuntimeError("this thread holds no lock taken through these Docs")
        return lock.unlock()

    def batch(self) -> "Batch":
        """A :class:`Batch` of writes sent as one ``batch`` when the ``with`` block ends (or on
        :meth:`Batch.commit`): all or none, one version, one undo step."""
        return Batch(self)

    def changes(self, timeout: Optional[float] = None) -> "Subscription":
        """A :class:`conduit.Subscription` to ``<address>.changes``: every committed write as
        ``{"version", "kind", "op", "path", "value", "record"}``."""
        return self._shared.client.subscribe(self._shared.address + ".changes", timeout=timeout)

    def replica_status(self) -> Dict[str, Any]:
        """Sends ``status`` to the replica: ``{"version", "primary", "lagging"}``."""
        if self._shared.read is None:
            raise ValueError("these Docs have no read replica (client.docs(read='docs.ro'))")
        return self._send(self._shared.read, {"op": "status"})

    def __repr__(self) -> str:
        read = ", read=%r" % self._shared.read if self._shared.read else ""
        return "Docs(%r%s%s)" % (self._shared.address, read, ", locked" if self._current_token() else "")


# -- batches -------------------------------------------------------------------------------------

class Batch(Ref):
    """Writes collected to be applied together: ``b["x"] = 1``, ``b["l"].append(2)``, ``del b["y"]``
    ... record ops (and return None) instead of sending them; :meth:`commit` (or the end of a
    ``with`` block without an exception) sends ``{"op": "batch", "ops": [...]}``. All or none: a
    failing op fails the whole batch (its ConduitError names the op's index) and changes nothing.
    Reads cannot be in a batch (RuntimeError). After the commit, ``version`` and ``results`` (each
    op's value: a pop's item, an incr's number, None for most) are set. One thread builds a batch.
    """

    __slots__ = ("_docs", "_ops", "_page_size", "_name", "version", "results", "_done")

    def __init__(self, docs: Docs) -> None:
        super().__init__(self, ())
        self._docs = docs
        self._ops: List[Dict[str, Any]] = []
        self._page_size = docs._page_size
        self._name = "batch"
        self.version: Optional[int] = None
        self.results: Optional[List[Any]] = None
        self._done = False

    @property
    def ops(self) -> List[Dict[str, Any]]:
        """The ops recorded so far (copies of the JSON each is sent as)."""
        return [dict(op) for op in self._ops]

    def _read(self, body: Dict[str, Any], primary: bool = False) -> Any:
        raise RuntimeError("a batch holds writes only: read before the batch, or under db.lock()")

    def _write(self, body: Dict[str, Any], field: str = "version") -> None:
        if self._done:
            raise RuntimeError("this batch was already committed or discarded")
        self._ops.append(body)
        return None

    def _put_blob(self, path: Path, data: bytes) -> int:
        raise RuntimeError("put_blob cannot be in a batch")

    def commit(self) -> Optional[int]:
        """Sends the batch (nothing when it is empty) and returns its version."""
        if self._done:
            raise RuntimeError("this batch was already committed or discarded")
        self._done = True
        if not self._ops:
            self.results = []
            return None
        reply = self._docs._send(self._docs.address, {"op": "batch", "ops": self._ops})
        self.version = _field(reply, "version")
        self.results = list(reply.get("value") or [])
        return self.version

    def discard(self) -> None:
        """Drops the recorded ops; nothing is sent."""
        self._done = True
        self._ops = []

    def __enter__(self) -> "Batch":
        return self

    def __exit__(self, exc_type: Any, exc: Any, tb: Any) -> None:
        if exc_type is None:
            self.commit()
        else:
            self.discard()

    def __repr__(self) -> str:
        return "<Batch of %d ops on %r>" % (len(self._ops), self._docs.address)


# -- the lock ------------------------------------------------------------------------------------

class Lock:
    """The store's lock, held for a lease: made by :meth:`Docs.lock`, which waits for it.

    While it is held, every other client's requests wait (in arrival order) until it is released,
    its lease runs out, or their own timeout passes. A background thread sends ``renew`` every
    ``ttl / 3`` seconds, so the lease outlives slow work but not a dead process (nor the end of the
    thread that took it, or the client's close). ``with db.lock():``
    unlocks at the end; :meth:`unlock` does it by hand. A lock is per holder: the thread that took it
    (through the Docs it came from) and :attr:`docs`, a view of the store carrying the token.
    If the lease was lost anyway (a renew refused), :attr:`lost` holds the ConduitError and the
    unlock raises CONFLICT, since others may have written meanwhile.
    """

    def __init__(self, docs: Docs, ttl: float, timeout: Optional[float]) -> None:
        self.ttl_ms = _seconds_ms(ttl, "ttl")
        if timeout is not None:
            _seconds_ms(timeout, "timeout")
        self._from = docs
        reply = docs._send(docs.address, {"op": "lock", "ttlMs": self.ttl_ms}, timeout)
        self.token: str = _field(reply, "token")
        self.version: int = _field(reply, "version")
        self.docs: Docs = docs._view(self.token, docs._timeout)
        self.renewals = 0
        self.lost: Optional[ConduitError] = None
        self.unlocked_version: Optional[int] = None
        self._active = True
        self._holder = threading.current_thread()
        self._previous = getattr(docs._shared.local, "lock", None)
        docs._shared.local.lock = self
        self._stop = threading.Event()
        self._renewer = threading.Thread(target=self._renew_loop, name="conduit-docs-lock-renew", daemon=True)
        self._renewer.start()

    @property
    def held(self) -> bool:
        """True until unlocked or until a renew found the lease gone."""
        return self._active and self.lost is None

    def renew(self, ttl: Optional[float] = None) -> int:
        """Sends ``renew``: the lease runs ``ttl`` seconds (default the lock's) from now. Returns the
        version; CONFLICT when the lock is no longer held with this token."""
        ms = self.ttl_ms if ttl is None else _seconds_ms(ttl, "ttl")
        # bounded: a renew that waits longer than a beat is of no use, and unlock() waits for it
        reply = self.docs._send(self.docs.address, {"op": "renew", "ttlMs": ms},
                                min(5.0, max(1.0, self.ttl_ms / 3000.0)))
        return _field(reply, "version")

    def _renew_loop(self) -> None:
        try:
            while not self._stop.wait(self.ttl_ms / 3000.0):
                if not self._holder.is_alive():
                    return  # the thread that took the lock ended without unlocking: let the lease run out
                if getattr(self.docs.client, "_closed", False):
                    return  # the client was closed: nothing can renew any more
                try:
                    self.renew()
                    self.renewals += 1
                except ConduitError as e:
                    if e.code == "CONFLICT" or e.code == "BAD_REQUEST":
                        self.lost = e
                        return
                    # a slow or restarting node: try again at the next beat while the lease may last
                except Exception:  # the client was closed under us
                    return
        finally:
            _drop_thread_socket(self.docs.client)

    def unlock(self) -> Optional[int]:
        """Stops renewing and sends ``unlock``; returns the version. Unlocking twice does nothing.
        CONFLICT when the lease had run out (others may have written while you thought you held it)."""
        if not self._active:
            return self.unlocked_version
        self._active = False
        self._stop.set()
        if self._renewer is not threading.current_thread():
            self._renewer.join(timeout=6.0)  # at most one renew (5 s) in flight
        local = self._from._shared.local
        if getattr(local, "lock", None) is self:
            local.lock = self._previous
        try:
            reply = self.docs._send(self.docs.address, {"op": "unlock"})
        except ConduitError as e:
            if e.code == "CONFLICT" and self.lost is not None:
                raise ConduitError("CONFLICT", "the lock's lease was lost while held (%s); other clients may have "
                                   "written meanwhile" % self.lost.message, e.details, e.status) from None
            raise
        self.unlocked_version = _field(reply, "version")
        return self.unlocked_version

    def __enter__(self) -> "Lock":
        return self

    def __exit__(self, exc_type: Any, exc: Any, tb: Any) -> None:
        if exc_type is None:
            self.unlock()
            return
        try:
            self.unlock()
        except Exception:  # the block's own exception matters more
            pass

    def __repr__(self) -> str:
        state = "held" if self.held else ("lost" if self.lost else "released")
        return "<Lock on %r, ttl %d ms, %s>" % (self._from.address, self.ttl_ms, state)


def _drop_thread_socket(client: Any) -> None:
    """Closes the socket the client opened for the calling thread (a lock's renewer, ending), so
    that a socket does not stay open per lock ever taken."""
    local = getattr(client, "_local", None)
    conn = getattr(local, "connection", None) if local is not None else None
    if conn is None:
        return
    try:
        client._untrack(conn)
        conn.close()
    except Exception:
        pass
    local.connection = None
