package io.conduit.store.engine;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

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
}
