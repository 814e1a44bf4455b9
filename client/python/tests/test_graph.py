"""The graph store through the Python client, against the session's real node: GrapheekDB's
tutorial session, then one behaviour per test. The graph is shared by every test of the session,
so each test marks its entities with its own ``run`` and filters on it."""

import io
import json
import threading
import uuid

import pytest

from conduit import ConduitError
from conduit.graph import Edge, Graph, Node, Query


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


def book_shop(g, run):
    """GrapheekDB tutorial part 1's graph: six books, four persons, who bought and who saw what."""
    def book(name, author, thema):
        return g.add_node(kind="book", name=name, author=author, thema=thema, run=run)

    books = [book("python tutorial", "tim aaaa", "programming"), book("cooking for dummies", "tom bbbb", "cooking"),
             book("grapheekdb", "raf cccc", "programming"), book("python secrets", "tim aaaa", "programming"),
             book("cooking a python", "tom bbbb", "cooking"), book("rst the hard way", "raf cccc", "documentation")]
    persons = g.add_nodes([{"kind": "person", "name": n, "run": run}
                           for n in ("sam wwww", "tim xxxx", "luc yyyy", "joe zzzz")])
    b1, b2, b3, b4, b5, b6 = books
    p1, p2, p3, p4 = persons
    for person, bought in ((p1, b1), (p1, b3), (p1, b4), (p2, b2), (p2, b5), (p3, b1), (p3, b3), (p3, b5), (p3, b6)):
        g.add_edge(person, bought, action="bought", run=run)
    g.add_edge(p4, b1, action="saw", run=run)
    return books, persons


# -- GrapheekDB's tutorial, as a session -------------------------------------------------------

def test_the_grapheekdb_tutorial_session_runs_with_its_own_calls(g, run):
    books, (person1, person2, person3, person4) = book_shop(g, run)

    # part 2: iterate, read properties, filter nodes and edges
    assert [(node.kind, node.name) for node in g.V(run=run)][:2] == [("book", "python tutorial"),
                                                                      ("book", "cooking for dummies")]
    assert [node.name for node in g.V(run=run, kind="book", thema="programming")] == \
        ["python tutorial", "grapheekdb", "python secrets"]
    assert g.V(run=run, name__contains="python").data("name") == \
        [{"name": "python tutorial"}, {"name": "python secrets"}, {"name": "cooking a python"}]
    assert g.E(run=run, action="saw").count() == 1
    assert g.V(run=run, kind="something_else").remove() == 0

    # part 3: walk from person4
    assert [edge.action for edge in person4.outE()] == ["saw"]
    assert [(n.name, n.thema, n.author) for n in person4.outV()] == [("python tutorial", "programming", "tim aaaa")]
    similar = person4.outE(action="saw").outV().inE(action="bought").inV()
    assert [p.name for p in similar] == ["sam wwww", "luc yyyy"]
    assert person4.out_(action="saw").in_(action="bought").ids() == similar.ids()

    recommended = person4.out_(action="saw").in_(action="bought").out_(action="bought")
    assert recommended.count() == 7  # "this is not a bug, this is a feature": paths, not nodes
    assert [(book.name, times) for book, times in recommended.sum()] == [
        ("python tutorial", 2), ("grapheekdb", 2), ("python secrets", 1), ("cooking a python", 1),
        ("rst the hard way", 1)]
    assert recommended.dedup().data("name") == [{"name": n} for n in (
        "python tutorial", "grapheekdb", "python secrets", "cooking a python", "rst the hard way")]

    # aka / collect: back to the similar persons who led to the books
    assert [p.name for p in person4.aka("x").out_(action="saw").in_(action="bought").aka("y")
            .out_(action="bought").collect("y")] == ["sam wwww", "luc yyyy"]

    # the tutorial's helpers
    def get_or_create_person(name):
        try:
            return g.V(name=name, kind="person", run=run).next()
        except StopIteration:
            return g.add_node(kind="person", name=name, run=run)

    assert get_or_create_person("joe zzzz") == person4
    newcomer = get_or_create_person("ann nnnn")
    assert newcomer != person4 and newcomer.name == "ann nnnn"
    g.add_edge(newcomer, books[2], action="saw", run=run)
    assert [b.name for b, _ in newcomer.out_(action="saw").in_(action="bought").out_(action="bought").sum()[:2]] == \
        ["python tutorial", "grapheekdb"]

    # part 1: removing
    doomed = g.add_node(foo=1, run=run)
    assert doomed.remove() == 1
    with pytest.raises(ConduitError) as e:
        g.v(doomed.id)
    assert e.value.code == "NOT_FOUND"


