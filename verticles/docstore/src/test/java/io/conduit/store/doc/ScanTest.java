package io.conduit.store.doc;

import io.conduit.codec.ErrorCode;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static io.conduit.store.doc.DocFixture.fails;
import static io.conduit.store.doc.DocFixture.json;
import static io.conduit.store.doc.DocFixture.run;
import static io.conduit.store.doc.DocFixture.tree;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ScanTest {

  private static DocTree withList(int n) {
    JsonArray l = new JsonArray();
    for (int i = 0; i < n; i++) {
      l.add(i);
    }
    return new DocTree(new JsonObject().put("l", l));
  }

  private static DocTree withObject(int n) {
    JsonObject o = new JsonObject();
    for (int i = 0; i < n; i++) {
      o.put("k" + i, i);
    }
    return new DocTree(new JsonObject().put("o", o));
  }

  private static JsonObject scan(DocTree t, JsonObject request) {
    return (JsonObject) t.apply(request.put("op", "scan")).value();
  }

  private static JsonObject page(DocTree t, String path, String cursor, int limit) {
    return scan(t, new JsonObject().put("path", new JsonArray().add(path)).put("cursor", cursor).put("limit", limit));
  }

  @Test
  void aListIsPagedWithCursorsToTheEnd() {
    DocTree t = withList(25);
    List<Object> seen = new ArrayList<>();
    String cursor = null;
    int pages = 0;
    do {
      JsonObject page = page(t, "l", cursor, 10);
      seen.addAll(page.getJsonArray("items").getList());
      cursor = page.getString("next");
      pages++;
    } while (cursor != null);
    assertEquals(3, pages);
    assertEquals(withList(25).snapshot().getJsonArray("l").getList(), seen);
  }

  @Test
  void anObjectIsPagedAsKeyValueEntriesInKeyOrder() {
    DocTree t = withObject(7);
    JsonObject first = page(t, "o", null, 3);
    assertEquals(new JsonArray().add(json("{'key': 'k0', 'value': 0}")).add(json("{'key': 'k1', 'value': 1}"))
        .add(json("{'key': 'k2', 'value': 2}")), first.getJsonArray("items"));
    JsonObject second = page(t, "o", first.getString("next"), 3);
    JsonObject third = page(t, "o", second.getString("next"), 3);
    assertEquals("k3", second.getJsonArray("items").getJsonObject(0).getString("key"));
    assertEquals(1, third.getJsonArray("items").size());
    assertEquals("k6", third.getJsonArray("items").getJsonObject(0).getString("key"));
    assertNull(third.getString("next"));
  }

  @Test
  void theLastFullPageHasNoNextCursor() {
    assertNull(page(withList(10), "l", null, 10).getString("next"));
    assertNull(page(withObject(10), "o", null, 10).getString("next"));
  }

  @Test
  void limitDefaultsToAHundred() {
    JsonObject page = scan(withList(250), json("{'path': ['l']}"));
    assertEquals(100, page.getJsonArray("items").size());
    assertNotNull(page.getString("next"));
  }

  @Test
  void offsetStartsPartWay() {
    assertEquals(new JsonArray().add(7).add(8), scan(withList(10), json("{'path': ['l'], 'offset': 7, 'limit': 2}"))
        .getJsonArray("items"));
    assertEquals("k8", scan(withObject(10), json("{'path': ['o'], 'offset': 8, 'limit': 5}"))
        .getJsonArray("items").getJsonObject(0).getString("key"));
  }

  @Test
  void anOffsetPastTheEndGivesAnEmptyLastPage() {
    JsonObject page = scan(withList(3), json("{'path': ['l'], 'offset': 9}"));
    assertEquals(new JsonArray(), page.getJsonArray("items"));
    assertNull(page.getString("next"));
  }

  @Test
  void anObjectCursorResumesAtItsKeyWhenEarlierKeysAreDeleted() {
    DocTree t = withObject(6);
    String next = page(t, "o", null, 3).getString("next");
    run(t, "{'op': 'delete', 'path': ['o', 'k0']}");
    run(t, "{'op': 'delete', 'path': ['o', 'k1']}");
    assertEquals("k3", page(t, "o", next, 3).getJsonArray("items").getJsonObject(0).getString("key"));
  }

  @Test
  void anObjectCursorWhoseKeyWasDeletedResumesAtTheSameOffset() {
    DocTree t = withObject(6);
    String next = page(t, "o", null, 3).getString("next");
    run(t, "{'op': 'delete', 'path': ['o', 'k3']}");
    assertEquals("k4", page(t, "o", next, 3).getJsonArray("items").getJsonObject(0).getString("key"));
  }

  @Test
  void pagesAreCopies() {
    DocTree t = tree("{'l': [{'a': 1}]}");
    JsonObject page = scan(t, json("{'path': ['l']}"));
    page.getJsonArray("items").getJsonObject(0).put("a", 2);
    assertEquals(1, ((JsonObject) DocFixture.value(t, "{'op': 'get', 'path': ['l', 0]}")).getInteger("a"));
  }

  @Test
  void aLimitOutsideOneToAThousandIsABadRequest() {
    DocTree t = withList(3);
    assertTrue(fails(t, "{'op': 'scan', 'path': ['l'], 'limit': 1001}", ErrorCode.BAD_REQUEST).getMessage()
        .contains("'limit' must be between 1 and 1000"));
    fails(t, "{'op': 'scan', 'path': ['l'], 'limit': 0}", ErrorCode.BAD_REQUEST);
    fails(t, "{'op': 'scan', 'path': ['l'], 'offset': -1}", ErrorCode.BAD_REQUEST);
  }

  @Test
  void aCursorThatNoScanGaveIsABadRequest() {
    assertTrue(fails(withList(3), "{'op': 'scan', 'path': ['l'], 'cursor': '!!nope'}", ErrorCode.BAD_REQUEST)
        .getMessage().contains("is not one a scan returned"));
  }

  @Test
  void aListCursorOnAnObjectIsABadRequest() {
    DocTree t = withList(5);
    run(t, "{'op': 'set', 'path': ['o'], 'value': {'a': 1}}");
    String listCursor = page(t, "l", null, 2).getString("next");
    assertEquals("path [\"o\"]: this cursor pages a list, but the value there is an object",
        fails(t, "{'op': 'scan', 'path': ['o'], 'cursor': '" + listCursor + "'}", ErrorCode.BAD_REQUEST).getMessage());
  }

  @Test
  void offsetAndCursorTogetherAreABadRequest() {
    DocTree t = withList(5);
    String cursor = page(t, "l", null, 2).getString("next");
    fails(t, "{'op': 'scan', 'path': ['l'], 'offset': 1, 'cursor': '" + cursor + "'}", ErrorCode.BAD_REQUEST);
  }

  @Test
  void scanningAScalarIsABadRequest() {
    assertEquals("path [\"x\"]: scan needs an object or a list, not a number",
        fails(tree("{'x': 1}"), "{'op': 'scan', 'path': ['x']}", ErrorCode.BAD_REQUEST).getMessage());
  }
}
