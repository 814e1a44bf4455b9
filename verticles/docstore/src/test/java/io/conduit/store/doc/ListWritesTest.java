package io.conduit.store.doc;

import io.conduit.codec.ErrorCode;
import org.junit.jupiter.api.Test;

import static io.conduit.store.doc.DocFixture.doc;
import static io.conduit.store.doc.DocFixture.fails;
import static io.conduit.store.doc.DocFixture.json;
import static io.conduit.store.doc.DocFixture.run;
import static io.conduit.store.doc.DocFixture.tree;
import static io.conduit.store.doc.DocFixture.value;
import static org.junit.jupiter.api.Assertions.assertEquals;

class ListWritesTest {

  private final DocTree t = tree("{'l': [0, 1, 2], 'x': 3}");

  private String list() {
    return doc(t).substring(doc(t).indexOf('['), doc(t).lastIndexOf(']') + 1);
  }

  @Test
  void appendAddsAtTheEnd() {
    run(t, "{'op': 'append', 'path': ['l'], 'value': {'a': [1]}}");
    assertEquals("[0,1,2,{'a':[1]}]", list());
  }

  @Test
  void appendToANonListIsABadRequestNamingWhatIsThere() {
    assertEquals("path [\"x\"]: append needs a list, but the value there is a number",
        fails(t, "{'op': 'append', 'path': ['x'], 'value': 1}", ErrorCode.BAD_REQUEST).getMessage());
    assertEquals("path []: append needs a list, but the root is an object",
        fails(t, "{'op': 'append', 'path': [], 'value': 1}", ErrorCode.BAD_REQUEST).getMessage());
  }

  @Test
  void appendToAMissingKeyIsNotFound() {
    fails(t, "{'op': 'append', 'path': ['nope'], 'value': 1}", ErrorCode.NOT_FOUND);
  }

  @Test
  void insertGoesBeforeTheIndex() {
    run(t, "{'op': 'insert', 'path': ['l'], 'index': 1, 'value': 'a'}");
    assertEquals("[0,'a',1,2]", list());
  }

  @Test
  void insertWithANegativeIndexCountsFromTheEnd() {
    run(t, "{'op': 'insert', 'path': ['l'], 'index': -1, 'value': 'a'}");
    assertEquals("[0,1,'a',2]", list());
  }

  @Test
  void insertPastEitherEndClampsAsInPython() {
    run(t, "{'op': 'insert', 'path': ['l'], 'index': 100, 'value': 'end'}");
    run(t, "{'op': 'insert', 'path': ['l'], 'index': -100, 'value': 'start'}");
    assertEquals("['start',0,1,2,'end']", list());
  }

  @Test
  void insertReportsThePositionItUsed() {
    assertEquals(json("{'op': 'insert', 'path': ['l'], 'index': 3, 'value': 'a'}"),
        run(t, "{'op': 'insert', 'path': ['l'], 'index': 99, 'value': 'a'}").change().op());
  }

  @Test
  void insertWithoutAnIntegerIndexIsABadRequest() {
    assertEquals("insert: 'index' must be an integer, got 1.5",
        fails(t, "{'op': 'insert', 'path': ['l'], 'index': 1.5, 'value': 'a'}", ErrorCode.BAD_REQUEST).getMessage());
    assertEquals("insert: 'index' is required",
        fails(t, "{'op': 'insert', 'path': ['l'], 'value': 'a'}", ErrorCode.BAD_REQUEST).getMessage());
  }

  @Test
  void extendAddsEachValue() {
    run(t, "{'op': 'extend', 'path': ['l'], 'values': [3, [4]]}");
    assertEquals("[0,1,2,3,[4]]", list());
  }

  @Test
  void extendWithANonListIsABadRequest() {
    assertEquals("extend: 'values' must be a list, got a string",
        fails(t, "{'op': 'extend', 'path': ['l'], 'values': 'abc'}", ErrorCode.BAD_REQUEST).getMessage());
  }

  @Test
  void popRemovesAndReturnsTheLastItem() {
    assertEquals(2, value(t, "{'op': 'pop', 'path': ['l']}"));
    assertEquals("[0,1]", list());
  }

  @Test
  void popAtAnIndexRemovesThatItem() {
    assertEquals(0, value(t, "{'op': 'pop', 'path': ['l'], 'index': -3}"));
    assertEquals("[1,2]", list());
  }

  @Test
  void popOutOfRangeIsNotFound() {
    assertEquals("path [\"l\"]: index 3 is out of range for a list of 3",
        fails(t, "{'op': 'pop', 'path': ['l'], 'index': 3}", ErrorCode.NOT_FOUND).getMessage());
  }

  @Test
  void popFromAnEmptyListIsNotFound() {
    assertEquals("path [\"e\"]: pop from an empty list",
        fails(tree("{'e': []}"), "{'op': 'pop', 'path': ['e']}", ErrorCode.NOT_FOUND).getMessage());
  }

  @Test
  void popFromAnObjectIsABadRequest() {
    fails(t, "{'op': 'pop', 'path': []}", ErrorCode.BAD_REQUEST);
  }
}
