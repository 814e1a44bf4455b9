package io.conduit.store.graph;

import io.conduit.codec.ErrorCode;
import io.conduit.store.engine.EngineStats;
import io.conduit.store.engine.KeyValueEngine;
import io.conduit.store.engine.MemoryEngine;
import io.conduit.store.engine.WriteBatch;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.BiPredicate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A write whose durability fails because the store stopped being its address's owner (the
 * replication to its standbys was stopped) is a retriable UNAVAILABLE, and the store is not taken
 * for broken; the same failure while it owns the address is a storage failure that stops it.
 */
class GraphStoreOwnershipTest {

  /** An engine whose writes fail, as an owner's do once its replication has stopped. */
  private static KeyValueEngine failingWrites() {
    MemoryEngine memory = new MemoryEngine();
    return new KeyValueEngine() {
      @Override
      public byte[] get(byte[] key) {
        return memory.get(key);
      }

      @Override
      public void scan(byte[] from, byte[] to, BiPredicate<byte[], byte[]> visitor) {
        memory.scan(from, to, visitor);
      }

      @Override
      public CompletableFuture<Void> write(WriteBatch batch) {
        return CompletableFuture.failedFuture(new IllegalStateException("graph store 'g' is no longer the owner"));
      }

      @Override
      public EngineStats stats() {
        return memory.stats();
      }

      @Override
      public String describe() {
        return "failing";
      }

      @Override
      public void close() {
        memory.close();
      }
    };
  }

  private static GraphStore store() {
    return new GraphStore("g", new GraphData(), new GraphJournal(failingWrites()),
        GraphStoreOptions.fromJson(new JsonObject()), Map.of(), Runnable::run);
  }

  @Test
  void aWriteThatFailsAfterTheStoreStoppedOwningIsUnavailableAndTheStoreIsNotBroken() {
    GraphStore store = store().ownedWhile(() -> false);
    Object failed = GraphCalls.submit(store, "{\"op\":\"addNode\",\"data\":{\"n\":1}}");
    assertTrue(failed instanceof GraphException e && e.code() == ErrorCode.UNAVAILABLE
        && e.getMessage().contains("may or may not have been applied"), String.valueOf(failed));
    assertEquals(null, store.failure());
  }

  @Test
  void theSameFailureWhileOwningStopsTheStore() {
    GraphStore store = store();
    Object failed = GraphCalls.submit(store, "{\"op\":\"addNode\",\"data\":{\"n\":1}}");
    assertTrue(failed instanceof GraphException e && e.code() == ErrorCode.INTERNAL, String.valueOf(failed));
    assertTrue(store.failure().contains("stopped serving"), store.failure());
  }
}