# -- nodes and edges ---------------------------------------------------------------------------

def test_a_node_exposes_its_id_and_data(g, run):
    ann = g.add_node(name="Ann", age=31, tags=["a", "b"], address={"city": "Lyon"}, run=run)
    assert isinstance(ann, Node) and isinstance(ann.id, int) and ann.id > 0
    again = g.v(ann.id)
    assert again == ann and hash(again) == hash(ann)
    assert again["name"] == "Ann" and again.age == 31 and again.get("missing", 7) == 7 and "tags" in again
    assert again.data() == {"name": "Ann", "age": 31, "tags": ["a", "b"], "address": {"city": "Lyon"}, "run": run}
    assert again.data("name", "nope") == {"name": "Ann"}
    with pytest.raises(KeyError):
        again["nope"]
    with pytest.raises(AttributeError):
        again.nope
    assert "Ann" in repr(again) and repr(again).startswith("<node id:%d" % ann.id)


def test_an_edge_knows_its_ends_and_hops_like_grapheekdb(g, run):
    a, b = g.add_node(name="a", run=run), g.add_node(name="b", run=run)
    edge = g.add_edge(a, b.id, rel="knows", run=run)
    assert isinstance(edge, Edge) and (edge.from_id, edge.to_id) == (a.id, b.id)
    assert g.e(edge.id).rel == "knows"
    # for an edge from A to B, the edge's outV is B and its inV is A
    assert [n.name for n in edge.outV()] == ["b"]
    assert [n.name for n in edge.inV()] == ["a"]
    assert [n.name for n in edge.bothV()] == ["a", "b"]
    assert a.outE().outV().ids() == a.outV().ids() == [b.id]
    assert b.inV().ids() == [a.id] and b.bothE().ids() == [edge.id]


def test_bulk_adds_are_all_or_none(g, run):
    nodes = g.add_nodes([{"n": i, "run": run} for i in range(5)])
    assert [n["n"] for n in nodes] == list(range(5))
    edges = g.add_edges([(nodes[0], nodes[1]), (nodes[1].id, nodes[2].id, {"w": 2, "run": run})])
    assert [(e.from_id, e.to_id) for e in edges] == [(nodes[0].id, nodes[1].id), (nodes[1].id, nodes[2].id)]
    with pytest.raises(ConduitError) as e:
        g.add_edges([(nodes[3], nodes[4], {"run": run}), (nodes[4], 10 ** 12, {"run": run})])
    assert e.value.code == "NOT_FOUND" and e.value.status == 404
    assert nodes[3].outE().count() == 0  # the first edge did not stay


def test_update_replace_and_refresh(g, run):
    ann = g.add_node(name="Ann", age=31, run=run)
    ann.update(age=32, city="Lyon")
    assert ann.age == 32 and g.v(ann).data() == {"name": "Ann", "age": 32, "city": "Lyon", "run": run}
    g.update(ann, {"age": 33})
    assert ann.refresh().age == 33
    ann.replace(name="Ann B.", run=run)
    assert g.v(ann.id).data() == {"name": "Ann B.", "run": run} == ann.data()


def test_removing_a_node_takes_its_edges(g, run):
    a, b, c = g.add_nodes([{"name": n, "run": run} for n in "abc"])
    g.add_edges([(a, b, {"run": run}), (b, c, {"run": run}), (a, c, {"run": run})])
    assert g.remove(b) == 3
    assert g.E(run=run).count() == 1
    assert g.V(run=run).remove() == 3  # a, c and the edge between them
    assert g.V(run=run).count() == 0


