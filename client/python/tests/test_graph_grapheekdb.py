"""The GrapheekDB forms the graph API accepts beyond its own (docs/python.md, "Coming from
GrapheekDB"), against the session's real node: one behaviour per test, each test's entities marked
with its own ``run``. The last tests check that bad arguments are refused before anything is sent."""

import uuid

import pytest

from conduit import ConduitError
from conduit.graph import Edge, Graph, Node, Occurrences, Query


@pytest.fixture
def g(client):
    return client.graph()


@pytest.fixture
def run():
    return uuid.uuid4().hex


class NothingSent:
    """A client that fails the test if a request reaches it."""

    endpoint = "nowhere"

    def request(self, *args, **kwargs):
        raise AssertionError("a request was sent: %r %r" % (args, kwargs))

    def map(self, *args, **kwargs):
        raise AssertionError("requests were sent: %r %r" % (args, kwargs))


class Counting:
    """The real client, counting the requests that go through it."""

    def __init__(self, client):
        self.client, self.sent = client, 0
        self.endpoint = client.endpoint

    def request(self, *args, **kwargs):
        self.sent += 1
        return self.client.request(*args, **kwargs)


def chain(g, run, *names, **data):
    """Nodes named ``names``, each with an edge to the next (carrying ``data``)."""
    nodes = g.add_nodes([{"name": n, "run": run} for n in names])
    g.add_edges([(a, b, dict(data, run=run)) for a, b in zip(nodes, nodes[1:])])
    return nodes


def names(entities):
    return [e.name for e in entities]


# -- entities ----------------------------------------------------------------------------------

def test_get_id_is_the_entity_id(g, run):
    a, b = g.add_nodes([{"run": run}, {"run": run}])
    edge = g.add_edge(a, b, run=run)
    assert a.get_id() == a.id and edge.get_id() == edge.id


def test_data_flat_lists_the_named_values_in_the_order_named(g, run):
    ann = g.add_node(name="Ann", age=31, run=run)
    g.add_node(name="Bob", run=run)
    assert ann.data("age", "name", flat=True) == [31, "Ann"]
    assert g.V(run=run).data("name", "age", flat=True) == [["Ann", 31], ["Bob", None]]  # a missing field is None


def test_setting_a_field_on_an_entity_writes_it(g, run):
    ann = g.add_node(name="Ann", run=run)
    ann.name = "Anne"
    ann.city = "Lyon"
    assert g.v(ann.id).data() == {"name": "Anne", "city": "Lyon", "run": run} == ann.data()


# -- hops --------------------------------------------------------------------------------------

def test_a_repeat_count_with_filters_filters_every_hop(g, run):
    a, b, c, d = g.add_nodes([{"name": n, "k": k, "run": run} for n, k in (("a", 1), ("b", 1), ("c", 2), ("d", 1))])
    g.add_edges([(a, b, {"since": 1991}), (b, c, {"since": 1991}), (b, d, {"since": 1996}), (a, c, {"since": 1991})])
    assert names(a.outV(2)) == ["c", "d"]
    assert names(a.outV(2, k=1)) == ["d"]          # c is reached, but not kept: k is 2
    assert names(a.out_(2, since=1991)) == ["c"]   # a-b-d's second edge is from 1996
    assert names(c.in_(2, since=1991)) == ["a"]
    assert names(g.V(run=run, name="d").inV(2, k=1)) == ["a"]


def test_both_repeated_reaches_the_neighbours_of_neighbours(g, run):
    raf, flo, theo = chain(g, run, "raf", "flo", "theo")
    g.E(run=run).first().update(since=1991)
    assert sorted(names(theo.both_(2))) == ["raf", "theo"]
    assert names(raf.both_(2, since=1991)) == ["raf"]   # flo's other edge has no since
    assert names(g.V(run=run, name="theo").both_(2, since__gt=2000)) == []


def test_a_random_hop_picks_one_of_the_entities_it_reaches(g, run):
    hub = g.add_node(run=run)
    spokes = g.add_nodes([{"n": i, "run": run} for i in range(5)])
    g.add_edges([(hub, s, {"w": s["n"] % 2, "run": run}) for s in spokes])
    picked = {hub.random("outV").first().id for _ in range(40)}
    assert len(picked) > 1 and picked <= {s.id for s in spokes}
    assert hub.random("outE").count() == 1
    assert all(e.w == 1 for e in (g.V(run=run, _id=hub).random("outE", w=1).first() for _ in range(10)))
    edge = hub.outE().first()
    assert edge.random("inV").ids() == [hub.id]
    assert hub.random("outV", 2).count() == 0  # a random walk of two hops: the spokes lead nowhere


