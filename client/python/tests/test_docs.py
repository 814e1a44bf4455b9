"""The pyzdb-shaped document store (conduit.docs) against real nodes: the session's node (its
shared "docs" store: every test works under its own top-level key) and, for the pyzdb sample
session and the read replica, a second node of this module with a fresh store "pyzdb" and a
replica "docs.ro" of its "docs"."""

import json
import threading
import time
import uuid

import pytest

import conduit
from conduit import ConduitError
from conduit.docs import Batch, Docs, Lock, Page, Ref

from conftest import Node


def wait_until(condition, seconds=10.0, what="the condition"):
    """Polls ``condition`` until it is true; fails the test after ``seconds``."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.02)
    pytest.fail("%s did not hold within %s s" % (what, seconds))


def unique():
    return "t-" + uuid.uuid4().hex


@pytest.fixture
def db(client):
    return client.docs()


@pytest.fixture
def key(db):
    k = unique()
    yield k
    try:
        db.with_timeout(5)[k].delete()
    except ConduitError:
        pass


@pytest.fixture
def other(node):
    """A second client: another holder as far as the lock is concerned."""
    with conduit.connect(node.endpoint, events=node.events, timeout=10) as c:
        yield c


@pytest.fixture
def sent(client, monkeypatch):
    """Counts the requests the client sends."""
    calls = []
    real = client.request

    def counting(*args, **kwargs):
        calls.append(args)
        return real(*args, **kwargs)

    monkeypatch.setattr(client, "request", counting)
    return calls


DEPLOYMENT = {"services": [
    {"name": "bridge", "verticle": "io.conduit.bridge.ZmqBridgeVerticle",
     "config": {"endpoint": "tcp://127.0.0.1:5555", "eventsEndpoint": "tcp://127.0.0.1:5556"}},
    {"name": "docs", "verticle": "io.conduit.store.doc.DocStoreVerticle",
     "config": {"address": "docs", "backend": "default"}},
    {"name": "docs-ro", "verticle": "io.conduit.store.doc.DocReplicaVerticle",
     "config": {"primary": "docs", "address": "docs.ro", "waitMs": 5000}},
    {"name": "pyzdb", "verticle": "io.conduit.store.doc.DocStoreVerticle",
     "config": {"address": "pyzdb", "backend": "default"}},
    {"name": "web", "verticle": "io.conduit.web.WebVerticle", "config": {"host": "127.0.0.1", "port": 8080}},
]}


@pytest.fixture(scope="module")
def second_node(tmp_path_factory):
    """A node of its own (fresh stores, a replica): started for this module, stopped after it."""
    deployment = tmp_path_factory.mktemp("docs-node") / "deployment.json"
    deployment.write_text(json.dumps(DEPLOYMENT))
    try:
        started = Node(extra_args=("-c", str(deployment)))
    except RuntimeError as e:
        if "is missing" in str(e):
            pytest.skip(str(e))
        raise
    try:
        yield started
    finally:
        started.stop()


@pytest.fixture
def second(second_node):
    with conduit.connect(second_node.endpoint, events=second_node.events, timeout=10) as c:
        yield c


# -- pyzdb's README ------------------------------------------------------------------------------

def test_pyzdb_sample_session_gives_the_same_values(second):
    db = second.docs(address="pyzdb")                    # a fresh store: the document is {}
    assert db.get() == {}                                # > db
    db['x'] = 3                                          # > db['x'] = 3
    assert db['x'].get() == 3                            # > db['x']
    db['l'] = range(10)                                  # > db['l'] = range(10)
    assert db.get() == {'x': 3, 'l': [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]}
    db['l'][4] = ['a', 'b', 'c']
    db.undo()
    assert db.get() == {'x': 3, 'l': [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]}
    db.undo()
    assert db.get() == {'x': 3}                          # (not shown in the README)
    db.redo()
    db.redo()
    assert db.get() == {'x': 3, 'l': [0, 1, 2, 3, ['a', 'b', 'c'], 5, 6, 7, 8, 9]}
    assert [v for v in db['l'][4]] == ['a', 'b', 'c']
    assert [k for k in db] == ['x', 'l']
    db['l'][4].append('d')
    assert isinstance(db.save(), int)
    assert db['l'][4].get() == ['a', 'b', 'c', 'd']


def test_pyzdb_application_and_lock_examples(client, key):
    db = client.docs()
    db[key] = {}
    root = db[key]
    root['x'] = 3
    x = root['x']._run()
    root['l'] = range(10)
    assert [v * v for v in root['l'] if v % 2] == [1, 9, 25, 49, 81]
    assert isinstance(db.save(), int)
    db.lock()                                            # pyzdb: db.lock() ... db.unlock()
    x = root['x']._run()
    root['x'] = x + 1
    db.unlock()
    root['x'] = root['x']._run() + 1
    assert root['x'].get() == 5


# -- reads and writes ----------------------------------------------------------------------------

def test_set_get_contains_len_delete(db, key):
    assert key not in db
    version = db[key].set({"x": 3, "s": "hello"})
    assert isinstance(version, int) and db.version >= version
    assert key in db
    assert db[key]["x"].get() == 3
    assert db[key].get() == {"x": 3, "s": "hello"}
    assert "x" in db[key] and "y" not in db[key]
    assert "ell" in db[key]["s"]
    assert len(db[key]) == 2 and len(db[key]["s"]) == 5
    db[key]["n"] = None
    assert db[key]["n"].get() is None
    del db[key]["x"]
    assert db[key].keys() == ["s", "n"]
    with pytest.raises(ConduitError) as e:
        db[key]["x"].get()
    assert e.value.code == "NOT_FOUND" and e.value.status == 404
    assert db[key]["x"].get(default=7) == 7
    assert db[key]["x"].get(None) is None


def test_list_methods(db, key):
    db[key] = {"l": [0, 1, 2, 3, 4, 5]}
    l = db[key]["l"]
    l[4] = ["a", "b"]                                    # replaces item 4
    assert l.get() == [0, 1, 2, 3, ["a", "b"], 5]
    l[-1] = "last"
    l.append(6)
    l.extend([7, 8])
    l.extend(range(9, 11))
    l.insert(0, "first")
    l.insert(100, "end")                                 # past the end means the end, as in Python
    assert l.get() == ["first", 0, 1, 2, 3, ["a", "b"], "last", 6, 7, 8, 9, 10, "end"]
    assert len(l) == 13
    assert l.pop() == "end"
    assert l.pop(0) == "first"
    assert l.pop(-2) == 9
    assert 6 in l and 6.0 in l and ["a", "b"] in l and 99 not in l
    l[4].append("c")
    assert l[4].get() == ["a", "b", "c"]
    del l[4]
    assert list(l) == [0, 1, 2, 3, "last", 6, 7, 8, 10]
    l.append(None)
    assert l.pop() is None                               # a popped null comes back as None
    assert l.clear() and l.get() == []


def test_object_methods_incr_and_augmented_assignment(db, key):
    db[key] = {}
    d = db[key]
    assert d["n"].incr(2) == 2                           # created
    assert d["n"].incr() == 3
    assert d["n"].incr(-0.5) == 2.5
    d["m"] = 1
    d["m"] += 4
    d["l"] = []
    d["l"] += [1, 2]
    d["l"] += (3,)
    assert d["m"].get() == 5 and d["l"].get() == [1, 2, 3]
    d.update({"a": 1}, b={"c": [True, None]})
    assert d.setdefault("a", 99) == 1
    assert d.setdefault("z", [1]) == [1]
    assert d.setdefault("none") is None
    assert d.keys() == ["n", "m", "l", "a", "b", "z", "none"]
    assert dict(d.items())["b"] == {"c": [True, None]}
    assert list(d.values())[:2] == [2.5, 5]
    d["b"].clear()
    assert d["b"].get() == {}


def test_iteration_is_paged_with_scan(client, key, sent):
    db = Docs(client, "docs", page_size=7)
    db[key] = {"l": list(range(25)), "o": {"k%02d" % i: i for i in range(25)},
               "entries": [{"key": "a", "value": 1}, {"key": "b", "value": 2}], "small": {"a": 1}}
    before = len(sent)
    assert [v for v in db[key]["l"]] == list(range(25))
    assert len(sent) - before == 4                       # ceil(25 / 7) scans, nothing else
    assert list(db[key]["o"]) == ["k%02d" % i for i in range(25)]
    assert list(db[key]["o"].values()) == list(range(25))
    assert list(db[key]["o"].items())[3] == ("k03", 3)
    # a list whose items look like an object's entries is still a list
    assert list(db[key]["entries"]) == [{"key": "a", "value": 1}, {"key": "b", "value": 2}]
    assert list(db[key]["small"]) == ["a"]
    with pytest.raises(TypeError):
        list(db[key]["l"].items())
    page = db[key]["l"].scan(offset=20, limit=3)
    assert page == Page([20, 21, 22], page.next) and page.next
    assert db[key]["l"].scan(cursor=page.next, limit=10) == Page([23, 24], None)
    with pytest.raises(ConduitError) as e:
        list(db[key]["nothing"])
    assert e.value.code == "NOT_FOUND"
    with pytest.raises(ConduitError) as e:
        list(db[key]["l"][0])
    assert e.value.code == "BAD_REQUEST"                 # scan needs an object or a list


def test_root_iteration_len_and_contains(db, key):
    db[key] = 1
    assert key in db
    assert key in list(db)
    assert len(db) >= 1


def test_undo_redo_and_nothing_to_redo(db, key):
    db[key] = {"v": 1}
    db[key]["v"] = 2
    db.undo()
    assert db[key]["v"].get() == 1
    db.redo()
    assert db[key]["v"].get() == 2
    db[key]["v"] = 3                                     # a new write clears the redo steps
    with pytest.raises(ConduitError) as e:
        db.redo()
    assert e.value.code == "CONFLICT" and e.value.status == 409
    assert db.save() >= 1


def test_batch_is_all_or_none_and_one_undo_step(db, key):
    db[key] = {"l": [1, 2, 3]}
    with db.batch() as b:
        assert isinstance(b, Batch)
        b[key]["a"] = 1
        b[key]["l"].append(4)
        assert b[key]["l"].pop(0) is None                # recorded, not sent
        assert b[key]["n"].incr(5) is None
        del b[key]["a"]
        assert len(b.ops) == 5
    assert b.version is not None and b.results == [None, None, 1, 5, None]
    assert db[key].get() == {"l": [2, 3, 4], "n": 5}
    db.undo()                                            # the whole batch is one step
    assert db[key].get() == {"l": [1, 2, 3]}

    with pytest.raises(ConduitError) as e:
        with db.batch() as b:
            b[key]["x"] = 1
            b[key]["missing"]["deep"] = 2                # fails: nothing of the batch applies
    assert e.value.code == "NOT_FOUND" and "1" in e.value.message
    assert db[key].get() == {"l": [1, 2, 3]}

    with pytest.raises(ZeroDivisionError):
        with db.batch() as b:
            b[key]["y"] = 1
            1 / 0                                        # the block failed: nothing is sent
    assert "y" not in db[key]

    with db.batch() as b:
        with pytest.raises(RuntimeError):
            b[key].get()                                 # reads cannot be in a batch
    assert b.version is None                             # an empty batch sends nothing


# -- refused before sending, or by the store -----------------------------------------------------

def test_wrong_types_are_type_errors_before_sending(db, key, sent):
    db[key] = {"l": [1], "n": 1}
    before = len(sent)
    with pytest.raises(TypeError):
        db[key]["s"] = {1, 2}                            # a set
    with pytest.raises(TypeError):
        db[key]["d"] = {b"k": 1}                         # a bytes key
    with pytest.raises(TypeError):
        db[key]["d"] = {1: "one"}                        # json.dumps would make it "1"
    with pytest.raises(TypeError):
        db[b"k"]
    with pytest.raises(TypeError):
        db[key][1.5]
    with pytest.raises(TypeError):
        db[key][True]
    with pytest.raises(TypeError):
        db[key]["l"][0:1]
    with pytest.raises(TypeError):
        db[key]["b"] = b"bytes"
    with pytest.raises(TypeError):
        db[key]["f"] = float("nan")
    with pytest.raises(TypeError):
        db[key]["l"].append(object())
    with pytest.raises(TypeError):
        db[key]["l"].extend("abc")
    with pytest.raises(TypeError):
        db[key]["l"].insert("0", 1)
    with pytest.raises(TypeError):
        db[key]["l"].pop("k")
    with pytest.raises(TypeError):
        db[key]["n"].incr("2")
    with pytest.raises(TypeError):
        db[key]["n"] = db[key]["l"]                      # a reference is not a value
    with pytest.raises(TypeError):
        {1} in db[key]["l"]
    with pytest.raises(TypeError):
        bool(db[key]["n"])
    with pytest.raises(TypeError):
        db[key]["n"] == 1
    with pytest.raises(TypeError):
        db.lock(ttl="10")
    with pytest.raises(ValueError):
        db.lock(ttl=0)
    nested = []
    nested.append(nested)
    with pytest.raises(ValueError):
        db[key]["loop"] = nested
    assert len(sent) == before                           # none of these reached the node
    assert db[key].get() == {"l": [1], "n": 1}


def test_store_errors_carry_codes(db, key):
    db[key] = {"l": [1, 2], "o": {}, "s": "text", "empty": []}
    cases = [
        (lambda: db[key]["nope"].get(), "NOT_FOUND"),
        (lambda: db[key]["l"][5].set(0), "NOT_FOUND"),        # index out of range
        (lambda: db[key]["l"][5].get(), "NOT_FOUND"),
        (lambda: db[key]["empty"].pop(), "NOT_FOUND"),
        (lambda: db[key]["nope"].delete(), "NOT_FOUND"),
        (lambda: db[key]["o"].append(1), "BAD_REQUEST"),      # not a list
        (lambda: db[key]["s"].incr(1), "BAD_REQUEST"),
        (lambda: db[key]["l"].keys(), "BAD_REQUEST"),
        (lambda: len(db[key]["l"][0]), "BAD_REQUEST"),
        (lambda: db.set([1]), "BAD_REQUEST"),                 # the document is an object
        (lambda: db[key]["l"].scan(limit=5000), "BAD_REQUEST"),
        (lambda: db[key]["l"].scan(cursor="not-a-cursor"), "BAD_REQUEST"),
        (lambda: db.lock(ttl=3600), "BAD_REQUEST"),           # at most 10 minutes
    ]
    for call, code in cases:
        with pytest.raises(ConduitError) as e:
            call()
        assert e.value.code == code, (e.value, code)
        assert e.value.status == {"NOT_FOUND": 404, "BAD_REQUEST": 400}[code]
    assert db[key].get() == {"l": [1, 2], "o": {}, "s": "text", "empty": []}


# -- the lock ------------------------------------------------------------------------------------

def test_lock_keeps_other_clients_and_threads_out(db, key, other):
    db[key] = 0
    theirs = other.docs().with_timeout(0.5)
    with db.lock(ttl=5) as lock:
        assert isinstance(lock, Lock) and lock.held and lock.token
        db[key] = 1                                      # this thread's requests carry the token
        assert db[key].get() == 1
        with pytest.raises(ConduitError) as e:
            theirs[key].get()                            # another client waits, then gives up
        assert e.value.code == "CONFLICT" and e.value.status == 409
        failures = []

        def another_thread():
            try:
                db.with_timeout(0.5)[key].get()          # same Docs, another thread: not the holder
            except ConduitError as err:
                failures.append(err.code)

        t = threading.Thread(target=another_thread)
        t.start()
        t.join(10)
        assert failures == ["CONFLICT"]
        got = []
        t = threading.Thread(target=lambda: got.append(lock.docs[key].get()))
        t.start()                                        # lock.docs carries the token from anywhere
        t.join(10)
        assert got == [1]
    assert not lock.held
    assert theirs[key].get() == 1


def test_waiting_requests_go_on_after_unlock(db, key, other):
    db[key] = 0
    theirs = other.docs().with_timeout(10)
    lock = db.lock(ttl=10)
    done = []
    t = threading.Thread(target=lambda: done.append(theirs[key].incr(5)))
    try:
        t.start()
        db[key] = 100
    finally:
        lock.unlock()
    t.join(10)
    assert done == [105]                                 # it waited for the holder's write
    assert lock.unlock() == lock.unlocked_version        # a second unlock does nothing


def test_lock_is_renewed_while_held(db, key, other):
    db[key] = 0
    with db.lock(ttl=0.6) as lock:
        wait_until(lambda: lock.renewals >= 4, what="four renewals")   # well past the first lease
        with pytest.raises(ConduitError) as e:
            other.docs().with_timeout(0.3)[key].get()
        assert e.value.code == "CONFLICT"
        db[key] = 1
    assert other.docs()[key].get() == 1


def test_a_lost_lease_makes_the_unlock_fail(db, key, other):
    lock = db.lock(ttl=0.6)
    other.request("docs", {"op": "unlock", "token": lock.token})   # as if the lease had run out
    wait_until(lambda: lock.lost is not None, what="the renewer noticing")
    assert not lock.held
    with pytest.raises(ConduitError) as e:
        lock.unlock()
    assert e.value.code == "CONFLICT"
    db[key] = "free again"


def test_a_dead_holders_lease_runs_out(db, key, other):
    db[key] = 1
    other.request("docs", {"op": "lock", "ttlMs": 500})  # taken and never renewed nor released
    start = time.monotonic()
    assert db.with_timeout(10)[key].get() == 1           # waits for the lease's end, then goes on
    assert time.monotonic() - start < 9


def test_a_second_lock_in_the_same_thread_is_refused(db):
    with db.lock(ttl=5):
        with pytest.raises(ConduitError) as e:
            db.lock(ttl=5)
        assert e.value.code == "CONFLICT"
    with pytest.raises(RuntimeError):
        db.unlock()                                      # this thread holds none any more


# -- replicas, blobs, changes, threads -----------------------------------------------------------

def test_reads_from_a_replica_see_own_writes(second):
    k = unique()
    db = second.docs(address="docs", read="docs.ro")
    assert db.read_address == "docs.ro"
    for i in range(20):
        db[k] = {"i": i}
        assert db[k]["i"].get() == i                     # minVersion: the replica waits for our write
    db[k]["l"] = list(range(5))
    assert list(db[k]["l"]) == [0, 1, 2, 3, 4] and len(db[k]["l"]) == 5 and 3 in db[k]["l"]
    status = db.replica_status()
    assert status["primary"] == "docs" and status["version"] >= 20
    reader = second.docs(read="docs.ro", min_version=db.version)
    assert reader[k]["i"].get() == 19                    # another client, told the version
    with pytest.raises(ConduitError) as e:
        second.docs(read="docs.ro", min_version=db.version + 1000).with_timeout(1)[k].get()
    assert e.value.code == "TIMEOUT"                     # the replica never reaches it
    with pytest.raises(ConduitError) as e:
        second.request("docs.ro", {"op": "set", "path": [k], "value": 1})
    assert e.value.code == "BAD_REQUEST"                 # a replica is read-only
    with db.lock(ttl=5):
        db[k]["i"] = 100
        assert db[k]["i"].get() == 100


def test_a_missing_replica_is_an_error_with_its_code(client, key):
    db = client.docs(read="nowhere-%s" % uuid.uuid4().hex)
    db[key] = 1                                          # writes go to the store
    with pytest.raises(ConduitError) as e:
        db[key].get()
    assert e.value.code == "NO_HANDLERS"
    # a standalone node runs no standby, so nothing answers "docs.ro" there: NO_HANDLERS, saying
    # why, and no retry to suggest
    with pytest.raises(ConduitError) as e:
        client.docs(read="docs.ro")[key].get()
    assert e.value.code == "NO_HANDLERS"
    assert "this node is not in one" in str(e.value)
    assert "retryAfterMs" not in e.value.details
    assert client.docs()[key].get() == 1


def test_blobs(db, key):
    db[key] = {}
    data = bytes(range(256)) * 10
    db[key]["file"].put_blob(data)
    ref = db[key]["file"].get()
    assert ref["size"] == len(data) and isinstance(ref["$blob"], str)
    assert db[key]["file"].get_blob() == data
    db[key]["file"].delete_blob()
    assert "file" not in db[key]
    with pytest.raises(TypeError):
        db[key]["file"].put_blob("text")


def test_changes_stream(db, key):
    with db.changes(timeout=0.2) as changes:
        # the subscription reaches the bridge asynchronously: write until a change arrives
        for attempt in range(100):
            db[key] = attempt
            try:
                _, change = changes.receive()
                break
            except ConduitError:
                continue
        else:
            pytest.fail("no change event")
    assert change["op"] == "set" and change["path"] == [key] and change["version"] >= 1


def test_one_docs_from_many_threads(db, key):
    db[key] = []
    errors = []

    def work(n):
        try:
            for i in range(20):
                db[key].append([n, i])
        except Exception as e:  # reported below
            errors.append(e)

    threads = [threading.Thread(target=work, args=(n,)) for n in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert not errors
    assert len(db[key]) == 80
    assert sorted(map(tuple, db[key])) == sorted((n, i) for n in range(4) for i in range(20))


def test_repr_and_refs(db, key):
    ref = db[key]["l"][4]
    assert isinstance(ref, Ref) and ref.path == (key, "l", 4)
    assert repr(ref) == '<db["%s"]["l"][4]>' % key
    assert ref == db[key]["l"][4] and ref != db[key]["l"][3]
    assert len({ref, db[key]["l"][4]}) == 1
    assert "Docs('docs'" in repr(db)
