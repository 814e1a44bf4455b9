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
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** set, delete and incr on object keys and list items, and the dict methods update, setdefault, clear. */
class KeyWritesTest {

  private final DocTree t = tree("{'x': 3, 'l': [0, 1, 2], 'o': {'a': 1, 'b': 2}}");

  @Test
  void setCreatesANewKeyLast() {
    run(t, "{'op': 'set', 'path': ['o', 'c'], 'value': [1, {'d': null}]}");
    assertEquals("{'x':3,'l':[0,1,2],'o':{'a':1,'b':2,'c':[1,{'d':null}]}}", doc(t));
  }

  @Test
  void setOnAnExistingKeyReplacesItInPlace() {
    run(t, "{'op': 'set', 'path': ['x'], 'value': 'three'}");
    assertEquals("{'x':'three','l':[0,1,2],'o':{'a':1,'b':2}}", doc(t));
  }

  @Test
  void setOnAListIndexReplacesThatItem() {
    run(t, "{'op': 'set', 'path': ['l', -1], 'value': 9}");
    assertEquals("{'x':3,'l':[0,1,9],'o':{'a':1,'b':2}}", doc(t));
  }

  @Test
  void setPastTheEndOfAListIsNotFound() {
    assertEquals("path [\"l\", 3]: index 3 is out of range for a list of 3",
        fails(t, "{'op': 'set', 'path': ['l', 3], 'value': 9}", ErrorCode.NOT_FOUND).getMessage());
  }

  @Test
  void setUnderAMissingKeyIsNotFound() {
    assertEquals("path [\"nope\", \"a\"]: no key 'nope' in the root object",
        fails(t, "{'op': 'set', 'path': ['nope', 'a'], 'value': 1}", ErrorCode.NOT_FOUND).getMessage());
  }

  @Test
  void setOfTheRootReplacesTheDocument() {
    run(t, "{'op': 'set', 'path': [], 'value': {'fresh': true}}");
    assertEquals("{'fresh':true}", doc(t));
  }

  @Test
  void setOfTheRootToANonObjectIsABadRequest() {
    assertTrue(fails(t, "{'op': 'set', 'path': [], 'value': [1]}", ErrorCode.BAD_REQUEST).getMessage()
        .startsWith("path []: the document is always an object"));
  }

  @Test
  void setWithBeforePlacesANewKeyBeforeAnother() {
    run(t, "{'op': 'set', 'path': ['o', 'z'], 'value': 0, 'before': 'a'}");
    assertEquals("{'x':3,'l':[0,1,2],'o':{'z':0,'a':1,'b':2}}", doc(t));
  }

  @Test
  void setWithBeforeAMissingKeyIsNotFound() {
    assertEquals("path [\"o\", \"z\"]: no key 'q' to put the new key 'z' before",
        fails(t, "{'op': 'set', 'path': ['o', 'z'], 'value': 0, 'before': 'q'}", ErrorCode.NOT_FOUND).getMessage());
  }

  @Test
  void setReplacesNothingThroughAScalar() {
    assertEquals("path [\"x\", \"y\"]: the value at [\"x\"] is a number, which has no keys or indexes",
        fails(t, "{'op': 'set', 'path': ['x', 'y'], 'value': 1}", ErrorCode.BAD_REQUEST).getMessage());
  }

  @Test
  void deleteRemovesAKey() {
    run(t, "{'op': 'delete', 'path': ['o', 'a']}");
    assertEquals("{'x':3,'l':[0,1,2],'o':{'b':2}}", doc(t));
  }

  @Test
  void deleteRemovesAListItemAndShiftsTheRest() {
    run(t, "{'op': 'delete', 'path': ['l', -3]}");
    assertEquals("{'x':3,'l':[1,2],'o':{'a':1,'b':2}}", doc(t));
  }

  @Test
  void deleteOfAMissingKeyIsNotFoundAndNamesIt() {
    assertEquals("path [\"o\", \"zz\"]: no key 'zz'",
        fails(t, "{'op': 'delete', 'path': ['o', 'zz']}", ErrorCode.NOT_FOUND).getMessage());
  }

  @Test
  void deleteOfTheRootIsABadRequest() {
    fails(t, "{'op': 'delete', 'path': []}", ErrorCode.BAD_REQUEST);
  }

  @Test
  void incrAddsOneByDefaultAndReturnsTheNewNumber() {
    assertEquals(4L, value(t, "{'op': 'incr', 'path': ['x']}"));
    assertEquals(4L, value(t, "{'op': 'get', 'path': ['x']}"));
  }

  @Test
  void incrOfIntegersStaysAnInteger() {
    assertInstanceOf(Long.class, value(t, "{'op': 'incr', 'path': ['l', 1], 'by': -5}"));
    assertEquals(-4L, value(t, "{'op': 'get', 'path': ['l', 1]}"));
  }