# -- per-path steps ----------------------------------------------------------------------------

def test_without_an_alias_drops_on_each_path_the_entity_it_named(g, run):
    a, b, c = g.add_nodes([{"name": n, "run": run} for n in "abc"])
    g.add_edges([(a, b), (b, a), (b, c), (c, b)])
    # from a: b, then b's neighbours a and c; from c: b, then a and c: each path drops its own start
    assert names(g.V(run=run, name__in=["a", "c"]).aka("x").outV().outV().without("x")) == ["c", "a"]
    # which differs from dropping every start: both a and c started a path
    assert names(g.V(run=run, name__in=["a", "c"]).outV().outV().without(a, c)) == []


def test_per_path_steps_are_one_request(client, run):
    g = Graph(Counting(client), "graph")
    a, b, c = chain(g, run, "a", "b", "c")
    g.add_edge(b, a, run=run)
    g._client.sent = 0
    assert names(a.aka("me").outV().outV().without("me")) == ["c"]
    assert [names(row) for row in a.aka("x").outV().aka("y").collect("x", "y")] == [["a", "b"]]
    assert names(g.V(run=run).aka("x").outV().dedup("x")) == ["b", "c", "a"]
    assert g._client.sent == 3


def test_dedup_by_alias_keeps_each_entity_once_per_named_entity(g, run):
    raf, flo, theo = chain(g, run, "raf", "flo", "theo")
    starts = g.V(run=run, name__in=["raf", "theo"]).aka("x")
    assert names(starts.bothV().dedup("x")) == ["flo", "flo"]  # one per start
    assert names(starts.bothV().dedup()) == ["flo"]


def test_collect_of_several_names_gives_one_row_per_path(g, run):
    sam, luc, joe = g.add_nodes([{"name": n, "run": run} for n in ("sam", "luc", "joe")])
    b1, b2 = g.add_nodes([{"name": n, "run": run} for n in ("b1", "b2")])
    g.add_edges([(joe, b1, {"action": "saw", "run": run}), (sam, b1, {"action": "bought", "run": run}),
                 (luc, b1, {"action": "bought", "run": run}), (sam, b2, {"action": "bought", "run": run})])
    rows = (joe.aka("x").out_(action="saw").in_(action="bought").aka("y").out_(action="bought").aka("z")
            .collect("x", "y", "z"))
    assert [names(row) for row in rows] == [["joe", "sam", "b1"], ["joe", "sam", "b2"], ["joe", "luc", "b1"]]
    assert all(isinstance(row[2], Node) for row in rows)
    edge_rows = g.E(run=run, action="saw").aka("e").outV().aka("book").collect("book", "e")
    assert [(row[0].name, isinstance(row[1], Edge)) for row in edge_rows] == [("b1", True)]


def test_a_query_goes_on_after_per_path_steps(g, run):
    a, b, c = g.add_nodes([{"name": n, "age": age, "run": run} for n, age in (("a", 3), ("b", 1), ("c", 2))])
    g.add_edges([(a, b), (b, a), (b, c), (c, b), (a, c)])
    walked = g.V(run=run).aka("x").outV().outV().without("x")  # c, b (from a), c (from b), a (from c)
    assert names(walked) == ["c", "b", "c", "a"] and walked.count() == 4
    assert walked.dedup().order_by("-age").data("name") == [{"name": "a"}, {"name": "c"}, {"name": "b"}]
    assert walked.aka("y").inV().collect("y").ids() == [c.id, b.id, a.id]
    nothing = g.V(run=run, age=3).aka("x").outV(name="nobody").without("x")
    assert nothing.count() == 0 and nothing.outV().ids() == []
    assert walked.steps[-1] == ["without", ["x"]]  # the store's step


# -- results -----------------------------------------------------------------------------------

def test_all_lists_the_entities(g, run):
    a, b = chain(g, run, "a", "b")
    assert a.outV().all() == [b]


