package io.conduit.store.doc;

import io.conduit.codec.ErrorCode;
import io.vertx.core.json.JsonArray;
import org.junit.jupiter.api.Test;

import java.util.OptionalInt;

import static io.conduit.store.doc.DocFixture.doc;
import static io.conduit.store.doc.DocFixture.fails;
import static io.conduit.store.doc.DocFixture.run;
import static io.conduit.store.doc.DocFixture.tree;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class BatchTest {

  private final DocTree t = tree("{'x': 1, 'l': [1, 2], 'o': {'a': 1, 'b': 2, 'c': 3}}");

  @Test
  void allOpsApplyInOrderAndEachResultIsReturned() {
    Result r = run(t, "{'op': 'batch', 'ops': [{'op': 'incr', 'path': ['x']}, {'op': 'pop', 'path': ['l']},"
        + " {'op': 'set', 'path': ['y'], 'value': 'new'}]}");
    assertEquals(new JsonArray().add(2L).add(2).addNull(), r.value());
    assertEquals("{'x':2,'l':[1],'o':{'a':1,'b':2,'c':3},'y':'new'}", doc(t));
  }

  @Test
  void aFailureInTheMiddleLeavesTheDocumentExactlyAsItWas() {
    String before = t.snapshot().encode();
    DocException e = fails(t, "{'op': 'batch', 'ops': [{'op': 'delete', 'path': ['o', 'b']}, "
        + "{'op': 'append', 'path': ['l'], 'value': 3}, {'op': 'incr', 'path': ['x'], 'by': 10}, "
        + "{'op': 'set', 'path': ['o', 'new'], 'value': 1}, {'op': 'delete', 'path': ['missing']}, "
        + "{'op': 'set', 'path': ['never'], 'value': 1}]}", ErrorCode.NOT_FOUND);
    assertEquals(before, t.snapshot().encode());
    assertEquals(OptionalInt.of(4), e.batchIndex());
    assertEquals("batch op 4 (delete) failed, so none of the batch was applied: path [\"missing\"]: no key 'missing'",
        e.getMessage());
  }

  @Test
  void aMalformedOpIsRefusedBeforeAnythingIsApplied() {
    DocException e = fails(t, "{'op': 'batch', 'ops': [{'op': 'set', 'path': ['y'], 'value': 1}, "
        + "{'op': 'insert', 'path': ['l'], 'value': 1}]}", ErrorCode.BAD_REQUEST);
    assertEquals("batch op 1 (insert): insert: 'index' is required", e.getMessage());
  }

  @Test
  void aReadOrANestedBatchCannotBeInABatch() {
    assertTrue(fails(t, "{'op': 'batch', 'ops': [{'op': 'get', 'path': []}]}", ErrorCode.BAD_REQUEST).getMessage()
        .startsWith("batch op 0 (get): a batch holds writes"));
    fails(t, "{'op': 'batch', 'ops': [{'op': 'batch', 'ops': []}]}", ErrorCode.BAD_REQUEST);
    fails(t, "{'op': 'batch', 'ops': [3]}", ErrorCode.BAD_REQUEST);
  }

  @Test
  void theUndoOfABatchUndoesItsOpsNewestFirst() {
    String before = t.snapshot().encode();
    Change c = run(t, "{'op': 'batch', 'ops': [{'op': 'set', 'path': ['o', 'b'], 'value': 20}, "
        + "{'op': 'delete', 'path': ['o', 'b']}, {'op': 'extend', 'path': ['l'], 'values': [3, 4]}]}").change();
    t.apply(c.undo());
    assertEquals(before, t.snapshot().encode());
  }

  @Test
  void theUndoOfAnUndoRedoes() {
    Change c = run(t, "{'op': 'delete', 'path': ['o', 'a']}").change();
    String after = t.snapshot().encode();
    Change undo = t.apply(c.undo()).change();
    t.apply(undo.undo());
    assertEquals(after, t.snapshot().encode());
  }

  @Test
  void anEmptyBatchChangesNothing() {
    Change c = run(t, "{'op': 'batch', 'ops': []}").change();
    assertTrue(c.inverse().isEmpty());
  }
}
