"""The graph store, GrapheekDB-shaped: nodes and edges carrying JSON data, queried with chained steps.

    g = client.graph()                                   # the store at "graph"
    ann = g.add_node(kind="person", name="Ann")          # a Node: ann.id, ann["name"], ann.name
    book = g.add_node(kind="book", name="Python")
    g.add_edge(ann, book, action="bought")               # an Edge, from ann to book
    g.V(kind="person", name__icontains="an").out_(action="bought").data("name")   # [{'name': 'Python'}]
    for person in g.V(kind="person").order_by("-name").limit(10):
        print(person.id, person.name)
    g.add_node_index("kind")                             # V(kind=...) becomes a lookup

Every step returns a new :class:`Query`; nothing is sent until a result is asked for (iterating,
``count()``, ``data()``, ``ids()``, ``sum()``, ``percent()``, ``remove()``). Each result is one
request ``{"op": "query", "steps": [...]}`` to the store (docs/graph.md), built as the Java client
``io.conduit.client.graph.Graph`` builds it. Values that cannot travel (a set, NaN, an object, a
non-int id) raise TypeError before anything is sent; the store's refusals (an unknown lookup, a
missing id, a query over its time or size limit) arrive as :class:`~conduit.errors.ConduitError`
with the code (``BAD_REQUEST``, ``NOT_FOUND``, ``CONFLICT``, ``TOO_LARGE``...) and ``status``.

Hops follow GrapheekDB: for an edge from A to B, the edge's ``outV`` is B and its ``inV`` is A, so
``outE().outV()`` reaches what ``outV()`` does; ``out_(**f)`` is ``outE(**f).outV()`` and
``in_(**f)`` is ``inE(**f).inV()``. Hops keep duplicates (two paths to a node give it twice) until
``dedup()``.
"""

import io
import json
import math
import os
from collections.abc import Mapping
from contextlib import contextmanager
from typing import Any, Dict, Iterable, Iterator, List, Optional, Sequence, Tuple, Union

from . import _wire
from .errors import ConduitError

__all__ = ["Graph", "Query", "Entity", "Node", "Edge"]

EXPORT_PAGE = 1000  # entities per export request while dumping (the store allows up to 10,000)
LOAD_BATCH = 1000   # entities per load request; each request is atomic, a whole dump is not

_HOPS = ("outV", "inV", "bothV", "outE", "inE", "bothE")
_DIRECTIONS = ("out", "both")

IdLike = Union[int, "Entity"]
PathLike = Union[str, "os.PathLike[str]"]


# -- checks made before anything is sent -------------------------------------------------------

def _plain(value: Any, what: str, entities_as_ids: bool = False) -> Any:
    """``value`` as JSON carries it (tuples as lists); TypeError naming ``what`` when it cannot travel.
    In filters (``entities_as_ids``) a Node or an Edge stands for its id."""
    if value is None or isinstance(value, (bool, str, int)):
        return value
    if isinstance(value, float):
        if not math.isfinite(value):
            raise TypeError("%s: %r cannot travel as JSON" % (what, value))
        return value
    if isinstance(value, Entity):
        if entities_as_ids:
            return value.id
        raise TypeError("%s: a %s cannot be stored as data; store its .id" % (what, value._kind))
    if isinstance(value, Mapping):
        out = {}
        for k, v in value.items():
            if not isinstance(k, str):
                raise TypeError("%s: keys must be str, got %r" % (what, k))
            out[k] = _plain(v, what, entities_as_ids)
        return out
    if isinstance(value, (list, tuple)):
        return [_plain(v, what, entities_as_ids) for v in value]
    raise TypeError("%s: a %s cannot travel as JSON" % (what, type(value).__name__))


def _data(data: Any, what: str) -> Dict[str, Any]:
    if not isinstance(data, Mapping):
        raise TypeError("%s must be a dict of field names to values, not %s" % (what, type(data).__name__))
    return _plain(data, what)


