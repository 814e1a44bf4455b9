package io.conduit.store.doc;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.List;
import java.util.Random;

import static io.conduit.store.doc.DocFixture.json;
import static io.conduit.store.doc.DocFixture.tree;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Every write's inverse restores the document exactly, key order included. */
class UndoTest {

  private static final String START = "{'a': {'x': 1, 'y': [1, 2.5, {'z': 'q'}], 'w': null}, 'l': [0, 'one', [2, 3]], "
      + "'n': 5, 'm': 'text'}";

  /** Applies a request, then its undo (sent through JSON text, as a log would keep it); returns the document after. */
  private static String applyThenUndo(DocTree t, JsonObject request) {
    Change change = t.apply(request).change();
    String after = t.snapshot().encode();
    t.apply(new JsonObject(change.undo().encode()));
    return after;
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {
      "{'op': 'set', 'path': ['new'], 'value': {'k': [1]}}",
      "{'op': 'set', 'path': ['a', 'x'], 'value': [1, 2]}",
      "{'op': 'set', 'path': ['l', -2], 'value': 'two'}",
      "{'op': 'set', 'path': [], 'value': {'only': 1}}",
      "{'op': 'set', 'path': ['a', 'v'], 'value': 1, 'before': 'y'}",
      "{'op': 'delete', 'path': ['a', 'x']}",
      "{'op': 'delete', 'path': ['a', 'y']}",
      "{'op': 'delete', 'path': ['a', 'w']}",
      "{'op': 'delete', 'path': ['l', 1]}",
      "{'op': 'append', 'path': ['a', 'y'], 'value': 'end'}",
      "{'op': 'insert', 'path': ['l'], 'index': -1, 'value': 'in'}",
      "{'op': 'extend', 'path': ['l', 2], 'values': [4, 5, 6]}",
      "{'op': 'pop', 'path': ['l']}",
      "{'op': 'pop', 'path': ['l'], 'index': 0}",
      "{'op': 'incr', 'path': ['n'], 'by': 2.5}",
      "{'op': 'incr', 'path': ['a', 'y', 1]}",
      "{'op': 'incr', 'path': ['a', 'count']}",
      "{'op': 'update', 'path': ['a'], 'value': {'w': 1, 'new': 2, 'x': 3}}",
      "{'op': 'setdefault', 'path': ['a'], 'key': 'd', 'value': []}",
      "{'op': 'setdefault', 'path': ['a'], 'key': 'x', 'value': []}",
      "{'op': 'clear', 'path': ['a']}",
      "{'op': 'clear', 'path': ['l']}",
      "{'op': 'clear', 'path': []}",
      "{'op': 'batch', 'ops': [{'op': 'delete', 'path': ['a', 'x']}, {'op': 'delete', 'path': ['a', 'y']}, "
          + "{'op': 'set', 'path': ['a', 'x'], 'value': 0}, {'op': 'pop', 'path': ['l', 2]}]}"
  })
  void undoRestoresTheExactDocument(String request) {
    DocTree t = tree(START);
    String before = t.snapshot().encode();
    String after = applyThenUndo(t, json(request));
    assertTrue(!after.equals(before) || request.contains("'key': 'x'"), "the write changed nothing: " + request);
    assertEquals(before, t.snapshot().encode());
  }

  @Test
  void undoOfADeleteInTheMiddlePutsTheKeyBackInItsPlace() {
    DocTree t = tree("{'a': 1, 'b': 2, 'c': 3}");
    applyThenUndo(t, json("{'op': 'delete', 'path': ['b']}"));
    assertEquals(List.of("a", "b", "c"), t.snapshot().fieldNames().stream().toList());
  }

  @Test
  void undoAndReplayHoldForTwoThousandRandomWrites() {
    Random random = new Random(4);
    RandomWrites writes = new RandomWrites(random);
    DocTree t = tree(START);
    int applied = 0;
    for (int i = 0; i < 2000; i++) {
      JsonObject doc = t.snapshot();
      JsonObject request = random.nextInt(8) == 0 ? writes.batch(doc) : writes.write(doc);
      String before = doc.encode();
      Change change;
      try {
        change = t.apply(request.copy()).change();
      } catch (DocException e) {
        assertEquals(before, t.snapshot().encode(), "failed write changed the document: " + request);
        continue;
      }
      applied++;
      String after = t.snapshot().encode();
      t.apply(new JsonObject(change.undo().encode()));
      assertEquals(before, t.snapshot().encode(), "undo of " + request + " via " + change.inverse());
      t.apply(new JsonObject(change.op().encode()));
      assertEquals(after, t.snapshot().encode(), "replay of " + change.op());
      if (after.length() > 1500 || after.length() < 40) {
        t.apply(json("{'op': 'set', 'path': [], 'value': " + START + "}"));
      }
    }
    assertTrue(applied > 1000, "only " + applied + " of 2000 random writes applied");
  }
}