  @Test
  void incrWithAFractionGivesADouble() {
    assertEquals(3.5, value(t, "{'op': 'incr', 'path': ['x'], 'by': 0.5}"));
  }

  @Test
  void incrCreatesAMissingKeyWithBy() {
    assertEquals(5L, value(t, "{'op': 'incr', 'path': ['o', 'n'], 'by': 5}"));
    assertEquals("{'x':3,'l':[0,1,2],'o':{'a':1,'b':2,'n':5}}", doc(t));
  }

  @Test
  void incrOfANonNumberIsABadRequest() {
    assertEquals("path [\"o\"]: incr needs a number, but the value there is an object",
        fails(t, "{'op': 'incr', 'path': ['o']}", ErrorCode.BAD_REQUEST).getMessage());
    fails(tree("{'b': true}"), "{'op': 'incr', 'path': ['b']}", ErrorCode.BAD_REQUEST);
  }

  @Test
  void incrByANonNumberIsABadRequest() {
    assertEquals("incr: 'by' must be a number, got \"2\"",
        fails(t, "{'op': 'incr', 'path': ['x'], 'by': '2'}", ErrorCode.BAD_REQUEST).getMessage());
  }

  @Test
  void incrPastALongIsABadRequest() {
    DocTree big = new DocTree(new JsonObject().put("n", Long.MAX_VALUE));
    assertTrue(fails(big, "{'op': 'incr', 'path': ['n']}", ErrorCode.BAD_REQUEST).getMessage()
        .contains("does not fit in a 64-bit integer"));
  }

  @Test
  void incrOfAMissingListIndexIsNotFound() {
    fails(t, "{'op': 'incr', 'path': ['l', 7]}", ErrorCode.NOT_FOUND);
  }

  @Test
  void updateMergesKeysShallowlyKeepingExistingPlaces() {
    run(t, "{'op': 'update', 'path': ['o'], 'value': {'c': 3, 'a': {'deep': 1}}}");
    assertEquals("{'x':3,'l':[0,1,2],'o':{'a':{'deep':1},'b':2,'c':3}}", doc(t));
  }

  @Test
  void updateOfAListIsABadRequest() {
    assertEquals("path [\"l\"]: update needs an object, but the value there is a list",
        fails(t, "{'op': 'update', 'path': ['l'], 'value': {}}", ErrorCode.BAD_REQUEST).getMessage());
    assertEquals("update: 'value' must be an object, got a list",
        fails(t, "{'op': 'update', 'path': ['o'], 'value': [1]}", ErrorCode.BAD_REQUEST).getMessage());
  }

  @Test
  void setdefaultSetsAMissingKeyAndReturnsIt() {
    assertEquals(new JsonArray(), value(t, "{'op': 'setdefault', 'path': ['o'], 'key': 'k', 'value': []}"));
    assertEquals("{'x':3,'l':[0,1,2],'o':{'a':1,'b':2,'k':[]}}", doc(t));
  }

  @Test
  void setdefaultKeepsAnExistingKeyAndChangesNothing() {
    String before = doc(t);
    Result r = run(t, "{'op': 'setdefault', 'path': ['o'], 'key': 'a', 'value': 99}");
    assertEquals(1, r.value());
    assertTrue(r.change().inverse().isEmpty());
    assertEquals(before, doc(t));
  }

  @Test
  void setdefaultWithoutAValueSetsNull() {
    assertNull(value(t, "{'op': 'setdefault', 'path': [], 'key': 'n'}"));
    assertEquals(true, value(t, "{'op': 'contains', 'path': [], 'value': 'n'}"));
  }

  @Test
  void clearEmptiesAnObjectOrAList() {
    run(t, "{'op': 'clear', 'path': ['o']}");
    run(t, "{'op': 'clear', 'path': ['l']}");
    assertEquals("{'x':3,'l':[],'o':{}}", doc(t));
    run(t, "{'op': 'clear', 'path': []}");
    assertEquals("{}", doc(t));
  }

  @Test
  void clearOfANumberIsABadRequest() {
    fails(t, "{'op': 'clear', 'path': ['x']}", ErrorCode.BAD_REQUEST);
  }

  @Test
  void aWriteReportsTheOpAsAppliedWithIndexesResolved() {
    Change c = run(t, "{'op': 'set', 'path': ['l', -1], 'value': 7}").change();
    assertEquals(json("{'op': 'set', 'path': ['l', 2], 'value': 7}"), c.op());
    assertEquals(Path.of("l", 2), c.path());
    assertEquals(json("{'op': 'batch', 'ops': [{'op': 'set', 'path': ['l', 2], 'value': 2}]}"), c.undo());
  }
}
