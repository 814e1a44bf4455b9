package io.conduit.store.doc;

import io.conduit.codec.ErrorCode;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PathTest {

  private static DocException refused(Object json) {
    DocException e = assertThrows(DocException.class, () -> Path.parse(json));
    assertEquals(ErrorCode.BAD_REQUEST, e.code());
    return e;
  }

  @Test
  void keysAndIndexesAreRead() {
    Path p = Path.parse(new JsonArray("[\"l\", 4, -1, \"x\"]"));
    assertEquals(List.of("l", 4L, -1L, "x"), p.steps());
  }

  @Test
  void printsAsJson() {
    assertEquals("[\"l\", 4]", Path.of("l", 4).toString());
    assertEquals("[]", Path.ROOT.toString());
    assertEquals("[\"say \\\"hi\\\"\"]", Path.of("say \"hi\"").toString());
  }

  @Test
  void aPathThatIsNotAnArrayIsRefused() {
    assertTrue(refused("a.b").getMessage().startsWith("path must be a JSON array of keys and indexes"));
    assertTrue(refused(new JsonObject()).getMessage().contains("got {}"));
  }

  @Test
  void aStepThatIsNeitherKeyNorIntegerIsRefusedByNumber() {
    assertEquals("path [\"a\", 1.5]: step 1 is 1.5; a step must be a string key or an integer index",
        refused(new JsonArray("[\"a\", 1.5]")).getMessage());
    assertTrue(refused(new JsonArray("[true]")).getMessage().contains("step 0 is true"));
    assertTrue(refused(new JsonArray("[null]")).getMessage().contains("step 0 is null"));
    assertTrue(refused(new JsonArray("[[0]]")).getMessage().contains("step 0 is [0]"));
  }

  @Test
  void aPathDeeperThanADocumentCanBeIsRefused() {
    JsonArray deep = new JsonArray();
    for (int i = 0; i <= DocTree.MAX_DEPTH; i++) {
      deep.add("k");
    }
    assertTrue(refused(deep).getMessage().contains("at most " + DocTree.MAX_DEPTH + " levels"));
  }

  @Test
  void parentAndChildWalkOneLevel() {
    assertEquals(Path.of("l"), Path.of("l", 4).parent());
    assertEquals(Path.of("l", 4, "k"), Path.of("l", 4).child("k"));
    assertEquals(new JsonArray().add("l").add(4L), Path.of("l", 4).toJson());
  }
}
