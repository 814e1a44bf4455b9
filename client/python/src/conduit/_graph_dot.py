"""Graphviz DOT text of a query's result: GrapheekDB's ``q.dot("name").to_dot()``, which IPython's
gvmagic (``%dotobj``) draws. Built in the client from two requests: the entities, then the edges
between those nodes (or the nodes at the ends of those edges)."""

import json
from typing import TYPE_CHECKING, Any, Dict, List, Optional

if TYPE_CHECKING:
    from .graph import Entity, Query


class Dot:
    """What ``q.dot(node_label, edge_label, limit)`` gives: nothing is read until ``to_dot()`` (or
    ``str()``). Nodes are labelled with their ``node_label`` field (their id without one), edges
    with their ``edge_label`` field (no label without one). A query of nodes shows up to ``limit`` of
    them and the edges between them; a query of edges, up to ``limit`` edges and their ends."""

    def __init__(self, query: "Query", node_label: Optional[str] = None, edge_label: Optional[str] = None,
                 limit: int = 100) -> None:
        for what, label in (("node_label", node_label), ("edge_label", edge_label)):
            if label is not None and not isinstance(label, str):
                raise TypeError("dot(): %s must be a field name, not %r" % (what, label))
        if isinstance(limit, bool) or not isinstance(limit, int):
            raise TypeError("dot(): limit must be an int, not %r" % (limit,))
        if limit < 1:
            raise ValueError("dot(): limit must be at least 1, got %d" % limit)
        self._query, self.node_label, self.edge_label, self.limit = query, node_label, edge_label, limit

    def to_dot(self) -> str:
        from .graph import Query  # graph.py imports this module

        graph = self._query._graph
        found = self._query.dedup().limit(self.limit).entities()
        nodes: List["Entity"] = []
        edges: List["Entity"] = []
        if found and found[0]._kind == "edge":
            edges = found
            ends = sorted({end for e in edges for end in (e.from_id, e.to_id)})  # type: ignore[attr-defined]
            if self.node_label is None:  # the ids are the labels: nothing more to read
                nodes = [graph._entity({"id": i, "kind": "node"}) for i in ends]
            else:
                nodes = Query(graph, (["v", ends],)).entities()
        elif found:
            nodes = found
            ids = {n.id for n in nodes}
            edges = [e for e in Query(graph, (["v", sorted(ids)], ["outE"])).entities()
                     if e.to_id in ids]  # type: ignore[attr-defined]
        lines = ["digraph G {"]
        for node in nodes:
            lines.append('"n%d" [label="%s"];' % (node.id, _label(node.data(), self.node_label, node.id)))
        for edge in edges:
            lines.append('"n%d" -> "n%d" [label="%s"];' % (edge.from_id, edge.to_id,  # type: ignore[attr-defined]
                                                            _label(edge.data(), self.edge_label, "")))
        lines.append("}")
        return "\n".join(lines)

    def __str__(self) -> str:
        return self.to_dot()

    def __repr__(self) -> str:
        return "<Dot of %r>" % (self._query,)


def _label(data: Dict[str, Any], field: Optional[str], default: Any) -> str:
    value = data.get(field, default) if field is not None else default
    text = value if isinstance(value, str) else json.dumps(value)
    # a DOT quoted string: only the quote and the backslash need escaping (and line breaks)
    return text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
