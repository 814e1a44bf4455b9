package io.conduit.store.engine;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What every backend promises; each backend's test class runs these against its own engine. */
abstract class KeyValueEngineContract {

  @TempDir
  Path dir;

  KeyValueEngine engine;

  abstract KeyValueEngine open(Path dir);

  @BeforeEach
  void openEngine() {
    engine = open(dir);
  }

  @AfterEach
  void closeEngine() {
    engine.close();
  }

  static byte[] b(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  static byte[] bytes(int... values) {
    byte[] out = new byte[values.length];
    for (int i = 0; i < values.length; i++) {
      out[i] = (byte) values[i];
    }
    return out;
  }

  void put(String key, String value) {
    engine.write(new WriteBatch().put(b(key), b(value))).join();
  }

  String get(String key) {
    byte[] v = engine.get(b(key));
    return v == null ? null : new String(v, StandardCharsets.UTF_8);
  }

  List<String> keysIn(byte[] from, byte[] to) {
    List<String> keys = new ArrayList<>();
    engine.scan(from, to, (k, v) -> keys.add(new String(k, StandardCharsets.UTF_8)));
    return keys;
  }

  @Test
  void aPutIsReadBack() {
    put("a", "1");
    assertEquals("1", get("a"));
  }

  @Test
  void aMissingKeyReadsAsNull() {
    assertNull(engine.get(b("nothing")));
  }

  @Test
  void aPutReplacesTheValue() {
    put("a", "1");
    put("a", "2");
    assertEquals("2", get("a"));
  }

  @Test
  void aDeleteRemovesTheKey() {
    put("a", "1");
    engine.write(new WriteBatch().delete(b("a"))).join();
    assertNull(engine.get(b("a")));
  }

  @Test
  void aBatchAppliesAllItsChangesInOrder() {
    put("gone", "x");
    engine.write(new WriteBatch().put(b("a"), b("1")).put(b("b"), b("2")).delete(b("gone"))
        .put(b("c"), b("3")).delete(b("c"))).join();
    assertEquals(List.of("a", "b"), keysIn(null, null));
  }

  @Test
  void writesApplyInCallOrderWithoutWaiting() {
    List<CompletableFuture<Void>> acks = new ArrayList<>();
    for (int i = 0; i < 500; i++) {
      acks.add(engine.write(new WriteBatch().put(b("counter"), b(Integer.toString(i)))));
    }
    CompletableFuture.allOf(acks.toArray(CompletableFuture[]::new)).join();
    assertEquals("499", get("counter"));
  }

  @Test
  void anEmptyBatchCompletesAfterEveryEarlierWrite() {
    List<CompletableFuture<Void>> acks = new ArrayList<>();
    for (int i = 0; i < 200; i++) {
      acks.add(engine.write(new WriteBatch().put(b("k" + i), b("v"))));
    }
    engine.write(new WriteBatch()).join();
    assertTrue(acks.stream().allMatch(f -> f.isDone() && !f.isCompletedExceptionally()));
  }

  @Test
  void scanFollowsUnsignedByteOrder() {
    byte[][] sorted = {bytes(), bytes(0x00), bytes(0x01), bytes(0x01, 0x02), bytes(0x7F), bytes(0x80),
        bytes(0xFE, 0xFF), bytes(0xFF), bytes(0xFF, 0x00), bytes(0xFF, 0xFF)};
    WriteBatch batch = new WriteBatch();
    for (int i = sorted.length - 1; i >= 0; i--) {
      batch.put(sorted[i], bytes(i));
    }
    engine.write(batch).join();
    List<byte[]> seen = new ArrayList<>();
    engine.scan(null, null, (k, v) -> seen.add(k));
    assertEquals(sorted.length, seen.size());
    for (int i = 0; i < sorted.length; i++) {
      assertArrayEquals(sorted[i], seen.get(i), "key #" + i);
    }
  }

  @Test
  void scanIncludesTheLowerBoundAndExcludesTheUpper() {
    for (String k : List.of("a", "b", "ba", "c", "d")) {
      put(k, k);
    }
    assertEquals(List.of("b", "ba", "c"), keysIn(b("b"), b("d")));
    assertEquals(List.of("a", "b", "ba"), keysIn(null, b("c")));
    assertEquals(List.of("c", "d"), keysIn(b("bz"), null));
    assertEquals(List.of(), keysIn(b("c"), b("c")));
    assertEquals(List.of(), keysIn(b("d"), b("a")));
  }

  @Test
  void aRangeDeleteRemovesTheKeysFromItsStartUpToItsEnd() {
    for (String k : List.of("a", "b", "ba", "bz", "c", "d")) {
      put(k, k);
    }
    engine.write(new WriteBatch().deleteRange(b("b"), b("c"))).join();
    assertEquals(List.of("a", "c", "d"), keysIn(null, null));
  }

  @Test
  void aRangeDeleteComparesHighBytesAsUnsigned() {
    engine.write(new WriteBatch().put(bytes(0x10), b("low")).put(bytes(0x90), b("mid")).put(bytes(0xFF, 0x01), b("top")))
        .join();
    engine.write(new WriteBatch().deleteRange(bytes(0x80), bytes(0xFF, 0x01))).join();
    List<String> values = new ArrayList<>();
    engine.scan(null, null, (k, v) -> values.add(new String(v, StandardCharsets.UTF_8)));
    assertEquals(List.of("low", "top"), values);
  }

  @Test
  void aRangeDeleteTakesWhatCameBeforeItInTheBatchAndNotWhatCameAfter() {
    put("k1", "old");
    engine.write(new WriteBatch().put(b("k2"), b("before")).deleteRange(b("k"), b("l")).put(b("k3"), b("after")))
        .join();
    assertEquals(List.of("k3"), keysIn(null, null));
    assertEquals("after", get("k3"));
  }

  @Test
  void scanBoundsCompareHighBytesAsUnsigned() {
    engine.write(new WriteBatch().put(bytes(0x10), b("low")).put(bytes(0x90), b("mid")).put(bytes(0xFF, 0x01), b("top")))
        .join();
    List<String> values = new ArrayList<>();
    engine.scan(bytes(0x80), bytes(0xFF, 0x02), (k, v) -> values.add(new String(v, StandardCharsets.UTF_8)));
    assertEquals(List.of("mid", "top"), values);
  }

  @Test
  void scanStopsWhenTheVisitorSaysSo() {
    for (int i = 0; i < 10; i++) {
      put("k" + i, "v");
    }
    List<String> seen = new ArrayList<>();
    engine.scan(null, null, (k, v) -> {
      seen.add(new String(k, StandardCharsets.UTF_8));
      return seen.size() < 3;
    });
    assertEquals(List.of("k0", "k1", "k2"), seen);
  }

  @Test
  void aBatchKeepsItsOwnCopyOfTheCallersArrays() {
    byte[] key = b("a");
    byte[] value = b("1");
    WriteBatch batch = new WriteBatch().put(key, value);
    key[0] = 'z';
    value[0] = '9';
    engine.write(batch).join();
    assertEquals("1", get("a"));
    engine.get(b("a"))[0] = '8';
    assertEquals("1", get("a"));
  }

  @Test
  void aSubmittedBatchCannotBeChanged() {
    WriteBatch batch = new WriteBatch().put(b("a"), b("1"));
    engine.write(batch).join();
    IllegalStateException e = assertThrows(IllegalStateException.class, () -> batch.put(b("b"), b("2")));
    assertEquals("this write batch was already submitted; start a new one", e.getMessage());
  }

  @Test
  void closeCompletesEveryPendingWrite() {
    List<CompletableFuture<Void>> acks = new ArrayList<>();
    for (int i = 0; i < 1_000; i++) {
      acks.add(engine.write(new WriteBatch().put(b("k" + i), b("v"))));
    }
    engine.close();
    assertTrue(acks.stream().allMatch(f -> f.isDone() && !f.isCompletedExceptionally()));
  }

  @Test
  void writesRacingCloseAllCompleteOneWayOrTheOther() throws InterruptedException {
    List<CompletableFuture<Void>> acks = Collections.synchronizedList(new ArrayList<>());
    List<Thread> writers = new ArrayList<>();
    for (int t = 0; t < 2; t++) {
      String prefix = "t" + t + "-";
      writers.add(new Thread(() -> {
        for (int i = 0; i < 2_000; i++) {
          acks.add(engine.write(new WriteBatch().put(b(prefix + i), b("v"))));
        }
      }));
    }
    writers.forEach(Thread::start);
    engine.close();
    for (Thread w : writers) {
      w.join(10_000);
    }
    assertEquals(4_000, acks.size());
    assertTrue(acks.stream().allMatch(CompletableFuture::isDone), "a write racing close was left pending");
  }

  @Test
  void closeTwiceIsHarmless() {
    engine.close();
    engine.close();
  }

  @Test
  void aWriteAfterCloseFails() {
    engine.close();
    CompletionException e = assertThrows(CompletionException.class,
        () -> engine.write(new WriteBatch().put(b("a"), b("1"))).join());
    assertInstanceOf(EngineException.class, e.getCause());
    assertTrue(e.getCause().getMessage().endsWith("is closed"), e.getCause().getMessage());
  }

  @Test
  void aReadAfterCloseFailsClearly() {
    engine.close();
    EngineException e = assertThrows(EngineException.class, () -> engine.get(b("a")));
    assertTrue(e.getMessage().endsWith("is closed"), e.getMessage());
  }

  @Test
  void statsCountAcknowledgedBatchesChangesAndBytes() {
    engine.write(new WriteBatch().put(b("ab"), b("123")).delete(b("c"))).join();
    put("d", "4");
    EngineStats s = engine.stats();
    assertEquals(2, s.batches());
    assertEquals(3, s.changes());
    assertEquals(2 + 3 + 1 + 1 + 1, s.bytesWritten());
    assertEquals(0, s.pendingBatches());
    assertEquals(0, s.failedBatches());
  }
}