# -- queries -----------------------------------------------------------------------------------

def test_lookups(g, run):
    people = g.add_nodes([{"name": "Ann", "age": 31, "run": run}, {"name": "bob", "age": 25, "run": run},
                          {"name": "Cid", "age": 42, "nick": None, "run": run}, {"name": "Dan", "run": run}])
    ann, bob, cid, dan = people

    def names(**filters):
        return [n.name for n in g.V(run=run, **filters)]

    assert names(age__gt=30) == ["Ann", "Cid"]
    assert names(age__lte=31) == ["Ann", "bob"]
    assert names(age__in=[25, 42.0]) == ["bob", "Cid"]
    assert names(name__iexact="BOB") == ["bob"]
    assert names(name__icontains="an") == ["Ann", "Dan"]
    assert names(name__startswith="C") == ["Cid"]
    assert names(name__iendswith="N") == ["Ann", "Dan"]
    assert names(age__isnull=True) == ["Dan"]
    assert names(nick__isnull=True) == ["Ann", "bob", "Cid", "Dan"]  # null counts as missing
    assert names(age__neq=31) == ["bob", "Cid", "Dan"]
    assert names(_id__in=[ann, dan.id]) == ["Ann", "Dan"]  # a Node stands for its id in filters
    assert names(_id=bob) == ["bob"]


def test_shaping_steps(g, run):
    people = g.add_nodes([{"name": n, "age": a, "team": t, "run": run}
                          for n, a, t in (("Ann", 31, "x"), ("Bob", 25, "y"), ("Cid", 42, "x"), ("Dan", 25, "x"))])
    ann, bob, cid, dan = people
    everyone = g.V(run=run)
    assert everyone.order_by("-age").data("name") == [{"name": n} for n in ("Cid", "Ann", "Bob", "Dan")]
    assert [p.name for p in everyone.order_by("age", "-name")] == ["Dan", "Bob", "Ann", "Cid"]
    assert everyone.skip(1).limit(2).ids() == [bob.id, cid.id]
    assert everyone.without(ann, bob.id).ids() == [cid.id, dan.id]
    assert everyone.first() == ann and g.V(run=run, age=99).first() is None
    assert len(everyone.random(2).ids()) == 2
    team_x = g.V(run=run, team="x")
    young = g.V(run=run, age__lt=30)
    assert team_x.union(young).ids() == [ann.id, cid.id, dan.id, bob.id]
    assert team_x.intersection(young).ids() == [dan.id]
    assert team_x.difference(young).ids() == [ann.id, cid.id]
    assert team_x.symmetric_difference(young).ids() == [ann.id, cid.id, bob.id]
    assert everyone.sum("age") == 123
    assert everyone.count() == 4
    assert 0 < everyone.percent() <= 100
    assert everyone.steps == [["V", {"run": run}]]  # a query is immutable: steps did not pile up


def test_repeated_hops_keep_duplicates_until_dedup(g, run):
    a, b, c, d = g.add_nodes([{"name": n, "run": run} for n in "abcd"])
    g.add_edges([(a, b), (a, c), (b, d), (c, d)])
    assert [n.name for n in a.outV(2)] == ["d", "d"]
    assert [n.name for n in a.outV(2).dedup()] == ["d"]
    assert [n.name for n in d.inV(name="c")] == ["c"]
    assert sorted(n.name for n in b.both_()) == ["a", "d"]


def test_next_walks_one_run_of_a_query(g, run):
    a, b = g.add_nodes([{"n": 1, "run": run}, {"n": 2, "run": run}])
    query = g.V(run=run)
    assert next(query) == a and query.next() == b
    with pytest.raises(StopIteration):
        next(query)
    assert list(query) == [a, b]  # iterating runs it afresh


def test_shortest_path_by_weight_and_direction(g, run):
    a, b, c, lone = g.add_nodes([{"name": n, "run": run} for n in ("a", "b", "c", "lone")])
    g.add_edges([(a, b, {"w": 1}), (b, c, {"w": 1}), (a, c, {"w": 5})])
    assert [n.name for n in g.shortest_path(a, c)] == ["a", "c"]  # by hops
    assert g.shortest_path(a, c, weight="w").data("name") == [{"name": n} for n in "abc"]
    assert g.shortest_path(c, a).ids() == []  # edges are followed from→to
    assert g.shortest_path(c, a, direction="both").ids() == [c.id, a.id]
    assert list(g.shortest_path(a, lone)) == []