def _filters(filters: Mapping, what: str) -> Dict[str, Any]:
    """``{"field__lookup": value}``; the store checks the names and lookups (400 naming the bad one)."""
    return _plain(filters, what + " filters", entities_as_ids=True)


def _whole(n: Any, what: str) -> int:
    if isinstance(n, bool) or not isinstance(n, int):
        raise TypeError("%s must be an int, not %r" % (what, n))
    return n


def _text(s: Any, what: str) -> str:
    if not isinstance(s, str):
        raise TypeError("%s must be a str, not %r" % (what, s))
    return s


def _id(target: Any, what: str, kind: Optional[str] = None) -> int:
    """The id of a Node/Edge, or an int id as given; TypeError for anything else (or the wrong kind)."""
    if isinstance(target, Entity):
        if kind is not None and target._kind != kind:
            raise TypeError("%s must be a %s (or its id), not a %s" % (what, kind, target._kind))
        return target.id
    if isinstance(target, bool) or not isinstance(target, int):
        raise TypeError("%s must be a %s or an int id, not %r" % (what, kind or "node, an edge", target))
    return target


def _bad_reply(reply: Any) -> ConduitError:
    text = repr(reply)
    return ConduitError("BAD_REPLY", "the reply is not a graph store's: "
                        + (text[:100] + "..." if len(text) > 100 else text))


# -- nodes and edges ---------------------------------------------------------------------------

class Entity:
    """A node or an edge as the store gave it: ``.id`` (unique across nodes and edges) and a
    snapshot of its data, read with ``entity["field"]``, ``entity.field`` (when no attribute or
    method has that name: ``node.kind`` and ``node.name`` are data, ``node["data"]`` needs the
    brackets), ``entity.get("field")`` or ``entity.data()``. Tell them apart with
    ``isinstance(e, Node)``. The traversal steps (``outV()``, ``out_()``, ``aka()``...) start a
    :class:`Query` from it. Equal when both are nodes (or edges) with the same id in the same store.

    Not thread-safe: ``update()``, ``replace()`` and ``refresh()`` change the snapshot in place.
    """

    _kind = "entity"  # not "kind": that is a favourite data field (GrapheekDB's own tutorial uses it)
    _start = ""

    def __init__(self, graph: "Graph", id: int, data: Optional[Dict[str, Any]] = None) -> None:
        self._graph = graph
        self.id = id
        self._data: Dict[str, Any] = dict(data or {})

    # -- data

    def data(self, *fields: str) -> Dict[str, Any]:
        """A copy of the data; only the named fields (those it has) when some are named."""
        if not fields:
            return json.loads(json.dumps(self._data))
        return {f: json.loads(json.dumps(self._data[f])) for f in fields if _text(f, "a field") in self._data}

    def __getitem__(self, field: str) -> Any:
        return self._data[field]

    def get(self, field: str, default: Any = None) -> Any:
        return self._data.get(field, default)

    def __contains__(self, field: object) -> bool:
        return field in self._data

    def keys(self) -> List[str]:
        return list(self._data)

    def __getattr__(self, name: str) -> Any:
        # only reached when no attribute or method has the name: GrapheekDB's node.name
        data = self.__dict__.get("_data")
        if data is not None and not name.startswith("_") and name in data:
            return data[name]
        raise AttributeError("%s %s has no attribute or field %r"
                             % (type(self).__name__, self.__dict__.get("id"), name))

    # -- writes

    def update(self, **fields: Any) -> None:
        """Sets these fields in the store, keeping the others (and in this snapshot)."""
        self._graph.update(self, fields)
        self._data.update(_plain(fields, "update"))

    def replace(self, **fields: Any) -> None:
        """Replaces the data in the store (and in this snapshot) with these fields."""
        self._graph.update(self, fields, replace=True)
        self._data = _plain(fields, "replace")

    def remove(self) -> int:
        """Removes it from the store (a node with its edges); how many entities went."""
        return self._graph.remove(self)

    def refresh(self) -> "Entity":
        """Reads the data again from the store; NOT_FOUND once it is gone."""
        self._data = self.query().entities()[0]._data
        return self

    # -- traversal: each starts a query at this entity

    def query(self) -> "Query":
        """A query that starts here: ``[["v", id]]`` for a node, ``[["e", id]]`` for an edge."""
        return Query(self._graph, ([self._start, self.id],))

    def outV(self, times: Optional[int] = None, /, **filters: Any) -> "Query":
        return self.query().outV(times, **filters)

    def inV(self, times: Optional[int] = None, /, **filters: Any) -> "Query":
        return self.query().inV(times, **filters)

    def bothV(self, times: Optional[int] = None, /, **filters: Any) -> "Query":
        return self.query().bothV(times, **filters)

    def outE(self, times: Optional[int] = None, /, **filters: Any) -> "Query":
        return self.query().outE(times, **filters)

    def inE(self, times: Optional[int] = None, /, **filters: Any) -> "Query":
        return self.query().inE(times, **filters)

    def bothE(self, times: Optional[int] = None, /, **filters: Any) -> "Query":
        return self.query().bothE(times, **filters)

    def out_(self, **filters: Any) -> "Query":
        return self.query().out_(**filters)

    def in_(self, **filters: Any) -> "Query":
        return self.query().in_(**filters)

    def both_(self, **filters: Any) -> "Query":
        return self.query().both_(**filters)

    def aka(self, name: str) -> "Query":
        return self.query().aka(name)

    # -- identity

    def __eq__(self, other: object) -> bool:
        return (isinstance(other, Entity) and other._kind == self._kind and other.id == self.id
                and other._graph.address == self._graph.address)

    def __hash__(self) -> int:
        return hash((self._kind, self.id))

    def __repr__(self) -> str:
        return "<%s id:%s data:%r>" % (self._kind, self.id, self._data)