def test_update_on_a_query_sets_the_fields_of_each_entity_once(g, run):
    a, b, c = g.add_nodes([{"name": n, "run": run} for n in "abc"])
    g.add_edges([(a, c, {"run": run}), (b, c, {"run": run})])
    assert g.V(run=run).outV().update(seen=True) == 1  # c, reached twice, updated once
    assert g.V(run=run, seen=True).ids() == [c.id] and g.v(c).name == "c"
    assert g.E(run=run).update(weight=2) == 2
    assert g.E(run=run, weight=2).count() == 2
    assert g.V(run=run, name="nobody").update(seen=False) == 0


def test_update_on_a_query_is_all_or_nothing(g, run):
    g.add_nodes([{"run": run, "n": 1}, {"run": run, "n": 2}])
    g.create_index("node", ["slot"], filters={"run": run}, unique=True)
    with pytest.raises(ConduitError) as e:
        g.V(run=run).update(slot=7)  # the second node would share the first's slot
    assert e.value.code == "CONFLICT" and "unique index" in e.value.message
    assert g.V(run=run, slot=7).count() == 0


def test_group_count_and_grapheekdb_sum_of_an_aliased_field(g, run):
    a, b, c = g.add_nodes([{"name": n, "weight": w, "run": run} for n, w in (("a", 2), ("b", 3), ("c", 5))])
    g.add_edges([(a, c, {"run": run}), (b, c, {"run": run}), (a, b, {"run": run})])
    starts = g.V(run=run, name__in=["a", "b"]).aka("x").outV()  # c (from a), b (from a), c (from b)
    assert [(e.name, n) for e, n in starts.group_count()] == [("c", 2), ("b", 1)]
    assert [(e.name, n) for e, n in starts.sum("_.x.weight")] == [("c", 5), ("b", 2)]
    shares = starts.group_count(percent=True)
    assert [e.name for e, _ in shares] == ["c", "b"] and abs(shares[0][1] - 2 / 3) < 1e-9
    assert [(e.name, n) for e, n in starts.group_count(field="weight", asc=True)] == [("b", 3), ("c", 10)]


def test_a_partial_index_by_filters_alone_and_a_unique_index(g, run):
    g.add_nodes([{"run": run, "foo": 1}, {"run": run, "foo": 1}, {"run": run, "foo": 2}])
    partial = {"run": run, "foo": 1}
    g.add_node_index(**partial)
    assert g.V(**partial).count() == 2
    assert [fields for fields, filters in g.get_node_indexes() if filters == partial] == [[]]
    g.remove_node_index(**partial)
    assert g.V(**partial).count() == 2
    with pytest.raises(ConduitError) as e:
        g.create_index("node", ["email"], filters={"run": run, "foo": 1}, unique=True, name="u_" + run)
        g.add_node(run=run, foo=1, email="x@example.com")
        g.add_node(run=run, foo=1, email="x@example.com")
    assert e.value.code == "CONFLICT" and e.value.status == 409
    assert "unique index u_%s: node {email: \"x@example.com\"} already exists" % run in e.value.message
    assert g.V(run=run, email="x@example.com").count() == 1


def test_bulk_adds_return_the_entities_or_none_when_silent(g, run):
    nodes = g.bulk_add_node([{"n": 1, "run": run}, {"n": 2, "run": run}])
    assert [n.n for n in nodes] == [1, 2]
    assert g.bulk_add_node([{"n": 3, "run": run}], silent=True) is None
    edges = g.bulk_add_edge([(nodes[0], nodes[1], {"run": run}), (nodes[1], nodes[1], {"run": run})])
    assert [(e.from_id, e.to_id) for e in edges] == [(nodes[0].id, nodes[1].id), (nodes[1].id, nodes[1].id)]
    assert g.bulk_add_edge([(nodes[1], nodes[0], {"run": run})], silent=True) is None
    assert g.V(run=run).count() == 3 and g.E(run=run).count() == 3


def test_order_by_takes_an_explicit_plus_for_ascending(g, run):
    g.add_nodes([{"name": n, "run": run} for n in ("theo", "flo", "raf")])
    assert names(g.V(run=run).order_by("+name")) == ["flo", "raf", "theo"] == names(g.V(run=run).order_by("name"))


