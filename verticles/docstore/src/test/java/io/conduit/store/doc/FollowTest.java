package io.conduit.store.doc;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Random;

import static io.conduit.store.doc.DocFixture.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The snapshot thread's copy follows the live document without checking or rebuilding its writes
 * ({@link DocState#follow}); what it holds, and so what a snapshot stores, must be exactly what the
 * live document holds: key order, version and undo history included.
 */
class FollowTest {

  private static final String START = "{'a': {'x': 1, 'y': [1, 2.5, {'z': 'q'}], 'w': null}, 'l': [0, 'one', [2, 3]], "
      + "'n': 5, 'm': 'text'}";

  private final DocState live = DocState.empty(5);
  private final DocState shadow = DocState.fromSnapshot(live.snapshot(), 5);
  /** Replays the log records, as a restart does: a history of its own, built from the records. */
  private final DocState replayed = DocState.fromSnapshot(live.snapshot(), 5);

  /** Applies a request to the live document and has the shadow follow; false when the request was refused. */
  private boolean write(JsonObject request) {
    DocState.Applied applied;
    try {
      applied = live.write(request);
    } catch (DocException e) {
      return false;
    }
    follow(applied);
    return true;
  }

  private void follow(DocState.Applied applied) {
    shadow.follow(applied);
    replayed.replay(new JsonObject(applied.record().encode()));
  }

  @Test
  void twoThousandRandomWritesUndosAndRedosLeaveTheShadowWhereTheLiveDocumentIs() {
    Random random = new Random(11);
    RandomWrites writes = new RandomWrites(random);
    write(json("{'op': 'set', 'path': [], 'value': " + START + "}"));
    int applied = 0;
    int moved = 0;
    for (int i = 0; i < 2000; i++) {
      int pick = random.nextInt(10);
      if (pick < 2) {
        DocState.Applied step = pick == 0 ? live.undo() : live.redo();
        if (step != null) {
          follow(step);
          moved++;
        }
      } else {
        JsonObject doc = live.tree.snapshot();
        applied += write(pick == 2 ? writes.batch(doc) : writes.write(doc)) ? 1 : 0;
      }
      assertEquals(live.snapshot().encode(), shadow.snapshot().encode(), "after step " + i);
      assertEquals(replayed.snapshot().encode(), shadow.snapshot().encode(), "replayed, after step " + i);
      String now = live.tree.snapshot().encode();
      if (now.length() > 1500 || now.length() < 40) {
        write(json("{'op': 'set', 'path': [], 'value': " + START + "}"));
      }
    }
    assertTrue(applied > 900 && moved > 100, applied + " writes and " + moved + " undos and redos applied");
  }

  @Test
  void aNewKeySetBeforeAnotherTakesTheSamePlaceInTheShadow() {
    write(json("{'op': 'set', 'path': ['a'], 'value': 1}"));
    write(json("{'op': 'set', 'path': ['c'], 'value': 3}"));
    write(json("{'op': 'set', 'path': ['b'], 'value': 2, 'before': 'c'}"));
    write(json("{'op': 'set', 'path': ['a'], 'value': 0, 'before': 'c'}")); // an existing key stays where it is
    assertEquals(List.of("a", "b", "c"), List.copyOf(shadow.tree.snapshot().fieldNames()));
    assertEquals(live.snapshot().encode(), shadow.snapshot().encode());
  }

  @Test
  void listItemsAndTheWholeDocumentAreSetInTheShadowToo() {
    write(json("{'op': 'set', 'path': ['l'], 'value': [1, {'k': [2]}, 3]}"));
    write(json("{'op': 'set', 'path': ['l', -1], 'value': 'last'}"));
    write(json("{'op': 'set', 'path': ['l', 1, 'k', 0], 'value': {'deep': true}}"));
    assertEquals(json("{'l': [1, {'k': [{'deep': true}]}, 'last']}"), shadow.tree.snapshot());
    write(json("{'op': 'set', 'path': [], 'value': {'only': 1}}"));
    assertEquals(json("{'only': 1}"), shadow.tree.snapshot());
    assertEquals(live.snapshot().encode(), shadow.snapshot().encode());
  }

  @Test
  void theShadowHoldsACopyOfEachValueItsWriteCarried() {
    DocState.Applied applied = live.write(json("{'op': 'set', 'path': ['o'], 'value': {'k': [1]}}"));
    follow(applied);
    applied.record().getJsonObject("op").getJsonObject("value").getJsonArray("k").add(2);
    write(json("{'op': 'append', 'path': ['o', 'k'], 'value': 3}"));
    assertEquals(json("{'o': {'k': [1, 3]}}"), shadow.tree.snapshot());
  }

  @Test
  void aSetWhoseKeyIsNewOnlyOnOneSideIsRefusedAsADivergence() {
    DocTree live = DocFixture.tree("{'a': 1}");
    Change created = live.apply(json("{'op': 'set', 'path': ['b'], 'value': 2, 'before': 'a'}")).change();
    Change replaced = live.apply(json("{'op': 'set', 'path': ['a'], 'value': 3}")).change();
    DocTree hasB = DocFixture.tree("{'a': 1, 'b': 0}");
    assertThrows(IllegalStateException.class, () -> hasB.follow(created));
    DocTree noA = DocFixture.tree("{'b': 0}");
    assertThrows(IllegalStateException.class, () -> noA.follow(replaced));
    assertEquals(json("{'a': 1, 'b': 0}"), hasB.snapshot());
    assertEquals(json("{'b': 0}"), noA.snapshot());
  }

  @Test
  void aWriteThatDoesNotFitTheShadowThrowsAndLeavesItAsItWas() {
    DocTree live = DocFixture.tree("{'a': {'b': 0}}");
    Change set = live.apply(json("{'op': 'set', 'path': ['a', 'b'], 'value': 1}")).change();
    Change incr = live.apply(json("{'op': 'incr', 'path': ['a', 'b']}")).change();
    DocTree diverged = DocFixture.tree("{'a': 1}");
    assertThrows(DocException.class, () -> diverged.follow(set));
    assertThrows(DocException.class, () -> diverged.follow(incr));
    assertEquals(json("{'a': 1}"), diverged.snapshot());
  }
}