class Node(Entity):
    """A node (see :class:`Entity`)."""

    _kind = "node"
    _start = "v"


class Edge(Entity):
    """An edge from the node ``from_id`` to the node ``to_id`` (see :class:`Entity`); its ``outV()``
    is the node it reaches, its ``inV()`` the node it leaves."""

    _kind = "edge"
    _start = "e"

    def __init__(self, graph: "Graph", id: int, from_id: int, to_id: int,
                 data: Optional[Dict[str, Any]] = None) -> None:
        super().__init__(graph, id, data)
        self.from_id = from_id
        self.to_id = to_id

    def __repr__(self) -> str:
        return "<edge id:%s %s->%s data:%r>" % (self.id, self.from_id, self.to_id, self._data)


# -- queries -----------------------------------------------------------------------------------

class Query:
    """A query being built: an immutable list of steps on a graph. Each step method returns a new
    Query (so a prefix can be reused); a result method sends it. Iterating sends it and yields
    :class:`Node`/:class:`Edge` objects; ``next(query)`` (or ``query.next()``) gives the entities of
    one run one at a time, GrapheekDB's ``g.V(name=...).next()``.

    Immutable and safe to share between threads, except the cursor ``next()`` advances.
    A result lists at most the store's ``maxResults`` (100,000) entities: past that the store
    answers TOO_LARGE, so add ``limit()`` (and ``skip()`` to page), or end with ``count()``.
    """

    def __init__(self, graph: "Graph", steps: Tuple[list, ...]) -> None:
        self._graph = graph
        self._steps = steps
        self._cursor: Optional[Iterator[Entity]] = None

    @property
    def steps(self) -> List[list]:
        """The steps as sent on the wire, e.g. ``[["V", {"kind": "book"}], ["outV"]]`` (a copy)."""
        return json.loads(json.dumps(list(self._steps)))

    def _with(self, name: str, *arg: Any) -> "Query":
        return Query(self._graph, self._steps + ([name, *arg],))

    # -- hops

    def _hop(self, name: str, times: Optional[int], filters: Dict[str, Any]) -> "Query":
        if times is not None:
            if filters:
                raise TypeError("%s() takes a repeat count or filters, not both" % name)
            return self._with(name, _whole(times, "%s() repeat count" % name))
        return self._with(name, _filters(filters, name + "()")) if filters else self._with(name)

    def outV(self, times: Optional[int] = None, /, **filters: Any) -> "Query":
        """The nodes reached: a node's out-neighbours; an edge's target. ``outV(3)`` hops three times."""
        return self._hop("outV", times, filters)

    def inV(self, times: Optional[int] = None, /, **filters: Any) -> "Query":
        """A node's in-neighbours; an edge's source."""
        return self._hop("inV", times, filters)

    def bothV(self, times: Optional[int] = None, /, **filters: Any) -> "Query":
        """Neighbours both ways; both ends of an edge."""
        return self._hop("bothV", times, filters)

    def outE(self, times: Optional[int] = None, /, **filters: Any) -> "Query":
        """A node's outgoing edges (from nodes only; on an edge the store answers BAD_REQUEST)."""
        return self._hop("outE", times, filters)

    def inE(self, times: Optional[int] = None, /, **filters: Any) -> "Query":
        """A node's incoming edges."""
        return self._hop("inE", times, filters)

    def bothE(self, times: Optional[int] = None, /, **filters: Any) -> "Query":
        """A node's edges both ways."""
        return self._hop("bothE", times, filters)

    def out_(self, **filters: Any) -> "Query":
        """``outE(**filters).outV()``: the nodes reached over edges matching the filters."""
        return self.outE(**filters).outV()

    def in_(self, **filters: Any) -> "Query":
        """``inE(**filters).inV()``: the nodes that reach these over edges matching the filters."""
        return self.inE(**filters).inV()

    def both_(self, **filters: Any) -> "Query":
        """``out_(**filters)`` and ``in_(**filters)`` together, as a union: each node once, unlike
        GrapheekDB's concatenation (the store has no step that keeps both lists' duplicates)."""
        return self.out_(**filters).union(self.in_(**filters))

    # -- shaping

    def limit(self, n: int) -> "Query":
        return self._with("limit", _whole(n, "limit()"))

    def skip(self, n: int) -> "Query":
        return self._with("skip", _whole(n, "skip()"))

    def dedup(self) -> "Query":
        """Each entity once, first occurrence kept."""
        return self._with("dedup")

    def without(self, *targets: IdLike) -> "Query":
        """Drops these entities (Nodes, Edges or ids)."""
        return self._with("without", [_id(t, "without()") for t in targets])

    def random(self, n: int) -> "Query":
        """``n`` of the entities, picked at random."""
        return self._with("random", _whole(n, "random()"))

    def order_by(self, *fields: str) -> "Query":
        """Sorted by a field (``"-age"`` descending): numbers, then strings, then other values, and
        entities without the field last. Several fields sort by the first, ties by the next..."""
        if not fields:
            raise TypeError("order_by() takes at least one field name")
        query = self
        for field in reversed(fields):  # the store's sort is stable: the last sort decides first
            query = query._with("orderBy", _text(field, "order_by() field"))
        return query

    def aka(self, name: str) -> "Query":
        """Names this point of the traversal, for :meth:`collect`."""
        return self._with("aka", _text(name, "aka() name"))

    def collect(self, name: str) -> "Query":
        """Goes back to the entities named ``aka(name)`` that led to the current ones, each once.
        (One name: the store does not return GrapheekDB's tuples of several names per path.)"""
        return self._with("collect", _text(name, "collect() name"))

    def _combined(self, name: str, other: "Query") -> "Query":
        if not isinstance(other, Query):
            raise TypeError("%s() takes another Query, not %s" % (name, type(other).__name__))
        return self._with(name, other.steps)

    def union(self, other: "Query") -> "Query":
        """Entities of this query or the other, each once, this query's first."""
        return self._combined("union", other)

    def intersection(self, other: "Query") -> "Query":
        return self._combined("intersection", other)

    def difference(self, other: "Query") -> "Query":
        """Entities of this query that the other does not give."""
        return self._combined("difference", other)

    def symmetric_difference(self, other: "Query") -> "Query":
        return self._combined("symmetricDifference", other)

    # -- results (each sends one request)

    def _result(self, *last: Any) -> Any:
        steps = self.steps + ([list(last)] if last else [])
        reply = self._graph._call({"op": "query", "steps": steps})
        if "result" not in reply:
            raise _bad_reply(reply)
        return reply["result"]

    def _list(self, *last: Any) -> list:
        result = self._result(*last)
        if not isinstance(result, list):
            raise _bad_reply(result)
        return result

    def entities(self) -> List[Entity]:
        """The entities as :class:`Node`/:class:`Edge` objects, in the store's order."""
        return [self._graph._entity(item) for item in self._list()]

    def __iter__(self) -> Iterator[Entity]:
        return iter(self.entities())

    def __next__(self) -> Entity:
        if self._cursor is None:
            self._cursor = iter(self.entities())
        return next(self._cursor)

    next = __next__

    def first(self) -> Optional[Entity]:
        """The first entity (sent with ``limit(1)``), or None."""
        found = self.limit(1).entities()
        return found[0] if found else None

    def data(self, *fields: str) -> List[Dict[str, Any]]:
        """Each entity's data; only the named fields when some are named."""
        names = [_text(f, "data() field") for f in fields]
        return self._list("data", names) if names else self._list("data")

    def ids(self) -> List[int]:
        return self._list("ids")

    def count(self) -> int:
        result = self._result("count")
        if isinstance(result, bool) or not isinstance(result, int):
            raise _bad_reply(result)
        return result

    def sum(self, field: Optional[str] = None) -> Any:
        """With a field: the total of its numbers (the store's ``sum``). Without: GrapheekDB's
        occurrence count, ``[(entity, times reached), ...]`` most reached first (ties in the order
        first reached)."""
        if field is not None:
            return self._result("sum", _text(field, "sum() field"))
        seen: Dict[Tuple[str, int], List[Any]] = {}
        for entity in self.entities():
            key = (entity._kind, entity.id)
            if key in seen:
                seen[key][1] += 1
            else:
                seen[key] = [entity, 1]
        return sorted(((e, n) for e, n in seen.values()), key=lambda pair: -pair[1])

    def percent(self) -> float:
        """The result's share, in percent, of all the graph's entities of its kind (the store's
        definition; 0 for an empty result)."""
        return float(self._result("percent"))

    def remove(self) -> int:
        """Removes every entity the query gives (a node with its edges) in one atomic request;
        how many entities went."""
        reply = self._graph._call({"op": "remove", "steps": self.steps})
        return self._graph._number(reply, "count")

    def __repr__(self) -> str:
        return "<Query %s %s>" % (self._graph.address, json.dumps(list(self._steps)))