def test_sum_counts_occurrences_in_either_order_with_limit_and_entities(g, run):
    a, b, c, d = g.add_nodes([{"name": n, "run": run} for n in "abcd"])
    g.add_edges([(a, b), (a, c), (b, d), (c, d), (b, c)])
    reached = g.v(a).outV(2)  # d twice, c once
    assert [(e.name, n) for e, n in reached.sum()] == [("d", 2), ("c", 1)]
    assert [(e.name, n) for e, n in reached.sum(asc=True)] == [("c", 1), ("d", 2)]
    top = reached.sum().limit(1)
    assert isinstance(top, Occurrences) and [(e.name, n) for e, n in top] == [("d", 2)]
    assert names(top.entities().inV()) == ["b", "c"]
    assert top.limit(0).entities().count() == 0


# -- the graph ---------------------------------------------------------------------------------

def test_set_operations_of_the_graph_and_their_operators(g, run):
    a, b, c = g.add_nodes([{"name": n, "k": k, "run": run} for n, k in (("a", 1), ("b", 1), ("c", 2))])
    ones, bc = g.V(run=run, k=1), g.V(run=run, name__in=["b", "c"])
    assert names(g.union(ones, bc)) == names(ones | bc) == ["a", "b", "c"]
    assert names(g.union(g.V(run=run, name="c"), ones, bc)) == ["c", "a", "b"]
    assert names(g.intersection(ones, bc)) == names(ones & bc) == ["b"]
    assert names(g.difference(ones, bc)) == names(ones - bc) == ["a"]
    assert names(g.symmetric_difference(ones, bc)) == names(ones ^ bc) == ["a", "c"]
    assert g.issubset(g.V(run=run, name="b"), ones) and g.V(run=run, name="b") <= ones
    assert not g.issubset(bc, ones) and not bc <= ones
    assert g.issuperset(g.V(run=run), bc) and g.V(run=run) >= bc
    g.add_edges([(a, c), (b, c)])
    assert names(g.union(ones.outV())) == ["c"]  # a set of one query: each entity once


def test_close_ends_the_graph_handle_and_can_be_repeated(client, run):
    g = client.graph()
    g.add_node(run=run)
    g.close()
    g.close()
    for call in (lambda: g.V(run=run).count(), lambda: g.add_node(run=run), lambda: g.V(run=run).update(x=1)):
        with pytest.raises(ConduitError) as e:
            call()
        assert e.value.code == "UNAVAILABLE"
    assert client.graph().V(run=run).count() == 1  # the client and the store go on


def test_index_lists_in_grapheekdb_shape(g, run):
    g.add_node_index("sku", "shop", run=run)
    g.add_edge_index("rel", run=run)
    try:
        assert [["shop", "sku"], {"run": run}] in g.get_node_indexes()
        assert [["rel"], {"run": run}] in g.get_edge_indexes()
        assert [["rel"], {"run": run}] not in g.get_node_indexes()
    finally:
        g.remove_node_index("sku", "shop", run=run)
        g.remove_edge_index("rel", run=run)


def test_dot_shows_nodes_with_the_edges_between_them(g, run):
    a, b, c = g.add_nodes([{"name": n, "run": run} for n in ('a "quoted"', "b", "c")])
    g.add_edges([(a, b, {"rel": "knows", "run": run}), (b, c, {"rel": "x", "run": run})])
    text = g.V(run=run, name__in=[a.name, "b"]).dot("name", "rel").to_dot()
    assert text.splitlines() == ["digraph G {", '"n%d" [label="a \\"quoted\\""];' % a.id, '"n%d" [label="b"];' % b.id,
                                 '"n%d" -> "n%d" [label="knows"];' % (a.id, b.id), "}"]  # not b -> c: c is not shown
    edges = g.E(run=run, rel="x").to_dot()
    assert edges.splitlines() == ["digraph G {", '"n%d" [label="%d"];' % (b.id, b.id),  # ids without a label field
                                  '"n%d" [label="%d"];' % (c.id, c.id), '"n%d" -> "n%d" [label=""];' % (b.id, c.id), "}"]
    assert str(g.V(run=run, name="nobody").dot()) == "digraph G {\n}"


# -- refused before anything is sent -----------------------------------------------------------

