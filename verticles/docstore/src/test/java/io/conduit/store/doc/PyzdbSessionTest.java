package io.conduit.store.doc;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.util.ArrayDeque;
import java.util.Deque;

import static io.conduit.store.doc.DocFixture.doc;
import static io.conduit.store.doc.DocFixture.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/**
 * The sample session from pyzdb's README, op for op, with undo and redo built from the inverses
 * the way the store's verticle keeps its undo log.
 */
class PyzdbSessionTest {

  private final DocTree db = new DocTree();
  private final Deque<Change> done = new ArrayDeque<>();
  private final Deque<Change> undone = new ArrayDeque<>();

  private Object run(String request) {
    Result r = db.apply(json(request));
    if (r.isWrite()) {
      done.push(r.change());
      undone.clear();
    }
    return r.value();
  }

  private void undo() {
    undone.push(db.apply(done.pop().undo()).change());
  }

  private void redo() {
    done.push(db.apply(undone.pop().undo()).change());
  }

  @Test
  void theReadmeSampleSessionGivesTheSameValues() {
    // > db
    assertEquals(new JsonObject(), run("{'op': 'get', 'path': []}"));
    // > db['x'] = 3
    assertNull(run("{'op': 'set', 'path': ['x'], 'value': 3}"));
    // > db['x']
    assertEquals(3, run("{'op': 'get', 'path': ['x']}"));
    // > db['l'] = range(10)
    assertNull(run("{'op': 'set', 'path': ['l'], 'value': [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]}"));
    // > db
    assertEquals("{'x':3,'l':[0,1,2,3,4,5,6,7,8,9]}", doc(db));
    // > db['l'][4] = ['a', 'b', 'c']
    assertNull(run("{'op': 'set', 'path': ['l', 4], 'value': ['a', 'b', 'c']}"));
    // > db.undo(); db
    undo();
    assertEquals("{'x':3,'l':[0,1,2,3,4,5,6,7,8,9]}", doc(db));
    // > db.undo(); db.redo(); db.redo(); db
    undo();
    assertEquals("{'x':3}", doc(db));
    redo();
    redo();
    assertEquals("{'x':3,'l':[0,1,2,3,['a','b','c'],5,6,7,8,9]}", doc(db));
    // > [v for v in db['l'][4]]
    assertEquals(new JsonArray().add("a").add("b").add("c"), run("{'op': 'get', 'path': ['l', 4]}"));
    // > [k for k in db]
    assertEquals(new JsonArray().add("x").add("l"), run("{'op': 'keys', 'path': []}"));
    // > db['l'][4].append('d')
    run("{'op': 'append', 'path': ['l', 4], 'value': 'd'}");
    assertEquals("{'x':3,'l':[0,1,2,3,['a','b','c','d'],5,6,7,8,9]}", doc(db));
  }

  @Test
  void theReadmeClientExampleComputesOddSquares() {
    run("{'op': 'set', 'path': ['x'], 'value': 3}");
    run("{'op': 'set', 'path': ['l'], 'value': [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]}");
    long sum = 0;
    for (Object v : (JsonArray) run("{'op': 'get', 'path': ['l']}")) {
      int n = (Integer) v;
      sum += n % 2 == 1 ? (long) n * n : 0;
    }
    assertEquals(1 + 9 + 25 + 49 + 81, sum);
    // the lock example's db['x'] = db['x'] + 1, in one atomic op instead of lock, two queries, unlock
    assertEquals(4L, run("{'op': 'incr', 'path': ['x']}"));
  }
}