# -- the graph ---------------------------------------------------------------------------------

class Graph:
    """The graph store at ``address``, reached through ``client`` (make one with
    ``client.graph(address)``). Every method is one request (``dump``/``load`` a page or batch at a
    time) and raises :class:`~conduit.errors.ConduitError` with the store's code when it refuses.

    Thread-safe: a Graph holds only its client, address and timeout, and the client gives each
    thread its own socket. Replies to different threads may be in any order; a read sees every
    write acknowledged before it was sent.
    """

    def __init__(self, client: Any, address: str = "graph", timeout: Optional[float] = None) -> None:
        self._client = client
        self.address = _wire.check_address(address)
        if timeout is not None:
            _wire.timeout_ms(timeout, 0)  # TypeError/ValueError now rather than on each request
        self.timeout = timeout

    def _call(self, body: Dict[str, Any]) -> Dict[str, Any]:
        reply = self._client.request(self.address, body, timeout=self.timeout)
        if not isinstance(reply, dict):
            raise _bad_reply(reply)
        return reply

    @staticmethod
    def _number(reply: Dict[str, Any], field: str) -> int:
        value = reply.get(field)
        if isinstance(value, bool) or not isinstance(value, int):
            raise _bad_reply(reply)
        return value

    @staticmethod
    def _numbers(reply: Dict[str, Any], field: str, expected: int) -> List[int]:
        values = reply.get(field)
        if not isinstance(values, list) or len(values) != expected:
            raise _bad_reply(reply)
        return values

    def _entity(self, item: Any) -> Entity:
        if not isinstance(item, dict) or not isinstance(item.get("id"), int):
            raise _bad_reply(item)
        if item.get("kind") == "edge":
            return Edge(self, item["id"], item.get("from"), item.get("to"), item.get("data"))
        return Node(self, item["id"], item.get("data"))

    # -- writes

    def add_node(self, **data: Any) -> Node:
        """Adds a node with this data (field names start with a letter, no ``__``)."""
        body = _data(data, "add_node")
        return Node(self, self._number(self._call({"op": "addNode", "data": body}), "id"), body)

    def add_nodes(self, items: Iterable[Mapping]) -> List[Node]:
        """Adds many nodes (at most 100,000 per call), all or none; the Nodes in order."""
        datas = [_data(d, "add_nodes: item %d" % i) for i, d in enumerate(_listed(items, "add_nodes"))]
        ids = self._numbers(self._call({"op": "addNodes", "items": datas}), "ids", len(datas))
        return [Node(self, i, d) for i, d in zip(ids, datas)]

    def add_edge(self, src: IdLike, tgt: IdLike, **data: Any) -> Edge:
        """Adds an edge from ``src`` to ``tgt`` (Nodes or node ids); NOT_FOUND when one is missing."""
        body = {"from": _id(src, "add_edge: src", "node"), "to": _id(tgt, "add_edge: tgt", "node"),
                "data": _data(data, "add_edge")}
        reply = self._call(dict(op="addEdge", **body))
        return Edge(self, self._number(reply, "id"), body["from"], body["to"], body["data"])

    def add_edges(self, items: Iterable[Sequence[Any]]) -> List[Edge]:
        """Adds many edges, each ``(src, tgt)`` or ``(src, tgt, data)``, all or none; the Edges in order."""
        edges = []
        for i, item in enumerate(_listed(items, "add_edges")):
            where = "add_edges: item %d" % i
            if not isinstance(item, (tuple, list)) or len(item) not in (2, 3):
                raise TypeError("%s must be (src, tgt) or (src, tgt, data), not %r" % (where, item))
            edges.append({"from": _id(item[0], where + " src", "node"), "to": _id(item[1], where + " tgt", "node"),
                          "data": _data(item[2] if len(item) == 3 else {}, where)})
        ids = self._numbers(self._call({"op": "addEdges", "items": edges}), "ids", len(edges))
        return [Edge(self, i, e["from"], e["to"], e["data"]) for i, e in zip(ids, edges)]

    def update(self, target: IdLike, data: Mapping, replace: bool = False) -> None:
        """Sets these fields of a node's or an edge's data, keeping the others (or, with
        ``replace=True``, replaces the data); NOT_FOUND when it is missing."""
        if not isinstance(replace, bool):
            raise TypeError("replace must be True or False, not %r" % (replace,))
        body = {"op": "update", "id": _id(target, "update: target"), "data": _data(data, "update")}
        if replace:
            body["replace"] = True
        self._number(self._call(body), "count")

    def remove(self, target: IdLike) -> int:
        """Removes a node (with its edges) or an edge; how many entities went. NOT_FOUND when missing."""
        return self._number(self._call({"op": "remove", "id": _id(target, "remove: target")}), "count")

    # -- reads

    def V(self, **filters: Any) -> Query:
        """Every node matching the ``field__lookup`` filters (an index is used when one applies)."""
        return Query(self, (["V", _filters(filters, "V()")],))

    def E(self, **filters: Any) -> Query:
        """Every edge matching the filters."""
        return Query(self, (["E", _filters(filters, "E()")],))

    def v(self, id: IdLike) -> Node:
        """The node with this id (NOT_FOUND when there is none)."""
        return self._one("v", _id(id, "v()", "node"))  # type: ignore[return-value]

    def e(self, id: IdLike) -> Edge:
        """The edge with this id (NOT_FOUND when there is none)."""
        return self._one("e", _id(id, "e()", "edge"))  # type: ignore[return-value]

    def _one(self, step: str, id: int) -> Entity:
        found = Query(self, ([step, id],)).entities()
        if len(found) != 1:
            raise _bad_reply(found)
        return found[0]

    def shortest_path(self, src: IdLike, tgt: IdLike, weight: Optional[str] = None,
                      direction: str = "out") -> Query:
        """The nodes of a cheapest path from ``src`` to ``tgt`` (Dijkstra; each edge costs its
        ``weight`` field, 1 without one), following edges from→to, or both ways with
        ``direction="both"``; an empty result when there is none. A Query: iterate it, or chain
        ``data("name")``."""
        arg: Dict[str, Any] = {"from": _id(src, "shortest_path: src", "node"),
                               "to": _id(tgt, "shortest_path: tgt", "node")}
        if weight is not None:
            arg["weight"] = _text(weight, "shortest_path: weight")
        if _text(direction, "shortest_path: direction") != "out":
            arg["direction"] = direction
        return Query(self, (["shortestPath", arg],))

    def query(self, steps: Sequence[Sequence[Any]]) -> Query:
        """A query from raw steps, as ``[["V", {"kind": "book"}], ["outV"]]`` (docs/graph.md)."""
        if not isinstance(steps, (list, tuple)) or not all(isinstance(s, (list, tuple)) for s in steps):
            raise TypeError("steps must be a list of [name] or [name, argument] lists")
        return Query(self, tuple(_plain(list(s), "query steps", entities_as_ids=True) for s in steps))

    def info(self) -> Dict[str, Any]:
        """``{"nodes", "edges", "indexes", "nextId"}``."""
        return self._call({"op": "info"})

    def script(self, name: str, args: Optional[Mapping] = None) -> Any:
        """Runs a server script by name as one transaction; its result (NOT_FOUND for an unknown name)."""
        if args is not None and not isinstance(args, Mapping):
            raise TypeError("script args must be a dict, not %s" % type(args).__name__)
        body = {"op": "script", "name": _text(name, "script name"),
                "args": _plain(args or {}, "script args", entities_as_ids=True)}
        return self._call(body).get("result")

    # -- indexes

    def create_index(self, on: str, fields: Sequence[str], filters: Optional[Mapping] = None,
                     name: Optional[str] = None) -> str:
        """Indexes nodes (``on="node"``) or edges by these fields, only those matching ``filters``
        when given (a partial index); returns its name once it is built. CONFLICT when it exists."""
        if isinstance(fields, str) or not isinstance(fields, (list, tuple)):
            raise TypeError("fields must be a list of field names, not %r" % (fields,))
        body: Dict[str, Any] = {"op": "createIndex", "on": _text(on, "on"),
                                "fields": [_text(f, "an index field") for f in fields]}
        if filters:
            body["filters"] = _filters(filters, "index")
        if name is not None:
            body["name"] = _text(name, "index name")
        reply = self._call(body)
        if not isinstance(reply.get("name"), str):
            raise _bad_reply(reply)
        return reply["name"]

    def add_node_index(self, *fields: str, **filters: Any) -> str:
        """Indexes nodes by these fields; filters make it partial. ``g.add_node_index("kind")``."""
        return self.create_index("node", fields, filters)

    def add_edge_index(self, *fields: str, **filters: Any) -> str:
        """Indexes edges by these fields; filters make it partial."""
        return self.create_index("edge", fields, filters)

    def remove_node_index(self, *fields: str, **filters: Any) -> None:
        """Drops the node index on these fields (and partial filters); NOT_FOUND when there is none."""
        self._remove_index("node", fields, filters)

    def remove_edge_index(self, *fields: str, **filters: Any) -> None:
        """Drops the edge index on these fields (and partial filters); NOT_FOUND when there is none."""
        self._remove_index("edge", fields, filters)

    def _remove_index(self, on: str, fields: Sequence[str], filters: Mapping) -> None:
        wanted = {_text(f, "an index field") for f in fields}
        partial = _filters(filters, "index")
        for index in self.indexes():
            if index.get("on") == on and set(index.get("fields") or ()) == wanted \
                    and (index.get("filters") or {}) == partial:
                self.drop_index(index["name"])
                return
        raise ConduitError("NOT_FOUND", "no %s index on %s%s" % (
            on, ", ".join(sorted(wanted)), " where %s" % json.dumps(partial) if partial else ""), status=404)

    def drop_index(self, name: str) -> None:
        """Drops an index by name; NOT_FOUND when there is none."""
        self._number(self._call({"op": "dropIndex", "name": _text(name, "index name")}), "count")

    def indexes(self) -> List[Dict[str, Any]]:
        """Each index: ``{"name", "on", "fields", "filters", "size", "ready"}``."""
        reply = self._call({"op": "listIndexes"})
        if not isinstance(reply.get("indexes"), list):
            raise _bad_reply(reply)
        return reply["indexes"]

    # -- dump and load

    def dump(self, file: Union[PathLike, Any]) -> int:
        """Writes the whole graph as JSON lines (one entity per line, in id order, nodes before the
        edges that use them: the Java client's ``exportTo`` format) to a path or an open text or
        binary file, a page at a time; the number of entities written. Pages are read one after
        another, so writes made meanwhile may or may not be in the dump."""
        written = 0
        after: Optional[int] = None
        with _opened(file, "w") as (out, binary):
            while True:
                page = self._call({"op": "export", "after": after, "limit": EXPORT_PAGE})
                items = page.get("items")
                if not isinstance(items, list):
                    raise _bad_reply(page)
                for item in items:
                    line = json.dumps(item, separators=(",", ":"), ensure_ascii=False) + "\n"
                    out.write(line.encode("utf-8") if binary else line)
                written += len(items)
                after = page.get("next")
                if after is None:
                    return written

    def load(self, file: Union[PathLike, Any]) -> int:
        """Adds the entities of a dump (a path or an open file), keeping their ids, in atomic
        requests of 1,000; the number loaded. CONFLICT when an id is taken, ValueError for a line
        that is not a JSON object: the requests before stay loaded."""
        loaded = 0
        with _opened(file, "r") as (source, binary):
            batch: List[Any] = []
            for number, line in enumerate(source, 1):
                text = line.decode("utf-8") if binary else line
                if not text.strip():
                    continue
                try:
                    item = json.loads(text)
                except ValueError as e:
                    raise ValueError("line %d of the dump is not JSON: %s" % (number, e)) from None
                if not isinstance(item, dict):
                    raise ValueError("line %d of the dump is not an entity object: %.100s" % (number, text))
                batch.append(item)
                if len(batch) == LOAD_BATCH:
                    loaded += self._number(self._call({"op": "load", "items": batch}), "count")
                    batch = []
            if batch:
                loaded += self._number(self._call({"op": "load", "items": batch}), "count")
        return loaded

    def __repr__(self) -> str:
        return "<Graph %s via %s>" % (self.address, getattr(self._client, "endpoint", "?"))


def _listed(items: Any, what: str) -> list:
    if isinstance(items, (str, bytes, Mapping)) or not isinstance(items, Iterable):
        raise TypeError("%s takes a list, not %s" % (what, type(items).__name__))
    return list(items)


@contextmanager
def _opened(file: Any, mode: str) -> Iterator[Tuple[Any, bool]]:
    """(file object, whether it takes bytes): opens a path (and closes it), or uses an open file."""
    if isinstance(file, (str, os.PathLike)):
        with open(file, mode, encoding="utf-8", newline="\n" if mode == "w" else None) as f:
            yield f, False
        return
    if not hasattr(file, "write" if mode == "w" else "__iter__"):
        raise TypeError("expected a path or an open file, not %s" % type(file).__name__)
    binary = isinstance(file, (io.RawIOBase, io.BufferedIOBase)) or "b" in getattr(file, "mode", "")
    yield file, binary
