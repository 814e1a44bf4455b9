package io.conduit.store.engine;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RocksEngineTest extends KeyValueEngineContract {

  @Override
  KeyValueEngine open(Path dir) {
    return Engines.open("rocksdb", dir, Durability.DEFAULT);
  }

  private long syncsFor(Durability durability, int writes) {
    try (KeyValueEngine e = RocksEngine.open(dir.resolve(durability.mode().name()), durability)) {
      List<CompletableFuture<Void>> acks = new ArrayList<>();
      for (int i = 0; i < writes; i++) {
        acks.add(e.write(new WriteBatch().put(b("k" + i), b("v"))));
      }
      CompletableFuture.allOf(acks.toArray(CompletableFuture[]::new)).join();
      assertEquals(writes, e.stats().batches());
      return e.stats().syncs();
    }
  }

  @Test
  void dataSurvivesCloseAndReopen() {
    put("a", "1");
    engine.write(new WriteBatch().put(b("b"), b("2")).delete(b("a"))).join();
    engine.close();
    engine = open(dir);
    assertEquals(List.of("b"), keysIn(null, null));
    assertEquals("2", get("b"));
  }

  @Test
  void writesPendingAtCloseAreThereAfterReopen() {
    for (int i = 0; i < 1_000; i++) {
      engine.write(new WriteBatch().put(b(String.format("k%04d", i)), b("v" + i)));
    }
    engine.close();
    engine = open(dir);
    assertEquals(1_000, keysIn(null, null).size());
    assertEquals("v999", get("k0999"));
  }

  @Test
  void aSecondOpenOfTheSameDirectoryIsRefused() {
    EngineException e = assertThrows(EngineException.class, () -> open(dir));
    assertEquals(dir.toAbsolutePath() + " is already open in this process (RocksDB LOCK); close that engine first",
        e.getMessage());
  }

  @Test
  void aFileWhereTheDirectoryShouldBeIsRefused() throws IOException {
    Path file = Files.writeString(dir.resolve("plain-file"), "x");
    EngineException e = assertThrows(EngineException.class, () -> RocksEngine.open(file, Durability.DEFAULT));
    assertTrue(e.getMessage().startsWith("cannot create the data directory " + file), e.getMessage());
  }

  @Test
  void groupCommitSharesFsyncsAmongWaitingWrites() {
    long syncs = syncsFor(Durability.DEFAULT, 300);
    assertTrue(syncs >= 1 && syncs < 300, "300 concurrent writes took " + syncs + " fsyncs");
  }

  /**
   * A group waits (up to its window) for as many writers as the last one carried, counted in
   * writers: a store that hands over each turn's writes as one batch comes back with them in
   * however many batches.
   */
  @Test
  void aGroupWaitsForAsManyWritersAsTheLastCarriedWhateverBatchesTheyComeIn() throws Exception {
    try (KeyValueEngine e = RocksEngine.open(dir.resolve("writers"), Durability.group(1_000))) {
      e.write(joined(4, "a")).join();
      assertEquals(1, e.stats().syncs());
      CompletableFuture<Void> one = e.write(joined(1, "b"));
      assertThrows(TimeoutException.class, () -> one.get(100, TimeUnit.MILLISECONDS),
          "one writer of the four that wrote last time was written without waiting for the others");
      CompletableFuture<Void> three = e.write(joined(3, "c"));
      CompletableFuture.allOf(one, three).get(10, TimeUnit.SECONDS);
      assertEquals(2, e.stats().syncs(), "the four writers shared one fsync");
    }
  }

  /** One batch joining {@code writers} writers' batches, as a store's turn hands them over. */
  private static WriteBatch joined(int writers, String prefix) {
    WriteBatch batch = new WriteBatch().put(b(prefix + 0), b("v"));
    for (int i = 1; i < writers; i++) {
      batch.addAll(new WriteBatch().put(b(prefix + i), b("v")));
    }
    return batch;
  }

  @Test
  void alwaysSyncsEveryBatch() {
    assertEquals(50, syncsFor(Durability.always(), 50));
  }

  @Test
  void noneNeverSyncs() {
    assertEquals(0, syncsFor(Durability.none(), 50));
  }

  @Test
  void describeNamesTheDirectoryAndDurability() {
    assertEquals("rocksdb at " + dir + ", group commit ≤ 2 ms", engine.describe());
  }

  @Test
  void aCloseFromAWriteCallbackDoesNotDeadlock() {
    CompletableFuture<Void> ack = engine.write(new WriteBatch().put(b("a"), b("1")));
    CompletableFuture<Void> closedInCallback = ack.thenRun(engine::close);
    closedInCallback.join();
    engine.close();
    engine = open(dir);
    assertEquals("1", get("a"));
  }

  /** A batch joining {@code writers} writers' batches, as a store's turn hands over. */
  private static WriteBatch joined(int writers, int n) {
    WriteBatch batch = new WriteBatch().put(b("w" + n + "-0"), b("v"));
    for (int i = 1; i < writers; i++) {
      batch.addAll(new WriteBatch().put(b("w" + n + "-" + i), b("v")));
    }
    return batch;
  }

  /**
   * On a thread kept on one CPU, hands {@code engine} bursts of batches of {@code writers} writers
   * (or, with 1, one awaited write at a time) until {@code until} holds for the writer's CPU or
   * {@code rounds} rounds are done; returns that CPU and what the writer was kept on last.
   */
  private static int[] writeFromOneCpu(RocksEngine engine, int writers, int rounds,
                                       java.util.function.BiPredicate<Integer, Integer> until) throws Exception {
    ThreadCpu cpus = LinuxThreadCpu.load();
    CompletableFuture<int[]> result = new CompletableFuture<>();
    Thread t = new Thread(() -> {
      try {
        int cpu = cpus.current();
        assertTrue(cpus.runOnlyOn(ThreadCpu.only(cpu)));
        int n = 0;
        for (int round = 0; round < rounds && !until.test(cpu, engine.writerKeptOn()); round++) {
          List<CompletableFuture<Void>> acks = new ArrayList<>();
          for (int i = 0; i < 64; i++) {
            acks.add(engine.write(joined(writers, n++)));
            if (writers == 1) {
              acks.get(acks.size() - 1).join();
            }
          }
          CompletableFuture.allOf(acks.toArray(CompletableFuture[]::new)).join();
        }
        result.complete(new int[] {cpu, engine.writerKeptOn()});
      } catch (Throwable e) {
        result.completeExceptionally(e);
      }
    }, "writes-from-one-cpu");
    t.start();
    return result.get(60, TimeUnit.SECONDS);
  }

  @Test
  void theWriterIsKeptOnTheCpuOfWritesThatPileUpAndLetGoWhenTheyComeOneAtATime() throws Exception {
    try (RocksEngine e = RocksEngine.open(dir.resolve("placed"), Durability.none())) {
      int[] piled = writeFromOneCpu(e, 8, 2_000, (cpu, kept) -> kept.equals(cpu));
      assertEquals(piled[0], piled[1], "bursts of 8-writer batches from CPU " + piled[0]);
      int[] single = writeFromOneCpu(e, 1, 2_000, (cpu, kept) -> kept == -1);
      assertEquals(-1, single[1], "one awaited write at a time from CPU " + single[0]);
    }
  }

  @Test
  void aWriterThatWaitsForFsyncsIsNeverKept() throws Exception {
    try (RocksEngine e = RocksEngine.open(dir.resolve("durable"), Durability.group(1))) {
      int[] piled = writeFromOneCpu(e, 8, 30, (cpu, kept) -> kept != -1);
      assertEquals(-1, piled[1]);
    }
  }

  @Test
  void withWriterCpuAnyTheWriterIsNeverKept() throws Exception {
    try (RocksEngine e = RocksEngine.open(dir.resolve("any"), Durability.none(), WriterPlacement.Mode.ANY)) {
      int[] piled = writeFromOneCpu(e, 8, 100, (cpu, kept) -> kept != -1);
      assertEquals(-1, piled[1]);
    }
  }

  @Test
  void aWriterCpuSettingThatIsNotKnownIsRefusedByName() {
    System.setProperty(WriterPlacement.PROPERTY, "sometimes");
    try {
      EngineException e = assertThrows(EngineException.class, () -> RocksEngine.open(dir.resolve("x"), Durability.none()));
      assertEquals("conduit.engine.writerCpu must be follow or any, not 'sometimes'", e.getMessage());
    } finally {
      System.clearProperty(WriterPlacement.PROPERTY);
    }
  }
}
