"""What a graph Query's steps give, read before they travel, so that the mistakes GrapheekDB refused
at the call (``node.outE().inE()``, an alias no ``aka`` gave, nodes combined with edges) raise there
too, with the code the store gives the same mistake. The store checks every query again (its step
kinds, docs/graph.md); this only makes the error come where the user wrote the step."""

from typing import TYPE_CHECKING, Any, Dict, List, Optional, Sequence

from .errors import ConduitError

if TYPE_CHECKING:
    from .graph import Entity

_GIVES = {"V": "node", "v": "node", "shortestPath": "node", "outV": "node", "inV": "node", "bothV": "node",
          "both": "node", "E": "edge", "e": "edge", "outE": "edge", "inE": "edge", "bothE": "edge"}
_FROM_NODES_ONLY = ("outE", "inE", "bothE", "both")


def refused(message: str) -> ConduitError:
    """A query the client will not send, with the store's code for the same kind of mistake."""
    return ConduitError("BAD_REQUEST", message, status=400)


def _name(step: Any) -> Optional[str]:
    return step[0] if isinstance(step, list) and step and isinstance(step[0], str) else None


def _arg(step: Any) -> Any:
    return step[1] if isinstance(step, list) and len(step) > 1 else None


def kind_of(steps: Sequence[Any]) -> Optional[str]:
    """``"node"`` or ``"edge"`` when the steps say what the query gives; None when they do not
    (raw steps the client does not know)."""
    kind: Optional[str] = None
    named: Dict[Any, Optional[str]] = {}
    for step in steps:
        name = _name(step)
        hop = _arg(step).get("hop") if name == "random" and isinstance(_arg(step), dict) else None
        if name in _GIVES or hop in _GIVES:
            kind = _GIVES[name if name in _GIVES else hop]
        elif name == "aka":
            named[_arg(step)] = kind
        elif name == "collect":
            kind = named.get(_arg(step))
    return kind


def check_hop(steps: Sequence[Any], hop: str, what: str) -> None:
    """An edge hop (or ``both``) after edges is refused, as GrapheekDB refused ``outE().inE()``."""
    if hop in _FROM_NODES_ONLY and kind_of(steps) == "edge":
        raise refused("%s: %s takes nodes, but the query gives edges here; from edges, go to their nodes first "
                      "with outV, inV or bothV" % (what, hop))


def named_so_far(steps: Sequence[Any]) -> List[Any]:
    return [_arg(s) for s in steps if _name(s) == "aka"]


def check_named(steps: Sequence[Any], aliases: Sequence[Any], what: str) -> None:
    """Each alias is a str that an earlier ``aka`` gave; TypeError / BAD_REQUEST otherwise."""
    for alias in aliases:
        if not isinstance(alias, str):
            raise TypeError("%s: an aka name is a str, not %r" % (what, alias))
        if alias not in named_so_far(steps):
            raise refused("%s: no earlier aka step named %r" % (what, alias))


def start_step(entities: Sequence["Entity"]) -> list:
    """A first step that gives these entities again, in order and with repeats."""
    kinds = {e._kind for e in entities}
    if len(kinds) > 1:
        raise refused("the result holds nodes and edges together; a query goes on from one kind")
    kind = kinds.pop() if kinds else "node"
    if not entities:  # the store's v and e want at least one id; no id matches nothing
        return ["V" if kind == "node" else "E", {"_id__in": []}]
    return ["v" if kind == "node" else "e", [e.id for e in entities]]
