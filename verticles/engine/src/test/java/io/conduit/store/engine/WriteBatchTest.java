package io.conduit.store.engine;

import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class WriteBatchTest {

  private static byte[] b(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void putsDeletesAndRangeDeletesSurviveTheStandbyEncodingInOrder() {
    WriteBatch batch = new WriteBatch().put(b("a"), b("1")).delete(b("b")).deleteRange(b("c"), b("d")).put(b("e"), b(""));
    List<WriteBatch.Change> changes = WriteBatch.decode(batch.encode()).changes();
    assertEquals(4, changes.size());
    assertArrayEquals(b("a"), changes.get(0).key());
    assertArrayEquals(b("1"), changes.get(0).value());
    assertArrayEquals(b("b"), changes.get(1).key());
    assertNull(changes.get(1).value());
    assertTrue(changes.get(2).deletesRange());
    assertArrayEquals(b("c"), changes.get(2).key());
    assertArrayEquals(b("d"), changes.get(2).rangeEnd());
    assertArrayEquals(b(""), changes.get(3).value(), "an empty value is a put, not a delete");
    assertEquals(batch.byteSize(), WriteBatch.decode(batch.encode()).byteSize());
  }

  @Test
  void aBatchJoinedIntoAnotherFollowsItsChangesAndCountsItsWriters() {
    WriteBatch first = new WriteBatch().put(b("a"), b("1"));
    WriteBatch second = new WriteBatch().delete(b("b")).put(b("c"), b("22"));
    WriteBatch third = new WriteBatch().put(b("d"), b("333"));
    WriteBatch joined = first.addAll(second).addAll(third);
    assertEquals(List.of("a", "b", "c", "d"), joined.changes().stream().map(c -> new String(c.key(), StandardCharsets.UTF_8)).toList());
    assertEquals(1 + 1 + 1 + 1 + 2 + 1 + 3, joined.byteSize());
    assertEquals(3, joined.writers());
    assertEquals(2, second.size(), "the batch added is left as it was");
    assertEquals(1, second.writers());
    assertEquals(4, new WriteBatch().addAll(joined).writers(), "a batch built empty counts as one writer itself");
    joined.seal();
    assertThrows(IllegalStateException.class, () -> joined.addAll(new WriteBatch()));
  }

  @Test
  void aRangeMustEndAfterItStarts() {
    assertThrows(IllegalArgumentException.class, () -> new WriteBatch().deleteRange(b("b"), b("a")));
    assertThrows(IllegalArgumentException.class, () -> new WriteBatch().deleteRange(b("b"), b("b")));
    // unsigned order: 0x80 sorts after 0x7F although it is a negative byte
    new WriteBatch().deleteRange(new byte[] {0x7F}, new byte[] {(byte) 0x80});
  }

  @Test
  void aPerKeyVisitorRefusesABatchWithARangeDelete() {
    WriteBatch batch = new WriteBatch().put(b("a"), b("1")).deleteRange(b("b"), b("c"));
    assertThrows(IllegalStateException.class, () -> batch.forEach((k, v) -> { }));
  }

  @Test
  void aMalformedEncodingIsRefusedNamingItself() {
    byte[] unknownKind = ByteBuffer.allocate(13).putInt(1).putInt(1).put((byte) 'k').putInt(-3).array();
    assertTrue(assertThrows(IllegalArgumentException.class, () -> WriteBatch.decode(unknownKind)).getMessage()
        .startsWith("not an encoded write batch"));
    byte[] whole = new WriteBatch().deleteRange(b("c"), b("d")).encode();
    byte[] truncated = java.util.Arrays.copyOf(whole, whole.length - 1);
    assertThrows(IllegalArgumentException.class, () -> WriteBatch.decode(truncated));
    byte[] extra = java.util.Arrays.copyOf(whole, whole.length + 1);
    assertThrows(IllegalArgumentException.class, () -> WriteBatch.decode(extra));
  }
}
