package io.conduit.store.owner;

import io.conduit.store.engine.EngineStats;
import io.conduit.store.engine.KeyValueEngine;
import io.conduit.store.engine.WriteBatch;

import java.util.concurrent.CompletableFuture;
import java.util.function.BiPredicate;

/**
 * An owner's engine as its store sees it: every write goes to the engine and, numbered in the
 * order it was submitted, to the {@link ReplicationSource}; it completes when the engine has made
 * it durable and the in-sync standbys have acknowledged it. Reads go to the engine.
 */
final class ReplicatedEngine implements KeyValueEngine {

  private final KeyValueEngine engine;
  private final ReplicationSource source;
  private long seq;

  ReplicatedEngine(KeyValueEngine engine, ReplicationSource source) {
    this.engine = engine;
    this.source = source;
  }

  @Override
  public byte[] get(byte[] key) {
    return engine.get(key);
  }

  @Override
  public void scan(byte[] fromInclusive, byte[] toExclusive, BiPredicate<byte[], byte[]> visitor) {
    engine.scan(fromInclusive, toExclusive, visitor);
  }

  /** Synchronized: the number a batch gets is the order the engine receives it in (stores write from two threads). */
  @Override
  public synchronized CompletableFuture<Void> write(WriteBatch batch) {
    if (batch.isEmpty()) {
      return engine.write(batch); // a barrier: nothing to replicate
    }
    CompletableFuture<Void> local = engine.write(batch);
    CompletableFuture<Void> standbys = source.replicate(++seq, batch);
    if (standbys.isDone() && !standbys.isCompletedExceptionally()) {
      return local; // no standby to wait for: the engine's own outcome, as it is
    }
    // the engine's own failure as it is (a thenCombine would wrap it in a CompletionException)
    CompletableFuture<Void> both = new CompletableFuture<>();
    local.whenComplete((v, failed) -> {
      if (failed != null) {
        both.completeExceptionally(unwrap(failed));
      } else {
        standbys.whenComplete((w, notReplicated) -> {
          if (notReplicated != null) {
            both.completeExceptionally(unwrap(notReplicated));
          } else {
            both.complete(null);
          }
        });
      }
    });
    return both;
  }

  private static Throwable unwrap(Throwable e) {
    return e instanceof java.util.concurrent.CompletionException && e.getCause() != null ? e.getCause() : e;
  }

  @Override
  public EngineStats stats() {
    return engine.stats();
  }

  @Override
  public String describe() {
    return engine.describe();
  }

  @Override
  public void close() {
    engine.close();
  }
}
