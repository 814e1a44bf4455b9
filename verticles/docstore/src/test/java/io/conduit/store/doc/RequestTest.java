package io.conduit.store.doc;

import io.conduit.codec.ErrorCode;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;

import static io.conduit.store.doc.DocFixture.doc;
import static io.conduit.store.doc.DocFixture.fails;
import static io.conduit.store.doc.DocFixture.run;
import static io.conduit.store.doc.DocFixture.tree;
import static io.conduit.store.doc.DocFixture.value;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What any request must look like, whatever its op. */
class RequestTest {

  private final DocTree t = tree("{'x': 1}");

  private DocException refused(JsonObject request) {
    String before = doc(t);
    DocException e = assertThrows(DocException.class, () -> t.apply(request));
    assertEquals(ErrorCode.BAD_REQUEST, e.code(), e.getMessage());
    assertEquals(before, doc(t));
    return e;
  }

  @Test
  void anUnknownOpIsRefusedWithTheListOfOps() {
    String m = fails(t, "{'op': 'exec', 'path': []}", ErrorCode.BAD_REQUEST).getMessage();
    assertTrue(m.startsWith("unknown op 'exec'; expected one of get, keys, len"), m);
  }

  @Test
  void aRequestWithoutAnOpIsRefused() {
    assertTrue(fails(t, "{'path': []}", ErrorCode.BAD_REQUEST).getMessage().startsWith("a request needs 'op'"));
    assertTrue(refused(null).getMessage().startsWith("the request is empty"));
  }

  @Test
  void anUnknownFieldIsRefusedSoTyposDoNotPass() {
    assertEquals("set: unknown field 'valeu'; set takes path, value, before",
        fails(t, "{'op': 'set', 'path': ['y'], 'valeu': 2}", ErrorCode.BAD_REQUEST).getMessage());
  }

  @Test
  void aMissingPathIsRefused() {
    assertTrue(fails(t, "{'op': 'get'}", ErrorCode.BAD_REQUEST).getMessage().startsWith("get: 'path' is required"));
  }

  @Test
  void aPathThatIsNotAnArrayIsRefusedNamingTheOp() {
    assertTrue(fails(t, "{'op': 'get', 'path': 'x'}", ErrorCode.BAD_REQUEST).getMessage()
        .startsWith("get: path must be a JSON array of keys and indexes"));
  }

  @Test
  void aMissingValueIsRefusedButNullIsAValue() {
    assertEquals("set: 'value' is required",
        fails(t, "{'op': 'set', 'path': ['y']}", ErrorCode.BAD_REQUEST).getMessage());
    run(t, "{'op': 'set', 'path': ['y'], 'value': null}");
    assertEquals("{'x':1,'y':null}", doc(t));
  }

  @Test
  void aValueThatIsNotJsonIsRefused() {
    JsonObject set = new JsonObject().put("op", "set").put("path", new JsonArray().add("t"));
    assertEquals("set: 'value' holds a Object, which is not a JSON value",
        refused(set.copy().put("value", new Object())).getMessage());
    refused(set.copy().put("value", new JsonObject().put("deep", List.of(new Thread()))));
    assertTrue(refused(set.copy().put("value", Double.NaN)).getMessage().contains("not a JSON number"));
  }

  @Test
  void javaTypesThatVertxWritesAsStringsAreStoredAsThoseStrings() {
    t.apply(new JsonObject().put("op", "set").put("path", new JsonArray().add("t"))
        .put("value", new JsonObject().put("at", Instant.EPOCH)));
    assertEquals("{'x':1,'t':{'at':'1970-01-01T00:00:00Z'}}", doc(t));
  }

  @Test
  void aValueNestedPastTheDepthLimitIsRefused() {
    Object deep = 1;
    for (int i = 0; i < DocTree.MAX_DEPTH; i++) {
      deep = new JsonArray().add(deep);
    }
    JsonObject request = new JsonObject().put("op", "set").put("path", new JsonArray().add("d")).put("value", deep);
    assertTrue(refused(request).getMessage().contains("deeper than the document's limit of " + DocTree.MAX_DEPTH));
    request.put("value", ((JsonArray) deep).getValue(0));
    t.apply(request);
    assertEquals(DocTree.MAX_DEPTH - 1, doc(t).chars().filter(c -> c == '[').count(), "one level less fits");
  }

  @Test
  void theDocumentIsACopyOfTheInitialObject() {
    JsonObject initial = new JsonObject().put("l", new JsonArray().add(1));
    DocTree copy = new DocTree(initial);
    initial.getJsonArray("l").add(2);
    assertEquals(1, value(copy, "{'op': 'len', 'path': ['l']}"));
  }

  @Test
  void aWriteValueIsCopiedSoTheCallerCannotChangeItLater() {
    JsonArray l = new JsonArray().add(1);
    t.apply(new JsonObject().put("op", "set").put("path", new JsonArray().add("l")).put("value", l));
    l.add(2);
    assertEquals("{'x':1,'l':[1]}", doc(t));
  }

  @Test
  void aNullInitialDocumentIsEmpty() {
    assertEquals(new JsonObject(), new DocTree(null).snapshot());
  }

  @Test
  void aWriteWithoutAResultRepliesNull() {
    Result r = run(t, "{'op': 'set', 'path': ['y'], 'value': 2}");
    assertTrue(r.isWrite());
    assertNull(r.value());
    assertEquals(new JsonObject().put("value", null), r.toJson());
  }
}