def test_query_mistakes_are_bad_requests_before_anything_is_sent():
    g = Graph(NothingSent(), "graph")
    node, edge = Node(g, 1, {}), Edge(g, 2, 1, 1, {})
    walks = g.V().aka("x")
    refused = {
        "without an unknown alias": lambda: g.V().aka("x").outV().without("y"),
        "dedup an unknown alias": lambda: g.V().outV().dedup("x"),
        "collect an unknown alias": lambda: g.V().aka("x").collect("x", "y"),
        "collect one unknown alias": lambda: g.V().collect("nobody"),
        "an unknown random hop": lambda: node.random("zorglub"),
        "an edge hop from an edge": lambda: edge.random("outE"),
        "an edge hop from edges": lambda: g.E().random("outE"),
        "union of nodes and edges": lambda: g.union(g.V(), g.E()),
        "intersection of edges and nodes": lambda: g.E().intersection(g.V().outV()),
        "set operators mixing kinds": lambda: g.V() | g.V().outE(),
        "a repeat count of 0": lambda: g.V().outV(0),
        "a repeat count of 101 with filters": lambda: g.V().outV(101, k=1),
        "an out_ repeat count of 0": lambda: node.out_(0, since=1),
        "a random walk of 0 hops": lambda: g.V().random("outV", 0),
        "an edge hop after edges": lambda: node.outE().inE(),
        "both_ after edges": lambda: g.E().both_(),
        "a bare plus": lambda: g.V().order_by("+"),
        "plus then minus": lambda: g.V().order_by("+-age"),
        "group_count of an unknown alias": lambda: walks.group_count(field="w", of="y"),
    }
    for what, call in refused.items():
        with pytest.raises(ConduitError) as e:
            call()
        assert e.value.code == "BAD_REQUEST" and e.value.status == 400, what


def test_wrong_types_of_the_grapheekdb_forms_are_type_errors_before_anything_is_sent():
    g = Graph(NothingSent(), "graph")
    node = Node(g, 1, {})
    bad = [
        lambda: node.data("a", flat="yes"),
        lambda: node.data(flat=True),
        lambda: g.V().data(flat=True),
        lambda: g.V().outV("2", k=1),
        lambda: node.out_(2.0),
        lambda: node.random(3),
        lambda: g.V().random(2, k=1),
        lambda: g.V().random("outV", "2"),
        lambda: g.V().collect(),
        lambda: g.V().aka("x").dedup("x", 3),
        lambda: g.V().without(3.5),
        lambda: g.V().sum("age", asc=True),
        lambda: g.V().aka("x").group_count(of="x"),
        lambda: g.V().group_count(percent=1),
        lambda: g.create_index("node", [], {"a": 1}, unique=True),
        lambda: g.create_index("node", ["a"], unique="yes"),
        lambda: g.V().sum(asc="yes"),
        lambda: g.V().update(tags={1}),
        lambda: g.bulk_add_node("abc"),
        lambda: g.bulk_add_edge([(node, node)]),
        lambda: g.bulk_add_edge((node, node, {})),
        lambda: g.bulk_add_edge([(node, node, [])]),
        lambda: g.bulk_add_node([{}], silent="yes"),
        lambda: g.union(),
        lambda: g.union(g.V(), [["V"]]),
        lambda: g.issubset([["V"]], g.V()),
        lambda: g.V().issuperset("V"),
        lambda: g.V() | 3,
        lambda: g.V().dot(node_label=3),
        lambda: g.V().dot(limit="10"),
        lambda: Occurrences(g, []).limit("1"),
    ]
    for i, call in enumerate(bad):
        with pytest.raises(TypeError):
            call()
            pytest.fail("case %d raised nothing" % i)
    with pytest.raises(ValueError):
        g.V().dot(limit=0)
    assert isinstance(node.aka("me").outV(2, k=1).both_(2).without("me").dedup("me"), Query)  # building sends nothing


def test_a_closed_graph_sends_nothing():
    g = Graph(NothingSent(), "graph")
    g.close()
    for call in (lambda: g.V().count(), lambda: g.add_node(), lambda: g.indexes(), lambda: g.V().update(a=1)):
        with pytest.raises(ConduitError) as e:
            call()
        assert e.value.code == "UNAVAILABLE"


def test_edges_by_node_ids(g, run):
    a, b = g.add_nodes([{"run": run}, {"run": run}])
    edge = g.add_edge_by_ids(a.id, b.id, run=run, w=1)
    assert (edge.from_id, edge.to_id, edge.w) == (a.id, b.id, 1)
    assert [e.to_id for e in g.bulk_add_edge_by_ids([(b.id, a.id, {"run": run})])] == [a.id]
    assert g.bulk_add_edge_by_ids([(a.id, a.id, {"run": run})], silent=True) is None
    assert g.E(run=run).count() == 3
    with pytest.raises(TypeError):
        Graph(NothingSent(), "graph").add_edge_by_ids("1", 2)