# -- indexes -----------------------------------------------------------------------------------

def test_node_index_add_use_and_remove(g, run):
    g.add_nodes([{"sku": i, "run": run} for i in range(50)])
    name = g.add_node_index("sku", run=run)  # partial: only this test's nodes
    index = next(i for i in g.indexes() if i["name"] == name)
    assert index["on"] == "node" and index["fields"] == ["sku"] and index["filters"] == {"run": run}
    assert index["ready"] is True and index["size"] == 50
    assert g.V(sku=7, run=run).count() == 1
    with pytest.raises(ConduitError) as e:
        g.add_node_index("sku", run=run)
    assert e.value.code == "CONFLICT" and e.value.status == 409
    g.remove_node_index("sku", run=run)
    assert name not in [i["name"] for i in g.indexes()]
    with pytest.raises(ConduitError) as e:
        g.remove_node_index("sku", run=run)
    assert e.value.code == "NOT_FOUND"


def test_edge_index_by_name(g, run):
    a, b = g.add_nodes([{"run": run}, {"run": run}])
    g.add_edge(a, b, rel="knows", since=2020, run=run)
    name = g.create_index("edge", ["rel", "since"], {"run": run}, name="edge_rel_%s" % run)
    assert name == "edge_rel_%s" % run
    assert g.E(rel="knows", since=2020, run=run).count() == 1
    g.remove_edge_index("since", "rel", run=run)  # found by its fields, in any order, and filters
    with pytest.raises(ConduitError) as e:
        g.drop_index(name)
    assert e.value.code == "NOT_FOUND"


# -- dump and load -----------------------------------------------------------------------------

def test_dump_and_load_round_trip_keeping_ids(g, run, tmp_path):
    a, b = g.add_nodes([{"name": "a", "run": run}, {"name": "b", "run": run}])
    edge = g.add_edge(a, b, rel="knows", run=run)
    path = tmp_path / "graph.jsonl"
    written = g.dump(path)
    assert written == g.info()["nodes"] + g.info()["edges"]
    text = io.StringIO()
    assert g.dump(text) == written
    binary = io.BytesIO()
    assert g.dump(binary) == written
    assert binary.getvalue().decode("utf-8") == text.getvalue() == path.read_text(encoding="utf-8")

    lines = path.read_text(encoding="utf-8").splitlines()
    mine = [line for line in lines if json.loads(line)["data"].get("run") == run]
    assert [json.loads(line)["id"] for line in mine] == [a.id, b.id, edge.id]
    g.V(run=run).remove()
    assert g.load(io.StringIO("\n".join(mine) + "\n\n")) == 3
    assert g.v(a.id).name == "a" and g.e(edge.id).outV().ids() == [b.id]

    with pytest.raises(ConduitError) as e:  # the ids are taken now
        g.load(io.BytesIO(("\n".join(mine)).encode("utf-8")))
    assert e.value.code == "CONFLICT" and e.value.status == 409
    with pytest.raises(ValueError):
        g.load(io.StringIO("not json\n"))


# -- errors ------------------------------------------------------------------------------------

