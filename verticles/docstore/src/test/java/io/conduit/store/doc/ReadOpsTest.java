package io.conduit.store.doc;

import io.conduit.codec.ErrorCode;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import static io.conduit.store.doc.DocFixture.doc;
import static io.conduit.store.doc.DocFixture.fails;
import static io.conduit.store.doc.DocFixture.json;
import static io.conduit.store.doc.DocFixture.run;
import static io.conduit.store.doc.DocFixture.tree;
import static io.conduit.store.doc.DocFixture.value;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ReadOpsTest {

  private final DocTree t = tree("{'x': 3, 'l': [0, 1, 2], 's': 'héllo', 'o': {'b': 1, 'a': [true, null]}}");

  @Test
  void getReturnsTheValueAtAPath() {
    assertEquals(3, value(t, "{'op': 'get', 'path': ['x']}"));
    assertEquals(true, value(t, "{'op': 'get', 'path': ['o', 'a', 0]}"));
    assertNull(value(t, "{'op': 'get', 'path': ['o', 'a', 1]}"));
    assertEquals(json("{'b': 1, 'a': [true, null]}"), value(t, "{'op': 'get', 'path': ['o']}"));
  }

  @Test
  void getOfTheRootPathReturnsTheWholeDocument() {
    assertEquals(t.snapshot(), value(t, "{'op': 'get', 'path': []}"));
  }

  @Test
  void negativeIndexesCountFromTheEnd() {
    assertEquals(2, value(t, "{'op': 'get', 'path': ['l', -1]}"));
    assertEquals(0, value(t, "{'op': 'get', 'path': ['l', -3]}"));
  }

  @Test
  void changingWhatGetReturnedDoesNotChangeTheDocument() {
    String before = doc(t);
    JsonObject o = (JsonObject) value(t, "{'op': 'get', 'path': ['o']}");
    o.put("b", 99).getJsonArray("a").add("sneaky");
    ((JsonArray) value(t, "{'op': 'get', 'path': ['l']}")).clear();
    t.snapshot().put("x", 0);
    assertEquals(before, doc(t));
  }

  @Test
  void aMissingKeyIsNotFoundAndNamed() {
    assertEquals("path [\"y\"]: no key 'y'",
        fails(t, "{'op': 'get', 'path': ['y']}", ErrorCode.NOT_FOUND).getMessage());
  }

  @Test
  void aMissingKeyPartWayDownNamesWhereItWasLookedFor() {
    assertEquals("path [\"o\", \"z\", 0]: no key 'z' in the object at [\"o\"]",
        fails(t, "{'op': 'get', 'path': ['o', 'z', 0]}", ErrorCode.NOT_FOUND).getMessage());
    assertEquals("path [\"q\", 1]: no key 'q' in the root object",
        fails(t, "{'op': 'get', 'path': ['q', 1]}", ErrorCode.NOT_FOUND).getMessage());
  }

  @Test
  void anIndexOutOfRangeIsNotFoundAndSaysTheListsLength() {
    assertEquals("path [\"l\", 4]: index 4 is out of range for a list of 3",
        fails(t, "{'op': 'get', 'path': ['l', 4]}", ErrorCode.NOT_FOUND).getMessage());
    assertEquals("path [\"l\", -4]: index -4 is out of range for a list of 3",
        fails(t, "{'op': 'get', 'path': ['l', -4]}", ErrorCode.NOT_FOUND).getMessage());
  }

  @Test
  void aKeyOnAListIsABadRequest() {
    assertEquals("path [\"l\", \"a\"]: step 1 is the key 'a', but the value at [\"l\"] is a list, which takes integer "
        + "indexes", fails(t, "{'op': 'get', 'path': ['l', 'a']}", ErrorCode.BAD_REQUEST).getMessage());
  }

  @Test
  void anIndexOnAnObjectIsABadRequest() {
    assertEquals("path [0]: step 0 is the index 0, but the root is an object, which takes string keys",
        fails(t, "{'op': 'get', 'path': [0]}", ErrorCode.BAD_REQUEST).getMessage());
  }

  @Test
  void indexingIntoAScalarIsABadRequest() {
    assertEquals("path [\"x\", 0]: the value at [\"x\"] is a number, which has no keys or indexes",
        fails(t, "{'op': 'get', 'path': ['x', 0]}", ErrorCode.BAD_REQUEST).getMessage());
  }

  @Test
  void keysListsAnObjectsKeysInInsertionOrder() {
    assertEquals(new JsonArray().add("x").add("l").add("s").add("o"), value(t, "{'op': 'keys', 'path': []}"));
    assertEquals(new JsonArray().add("b").add("a"), value(t, "{'op': 'keys', 'path': ['o']}"));
  }

  @Test
  void keysOfAListIsABadRequest() {
    assertEquals("path [\"l\"]: keys needs an object, but the value there is a list",
        fails(t, "{'op': 'keys', 'path': ['l']}", ErrorCode.BAD_REQUEST).getMessage());
  }

  @Test
  void lenCountsKeysItemsAndCharacters() {
    assertEquals(4, value(t, "{'op': 'len', 'path': []}"));
    assertEquals(3, value(t, "{'op': 'len', 'path': ['l']}"));
    assertEquals(5, value(t, "{'op': 'len', 'path': ['s']}"));
    assertEquals(2, value(tree("{'e': '\uD83D\uDE00x'}"), "{'op': 'len', 'path': ['e']}"));
  }

  @Test
  void lenOfANumberIsABadRequest() {
    assertEquals("path [\"x\"]: len needs an object, a list or a string, not a number",
        fails(t, "{'op': 'len', 'path': ['x']}", ErrorCode.BAD_REQUEST).getMessage());
  }

  @Test
  void containsOnAnObjectAsksForAKey() {
    assertEquals(true, value(t, "{'op': 'contains', 'path': ['o'], 'value': 'a'}"));
    assertEquals(false, value(t, "{'op': 'contains', 'path': ['o'], 'value': 'z'}"));
  }

  @Test
  void containsOnAListComparesLikePython() {
    assertEquals(true, value(t, "{'op': 'contains', 'path': ['l'], 'value': 2.0}"));
    assertEquals(false, value(t, "{'op': 'contains', 'path': ['l'], 'value': 7}"));
    assertEquals(true, value(t, "{'op': 'contains', 'path': ['o', 'a'], 'value': null}"));
    DocTree nested = tree("{'l': [{'a': 1, 'b': [1, 2]}]}");
    assertEquals(true, value(nested, "{'op': 'contains', 'path': ['l'], 'value': {'b': [1, 2.0], 'a': 1}}"));
    assertEquals(false, value(nested, "{'op': 'contains', 'path': ['l'], 'value': {'a': 1}}"));
  }

  @Test
  void containsOnAStringLooksForASubstring() {
    assertEquals(true, value(t, "{'op': 'contains', 'path': ['s'], 'value': 'll'}"));
    assertEquals(false, value(t, "{'op': 'contains', 'path': ['s'], 'value': 'z'}"));
  }

  @Test
  void containsWithTheWrongKindOfValueIsABadRequest() {
    assertTrue(fails(t, "{'op': 'contains', 'path': ['o'], 'value': 1}", ErrorCode.BAD_REQUEST).getMessage()
        .contains("an object's keys are strings"));
    assertTrue(fails(t, "{'op': 'contains', 'path': ['s'], 'value': 1}", ErrorCode.BAD_REQUEST).getMessage()
        .contains("contains on a string needs a string value"));
    assertTrue(fails(t, "{'op': 'contains', 'path': ['x'], 'value': 1}", ErrorCode.BAD_REQUEST).getMessage()
        .contains("contains needs an object, a list or a string, not a number"));
  }

  @Test
  void aReadIsNotAWrite() {
    Result r = run(t, "{'op': 'get', 'path': ['x']}");
    assertFalse(r.isWrite());
    assertNull(r.change());
    assertEquals(json("{'value': 3}"), r.toJson());
  }

  @Test
  void aPathWithNegativeIndexesIsReportedAsAsked() {
    assertTrue(fails(t, "{'op': 'get', 'path': ['l', -1, 0]}", ErrorCode.BAD_REQUEST).getMessage()
        .startsWith("path [\"l\", -1, 0]: the value at [\"l\", -1] is a number"));
  }
}
