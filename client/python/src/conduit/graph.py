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
``io.conduit.client.graph.Graph`` builds it, GrapheekDB's per-path forms (``without("x")``,
``dedup("x")``, ``collect("x", "y")``) and the batch ``update()`` included. Values that cannot travel
(a set, NaN, an object, a non-int id) raise TypeError before anything is sent; mistakes the client
can see in a query (an alias no ``aka`` names, an edge step after edges, a repeat count past 100,
nodes combined with edges) raise ConduitError ``BAD_REQUEST`` there too (module ``_graph_steps``),
as the store would answer them. The store's
refusals (an unknown lookup, a missing id, a query over its time or size limit) arrive as
:class:`~conduit.errors.ConduitError` with the code (``BAD_REQUEST``, ``NOT_FOUND``, ``CONFLICT``,
``TOO_LARGE``...) and ``status``.

Hops follow GrapheekDB: for an edge from A to B, the edge's ``outV`` is B and its ``inV`` is A, so
``outE().outV()`` reaches what ``outV()`` does; ``out_(**f)`` is ``outE(**f).outV()`` and
``in_(**f)`` is ``inE(**f).inV()``. Hops keep duplicates (two paths to a node give it twice) until
``dedup()``.
"""

import io
import json
import math
import os
import re
from collections.abc import Mapping
from contextlib import contextmanager
from typing import Any, Dict, Iterable, Iterator, List, Optional, Sequence, Tuple, Union

from . import _wire
from ._graph_dot import Dot
from ._graph_steps import check_hop, check_named, kind_of, refused, start_step
from .errors import ConduitError

__all__ = ["Graph", "Query", "Entity", "Node", "Edge", "Occurrences", "Dot"]

EXPORT_PAGE = 1000  # entities per export request while dumping (the store allows up to 10,000)
LOAD_BATCH = 1000   # entities per load request; each request is atomic, a whole dump is not
MAX_REPEAT = 100    # a hop's repeat count, as the store bounds it

_HOPS = ("outV", "inV", "bothV", "outE", "inE", "bothE")
_ALIAS_FIELD = re.compile(r"_\.([A-Za-z_][A-Za-z0-9_]*)\.([A-Za-z][A-Za-z0-9_]*)")  # GrapheekDB's "_.x.weight"
_NODE_HOPS = ("outV", "inV", "bothV")  # the hops an edge has (its ends)
_SET_STEPS = {"union": "union", "intersection": "intersection", "difference": "difference",
              "symmetric_difference": "symmetricDifference"}

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


def _flag(value: Any, what: str) -> bool:
    if not isinstance(value, bool):
        raise TypeError("%s must be True or False, not %r" % (what, value))
    return value


def _repeat(times: Any, what: str) -> int:
    """A hop's repeat count, 1 to 100 as the store takes it: checked here because a count with
    filters is written out as that many filtered steps before it is sent."""
    n = _whole(times, "%s repeat count" % what)
    if not 1 <= n <= MAX_REPEAT:
        raise refused("%s: a repeat count is a whole number from 1 to %d, got %d" % (what, MAX_REPEAT, n))
    return n


def _flat(rows: List[Any], fields: List[str]) -> List[List[Any]]:
    """GrapheekDB's ``flat=True``: each data object as the list of the named fields' values (None
    for a field it lacks)."""
    if not all(isinstance(row, dict) for row in rows):
        raise _bad_reply(rows)
    return [[row.get(f) for f in fields] for row in rows]


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

    Setting a field, ``node.name = "Bo"`` (GrapheekDB's form), is ``node.update(name="Bo")``: one
    request. Not thread-safe: ``update()``, ``replace()`` and ``refresh()`` change the snapshot in place.
    """

    _kind = "entity"  # not "kind": that is a favourite data field (GrapheekDB's own tutorial uses it)
    _start = ""
    _OWN = frozenset(("id", "from_id", "to_id"))  # the object's own attributes, never data

    def __init__(self, graph: "Graph", id: int, data: Optional[Dict[str, Any]] = None) -> None:
        self._graph = graph
        self.id = id
        self._data: Dict[str, Any] = dict(data or {})

    def __setattr__(self, name: str, value: Any) -> None:
        # GrapheekDB's node.field = value writes the field, as reading node.field reads it
        if name.startswith("_") or name in self._OWN or hasattr(type(self), name):
            object.__setattr__(self, name, value)
        else:
            self.update(**{name: value})

    def get_id(self) -> int:
        """GrapheekDB's name for ``.id``."""
        return self.id

    # -- data

    def data(self, *fields: str, flat: bool = False) -> Any:
        """A copy of the data; only the named fields (those it has) when some are named. With
        ``flat=True`` (GrapheekDB's), the named fields' values as a list, in the order named (None
        for a field it lacks)."""
        names = [_text(f, "a field") for f in fields]
        if _flag(flat, "flat"):
            if not names:
                raise TypeError("data(flat=True) takes the field names, in the order wanted")
            return _flat([self.data()], names)[0]
        if not names:
            return json.loads(json.dumps(self._data))
        return {f: json.loads(json.dumps(self._data[f])) for f in names if f in self._data}

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

    def out_(self, times: Optional[int] = None, /, **filters: Any) -> "Query":
        return self.query().out_(times, **filters)

    def in_(self, times: Optional[int] = None, /, **filters: Any) -> "Query":
        return self.query().in_(times, **filters)

    def both_(self, times: Optional[int] = None, /, **filters: Any) -> "Query":
        return self.query().both_(times, **filters)

    def random(self, step: str, times: Optional[int] = None, /, **filters: Any) -> "Query":
        """GrapheekDB's ``node.random("outV")``: one neighbour (or edge) picked at random among
        those the hop reaches that match the filters; see :meth:`Query.random`."""
        return self.query().random(_text(step, "random() hop"), times, **filters)

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
    The set operators are GrapheekDB's: ``q1 | q2`` (union), ``&``, ``-``, ``^``, and ``q1 <= q2``
    (every entity of q1 is in q2: one request), ``>=``.
    """

    def __init__(self, graph: "Graph", steps: Tuple[list, ...]) -> None:
        self._graph = graph
        self._steps = steps
        self._cursor: Optional[Iterator[Entity]] = None

    @property
    def steps(self) -> List[list]:
        """The steps as sent on the wire, e.g. ``[["V", {"kind": "book"}], ["outV"]]`` (a copy)."""
        return json.loads(json.dumps(list(self._steps)))

    def _then(self, *steps: list) -> "Query":
        return Query(self._graph, self._steps + steps)

    def _with(self, name: str, *arg: Any) -> "Query":
        return self._then([name, *arg])

    # -- hops

    def _hop(self, name: str, times: Optional[int], filters: Dict[str, Any], what: str = "") -> "Query":
        check_hop(self._steps, name, (what or name) + "()")
        f = [_filters(filters, (what or name) + "()")] if filters else []
        if times is None:
            return self._then([name, *f])
        n = _repeat(times, name + "()")
        if not f:
            return self._with(name, n)  # the store repeats it
        # GrapheekDB filters every hop of outV(2, since=1991); the store's count takes no filters
        return self._then(*([name, *f] for _ in range(n)))

    def outV(self, times: Optional[int] = None, /, **filters: Any) -> "Query":
        """The nodes reached: a node's out-neighbours; an edge's target. ``outV(3)`` hops three
        times, ``outV(2, kind="x")`` twice, keeping only ``kind="x"`` nodes at each hop."""
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

    def out_(self, times: Optional[int] = None, /, **filters: Any) -> "Query":
        """``outE(**filters).outV()``: the nodes reached over edges matching the filters;
        ``out_(2, since=1991)`` does it twice (both hops over matching edges)."""
        query = self
        for _ in range(1 if times is None else _repeat(times, "out_()")):
            query = query.outE(**filters).outV()
        return query

    def in_(self, times: Optional[int] = None, /, **filters: Any) -> "Query":
        """``inE(**filters).inV()``: the nodes that reach these over edges matching the filters."""
        query = self
        for _ in range(1 if times is None else _repeat(times, "in_()")):
            query = query.inE(**filters).inV()
        return query

    def both_(self, times: Optional[int] = None, /, **filters: Any) -> "Query":
        """``out_(**filters)`` and ``in_(**filters)`` together (the store's ``both``): from each
        node, the node at the other end of each of its edges that match the filters, out-edges
        first, duplicates kept; a loop back to the node itself is not a neighbour."""
        return self._hop("both", times, filters, "both_")

    # -- shaping

    def limit(self, n: int) -> "Query":
        return self._with("limit", _whole(n, "limit()"))

    def skip(self, n: int) -> "Query":
        return self._with("skip", _whole(n, "skip()"))

    def dedup(self, *aliases: str) -> "Query":
        """Each entity once, first occurrence kept. ``dedup("x")`` (GrapheekDB's): each entity once
        per entity that ``aka("x")`` named on its path."""
        if not aliases:
            return self._with("dedup")
        check_named(self._steps, aliases, "dedup()")
        return self._with("dedup", list(aliases))

    def without(self, *targets: Union[IdLike, str]) -> "Query":
        """Drops these entities (Nodes, Edges or ids); an aka name (GrapheekDB's ``without("x")``)
        drops, on each path, the entity ``aka("x")`` named on that path."""
        names = [t for t in targets if isinstance(t, str)]
        check_named(self._steps, names, "without()")
        return self._with("without", [t if isinstance(t, str) else _id(t, "without()") for t in targets])

    def random(self, what: Union[int, str], times: Optional[int] = None, /, **filters: Any) -> "Query":
        """``random(n)``: ``n`` of the entities, picked at random. ``random("outV", **filters)``
        (GrapheekDB's): for each entity, one of the entities that hop reaches (among those matching
        the filters), picked at random; an entity that reaches none drops out. With a count,
        ``random("outV", 3)``, a random walk of three such hops. Edges have only outV, inV and
        bothV; an unknown hop is BAD_REQUEST before anything is sent."""
        if not isinstance(what, str):
            if times is not None or filters:
                raise TypeError("random(n) takes no repeat count or filters: those go with random(hop, ...)")
            return self._with("random", _whole(what, "random()"))
        from_edges = kind_of(self._steps) == "edge"
        hops = _NODE_HOPS if from_edges else _HOPS
        if what not in hops:
            raise refused("random(%r): not a hop%s (expected one of %s)"
                          % (what, " from edges" if from_edges else "", ", ".join(hops)))
        hop: Dict[str, Any] = {"hop": what}
        if filters:
            hop["filters"] = _filters(filters, "random()")
        return self._then(*(["random", hop] for _ in range(1 if times is None else _repeat(times, "random()"))))

    def order_by(self, *fields: str) -> "Query":
        """Sorted by a field (``"-age"`` descending, ``"+age"`` or ``"age"`` ascending): numbers,
        then strings, then other values, and entities without the field last. Several fields sort by
        the first, ties by the next..."""
        if not fields:
            raise TypeError("order_by() takes at least one field name")
        query = self
        for field in reversed(fields):  # the store's sort is stable: the last sort decides first
            clause = _text(field, "order_by() field")
            if clause.startswith("+"):  # GrapheekDB's explicit ascending
                clause = clause[1:]
                if clause[:1] in ("", "+", "-"):
                    raise refused("order_by(%r): a field name follows the + or -" % (field,))
            query = query._with("orderBy", clause)
        return query

    def aka(self, name: str) -> "Query":
        """Names this point of the traversal, for :meth:`collect`, ``without(name)`` and ``dedup(name)``."""
        return self._with("aka", _text(name, "aka() name"))

    def collect(self, *names: str) -> Any:
        """One name: a Query going back to the entities ``aka(name)`` named that led to the current
        ones, each once (the store's step). Several names, ``collect("x", "y")`` (GrapheekDB's): a
        list with one row per entity reached, ``[entity named x, entity named y]`` on its way (the
        store's ``select``; one request)."""
        if not names:
            raise TypeError("collect() takes one aka name or more")
        check_named(self._steps, names, "collect()")
        if len(names) == 1:
            return self._with("collect", names[0])
        rows = self._result("select", list(names))
        if not all(isinstance(row, list) and len(row) == len(names) for row in rows):
            raise _bad_reply(rows)
        return [[None if item is None else self._graph._entity(item) for item in row] for row in rows]

    def _combined(self, method: str, other: "Query") -> "Query":
        if not isinstance(other, Query):
            raise TypeError("%s() takes another Query, not %s" % (method, type(other).__name__))
        mine, theirs = kind_of(self._steps), kind_of(other._steps)
        if mine and theirs and mine != theirs:
            raise refused("%s() of %ss with %ss: a set holds one kind, as in GrapheekDB" % (method, mine, theirs))
        return self._with(_SET_STEPS[method], other.steps)

    def union(self, other: "Query") -> "Query":
        """Entities of this query or the other, each once, this query's first."""
        return self._combined("union", other)

    def intersection(self, other: "Query") -> "Query":
        return self._combined("intersection", other)

    def difference(self, other: "Query") -> "Query":
        """Entities of this query that the other does not give."""
        return self._combined("difference", other)

    def symmetric_difference(self, other: "Query") -> "Query":
        return self._combined("symmetric_difference", other)

    def issubset(self, other: "Query") -> bool:
        """Whether every entity of this query is one of the other's (one request)."""
        if not isinstance(other, Query):
            raise TypeError("issubset() takes another Query, not %s" % type(other).__name__)
        return self._combined("difference", other).count() == 0

    def issuperset(self, other: "Query") -> bool:
        """Whether every entity of the other query is one of this one's (one request)."""
        if not isinstance(other, Query):
            raise TypeError("issuperset() takes another Query, not %s" % type(other).__name__)
        return other.issubset(self)

    def __or__(self, other: object) -> "Query":
        return self.union(other) if isinstance(other, Query) else NotImplemented

    def __and__(self, other: object) -> "Query":
        return self.intersection(other) if isinstance(other, Query) else NotImplemented

    def __sub__(self, other: object) -> "Query":
        return self.difference(other) if isinstance(other, Query) else NotImplemented

    def __xor__(self, other: object) -> "Query":
        return self.symmetric_difference(other) if isinstance(other, Query) else NotImplemented

    def __le__(self, other: object) -> bool:
        return self.issubset(other) if isinstance(other, Query) else NotImplemented

    def __ge__(self, other: object) -> bool:
        return self.issuperset(other) if isinstance(other, Query) else NotImplemented

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

    def all(self) -> List[Entity]:
        """GrapheekDB's name for :meth:`entities`."""
        return self.entities()

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

    def data(self, *fields: str, flat: bool = False) -> List[Any]:
        """Each entity's data; only the named fields when some are named. With ``flat=True``
        (GrapheekDB's), each entity's values of the named fields as a list, in the order named
        (None for a field it lacks)."""
        names = [_text(f, "data() field") for f in fields]
        if _flag(flat, "flat") and not names:
            raise TypeError("data(flat=True) takes the field names, in the order wanted")
        rows = self._list("data", names) if names else self._list("data")
        return _flat(rows, names) if flat else rows

    def ids(self) -> List[int]:
        return self._list("ids")

    def count(self) -> int:
        result = self._result("count")
        if isinstance(result, bool) or not isinstance(result, int):
            raise _bad_reply(result)
        return result

    def sum(self, field: Optional[str] = None, asc: bool = False) -> Any:
        """With a field: the total of its numbers (the store's ``sum``). Without (GrapheekDB's
        occurrence count): :meth:`group_count`, most reached first, ``asc=True`` least first.
        GrapheekDB's ``sum("_.x.weight")`` (the field of what ``aka("x")`` named) is
        ``group_count(field="weight", of="x")``; other expressions are Python, which a request may
        not carry."""
        ascending = _flag(asc, "asc")
        if field is not None:
            text = _text(field, "sum() field")
            alias = _ALIAS_FIELD.fullmatch(text)
            if alias:
                return self.group_count(field=alias.group(2), of=alias.group(1), asc=ascending)
            if ascending:
                raise TypeError("sum(field) is a total: asc= orders the occurrence count, sum(asc=True)")
            return self._result("sum", text)
        return self.group_count(asc=ascending)

    def group_count(self, field: Optional[str] = None, of: Optional[str] = None, percent: bool = False,
                    asc: bool = False) -> "Occurrences":
        """Each entity reached with how often (the store's ``groupCount``; one request), as
        :class:`Occurrences` ``[(entity, n), ...]``, largest first (``asc=True``: smallest first),
        ties in the order first reached. With ``field``, the total of that field's numbers over the
        entity's arrivals; with ``of`` too, the field of the entity ``aka(of)`` named on each way;
        with ``percent=True``, each total's share of the sum of all, from 0 to 1."""
        arg: Dict[str, Any] = {}
        if field is not None:
            arg["field"] = _text(field, "group_count() field")
        if of is not None:
            if field is None:
                raise TypeError("group_count(of=...) names whose field to add up: give field= too")
            check_named(self._steps, [of], "group_count()")
            arg["of"] = of
        if _flag(percent, "percent"):
            arg["percent"] = True
        if _flag(asc, "asc"):
            arg["asc"] = True
        pairs = []
        for pair in self._list("groupCount", arg):
            if not (isinstance(pair, list) and len(pair) == 2 and isinstance(pair[1], (int, float))):
                raise _bad_reply(pair)
            pairs.append((self._graph._entity(pair[0]), pair[1]))
        return Occurrences(self._graph, pairs)

    def percent(self) -> float:
        """The result's share, in percent, of all the graph's entities of its kind (the store's
        definition; 0 for an empty result)."""
        return float(self._result("percent"))

    def remove(self) -> int:
        """Removes every entity the query gives (a node with its edges) in one atomic request;
        how many entities went."""
        reply = self._graph._call({"op": "remove", "steps": self.steps})
        return self._graph._number(reply, "count")

    def update(self, **fields: Any) -> int:
        """Sets these fields on every entity the query gives, keeping their other fields
        (GrapheekDB's batch update), in one atomic request; how many were updated (each once)."""
        data = _data(fields, "update")
        return self._graph._number(self._graph._call({"op": "update", "steps": self.steps, "data": data}), "count")

    def dot(self, node_label: Optional[str] = None, edge_label: Optional[str] = None, limit: int = 100) -> Dot:
        """GrapheekDB's Graphviz view: ``q.dot("name", "action").to_dot()`` is DOT text of up to
        ``limit`` of the entities and the edges between them (see :class:`Dot`)."""
        return Dot(self, node_label, edge_label, limit)

    def to_dot(self, node_label: Optional[str] = None, edge_label: Optional[str] = None, limit: int = 100) -> str:
        """``dot(...).to_dot()``: the DOT text, read now (two requests)."""
        return self.dot(node_label, edge_label, limit).to_dot()

    def __repr__(self) -> str:
        return "<Query %s %s>" % (self._graph.address, json.dumps(self.steps))


class Occurrences(list):
    """GrapheekDB's ``q.sum()``: a list of ``(entity, times reached)`` pairs, with its ``limit(n)``
    (the first n pairs) and ``entities()`` (a Query starting at those entities, in that order)."""

    def __init__(self, graph: "Graph", pairs: Iterable[Tuple[Entity, int]]) -> None:
        super().__init__(pairs)
        self._graph = graph

    def limit(self, n: int) -> "Occurrences":
        if _whole(n, "limit()") < 0:
            raise ValueError("limit() takes 0 or more, got %d" % n)
        return Occurrences(self._graph, self[:n])

    def entities(self) -> Query:
        return Query(self._graph, (start_step([e for e, _ in self]),))


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
        self._closed = False

    def close(self) -> None:
        """GrapheekDB's ``g.close()``: this Graph sends nothing more (UNAVAILABLE); the client and
        the store stay as they are. Safe to call twice."""
        self._closed = True

    def _open(self) -> None:
        if self._closed:
            raise ConduitError("UNAVAILABLE", "the graph %r was closed" % self.address)

    def _call(self, body: Dict[str, Any]) -> Dict[str, Any]:
        self._open()
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

    def bulk_add_node(self, node_defns: Iterable[Mapping], silent: bool = False) -> Optional[List[Node]]:
        """GrapheekDB's name for :meth:`add_nodes` (all or none); None with ``silent=True``."""
        quiet = _flag(silent, "silent")
        nodes = self.add_nodes(node_defns)
        return None if quiet else nodes

    def bulk_add_edge(self, edge_defns: Iterable[Sequence[Any]], silent: bool = False) -> Optional[List[Edge]]:
        """GrapheekDB's form of :meth:`add_edges`: each edge ``(src, tgt, data)``, the data always
        given; all or none; None with ``silent=True``."""
        quiet = _flag(silent, "silent")
        items = _listed(edge_defns, "bulk_add_edge")
        for i, item in enumerate(items):
            if not isinstance(item, (tuple, list)) or len(item) != 3:
                raise TypeError("bulk_add_edge: item %d must be (src, tgt, data), not %r" % (i, item))
        edges = self.add_edges(items)
        return None if quiet else edges

    def add_edge_by_ids(self, src: int, tgt: int, **data: Any) -> Edge:
        """GrapheekDB's name for :meth:`add_edge` given two node ids."""
        return self.add_edge(_id(src, "add_edge_by_ids: src", "node"), _id(tgt, "add_edge_by_ids: tgt", "node"),
                             **data)

    def bulk_add_edge_by_ids(self, edge_defns: Iterable[Sequence[Any]], silent: bool = False) -> Optional[List[Edge]]:
        """GrapheekDB's form of :meth:`add_edges` with node ids: each ``(src_id, tgt_id, data)``."""
        return self.bulk_add_edge(edge_defns, silent)

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

    # -- set operations, GrapheekDB's g.union(q1, q2, ...)

    def _chained(self, method: str, queries: Sequence[Query]) -> Query:
        if not queries:
            raise TypeError("%s() takes one query or more" % method)
        for query in queries:
            if not isinstance(query, Query):
                raise TypeError("%s() takes queries, not %s" % (method, type(query).__name__))
        result = queries[0] if len(queries) > 1 else queries[0].dedup()  # a set of one: each entity once
        for other in queries[1:]:
            result = result._combined(method, other)
        return result

    def union(self, *queries: Query) -> Query:
        """The entities of any of the queries, each once, in the order first given (one request
        when sent). Nodes and edges do not mix: BAD_REQUEST before anything is sent."""
        return self._chained("union", queries)

    def intersection(self, *queries: Query) -> Query:
        """The entities of the first query that every other one gives too."""
        return self._chained("intersection", queries)

    def difference(self, *queries: Query) -> Query:
        """The entities of the first query that none of the others gives."""
        return self._chained("difference", queries)

    def symmetric_difference(self, *queries: Query) -> Query:
        """The entities given by an odd number of the queries (taken two at a time, left to right)."""
        return self._chained("symmetric_difference", queries)

    def issubset(self, query: Query, other: Query) -> bool:
        """Whether every entity of ``query`` is one of ``other``'s (one request)."""
        if not isinstance(query, Query):
            raise TypeError("issubset() takes queries, not %s" % type(query).__name__)
        return query.issubset(other)

    def issuperset(self, query: Query, other: Query) -> bool:
        """Whether every entity of ``other`` is one of ``query``'s (one request)."""
        if not isinstance(query, Query):
            raise TypeError("issuperset() takes queries, not %s" % type(query).__name__)
        return query.issuperset(other)

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

    def create_index(self, on: str, fields: Sequence[str] = (), filters: Optional[Mapping] = None,
                     name: Optional[str] = None, unique: bool = False) -> str:
        """Indexes nodes (``on="node"``) or edges by these fields, only those matching ``filters``
        when given (a partial index; with filters and no fields, the set of entities that match
        them); returns its name once it is built. CONFLICT when it exists. With ``unique=True``
        (fields required), a write that would give two of its entities the same values is refused
        with CONFLICT naming the index and the key, and changes nothing; CONFLICT too when the
        graph already holds such entities."""
        if isinstance(fields, str) or not isinstance(fields, (list, tuple)):
            raise TypeError("fields must be a list of field names, not %r" % (fields,))
        body: Dict[str, Any] = {"op": "createIndex", "on": _text(on, "on"),
                                "fields": [_text(f, "an index field") for f in fields]}
        if filters:
            body["filters"] = _filters(filters, "index")
        if name is not None:
            body["name"] = _text(name, "index name")
        if _flag(unique, "unique"):
            if not fields:
                raise TypeError("a unique index needs fields: the values no two entities may share")
            body["unique"] = True
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

    def get_node_indexes(self) -> List[List[Any]]:
        """GrapheekDB's list of the node indexes: ``[[fields (sorted), filters], ...]``."""
        return [[sorted(i.get("fields") or ()), dict(i.get("filters") or {})]
                for i in self.indexes() if i.get("on") == "node"]

    def get_edge_indexes(self) -> List[List[Any]]:
        """GrapheekDB's list of the edge indexes: ``[[fields (sorted), filters], ...]``."""
        return [[sorted(i.get("fields") or ()), dict(i.get("filters") or {})]
                for i in self.indexes() if i.get("on") == "edge"]

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