def test_wrong_types_are_type_errors_before_anything_is_sent():
    g = Graph(NothingSent(), "graph")
    node = Node(g, 1, {})
    edge = Edge(g, 2, 1, 1, {})
    bad = [
        lambda: g.add_node(tags={1, 2}),
        lambda: g.add_node(x=float("nan")),
        lambda: g.add_node(where=object()),
        lambda: g.add_node(nested={1: "int key"}),
        lambda: g.add_node(ref=node),
        lambda: g.add_nodes("abc"),
        lambda: g.add_nodes([{1: 2}]),
        lambda: g.add_nodes([["not", "a", "dict"]]),
        lambda: g.add_edge("1", 2),
        lambda: g.add_edge(True, 2),
        lambda: g.add_edge(edge, node),
        lambda: g.add_edges([(1,)]),
        lambda: g.update(1, ["x"]),
        lambda: g.update(1, {}, replace="yes"),
        lambda: g.remove(1.0),
        lambda: g.v("1"),
        lambda: g.e(node),
        lambda: g.V(name={"a", "b"}),
        lambda: g.V().limit("5"),
        lambda: g.V().skip(None),
        lambda: g.V().outV(2.0, kind="x"),
        lambda: g.V().outV("2"),
        lambda: g.V().order_by(),
        lambda: g.V().order_by(5),
        lambda: g.V().aka(None),
        lambda: g.V().aka("a").collect("a", 2),
        lambda: g.V().union([["V"]]),
        lambda: g.V().without(3.0),
        lambda: g.V().data(1),
        lambda: g.V().sum(3),
        lambda: g.shortest_path(node, 2, weight=3),
        lambda: g.shortest_path(node, edge),
        lambda: g.create_index("node", "name"),
        lambda: g.add_node_index(3),
        lambda: g.drop_index(None),
        lambda: g.query("V"),
        lambda: g.script(7),
        lambda: g.script("befriend", ["not", "a", "dict"]),
        lambda: g.dump(42),
        lambda: Graph(NothingSent(), b"graph"),
        lambda: Graph(NothingSent(), "graph", timeout="soon"),
    ]
    for i, call in enumerate(bad):
        with pytest.raises(TypeError):
            call()
            pytest.fail("case %d raised nothing" % i)
    assert isinstance(g.V(kind="book").outV(name__contains="x").limit(3), Query)  # building sends nothing


def test_an_unknown_lookup_is_a_bad_request_naming_it(g):
    with pytest.raises(ConduitError) as e:
        g.V(name__like="x").count()
    assert e.value.code == "BAD_REQUEST" and e.value.status == 400
    assert "name__like" in e.value.message and "like" in e.value.message


def test_missing_ids_are_not_found(g, run):
    missing = 10 ** 12
    node = g.add_node(run=run)
    for call in (lambda: g.v(missing), lambda: g.e(missing), lambda: g.remove(missing),
                 lambda: g.add_edge(node, missing), lambda: g.update(missing, {"a": 1}),
                 lambda: g.shortest_path(node, missing).ids()):
        with pytest.raises(ConduitError) as e:
            call()
        assert e.value.code == "NOT_FOUND" and e.value.status == 404, e.value
        assert str(missing) in e.value.message


def test_the_store_refuses_what_only_it_can_judge(g, run):
    a, b = g.add_nodes([{"run": run}, {"run": run}])
    edge = g.add_edge(a, b, run=run)
    refusals = {
        "an edge hop from an edge": lambda: edge.outE().count(),
        "a field name not starting with a letter": lambda: g.add_node(**{"_x": 1}),
        "a negative limit": lambda: g.V(run=run).limit(-1).count(),
        "a node index on no fields": lambda: g.add_node_index(),
        "an unknown direction": lambda: g.shortest_path(a, b, direction="sideways").ids(),
    }
    for what, call in refusals.items():
        with pytest.raises(ConduitError) as e:
            call()
        assert e.value.code == "BAD_REQUEST", what
    with pytest.raises(ConduitError) as e:
        g.V(run__in=list(range(10001))).count()
    assert e.value.code == "TOO_LARGE" and e.value.status == 413
    with pytest.raises(ConduitError) as e:
        g.script("no-such-script")
    assert e.value.code == "NOT_FOUND"


def test_a_graph_is_shared_by_threads(g, run):
    errors = []

    def add(worker):
        try:
            for i in range(20):
                g.add_node(worker=worker, i=i, run=run)
        except Exception as e:  # reported below
            errors.append(e)

    threads = [threading.Thread(target=add, args=(w,)) for w in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert not errors and not any(t.is_alive() for t in threads)
    assert g.V(run=run).count() == 80
    assert sorted(g.V(run=run, worker=2).order_by("i").data("i"), key=lambda d: d["i"]) == [{"i": i} for i in range(20)]
