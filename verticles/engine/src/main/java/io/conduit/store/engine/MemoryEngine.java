package io.conduit.store.engine;

import java.util.Arrays;
import java.util.Map;
import java.util.NavigableMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.function.BiPredicate;

/**
 * Keeps everything in memory, for prototyping and tests: same ordering and batch semantics as
 * RocksDB, nothing survives the process. Writes complete at once, whatever the durability.
 */
public final class MemoryEngine implements KeyValueEngine {

  private final ConcurrentSkipListMap<byte[], byte[]> data = new ConcurrentSkipListMap<>(Arrays::compareUnsigned);
  private final WriteCounters counters = new WriteCounters();
  private final Object writeLock = new Object();
  private volatile boolean closed;

  @Override
  public byte[] get(byte[] key) {
    checkOpen();
    byte[] value = data.get(key);
    return value == null ? null : value.clone();
  }

  @Override
  public void scan(byte[] fromInclusive, byte[] toExclusive, BiPredicate<byte[], byte[]> visitor) {
    checkOpen();
    NavigableMap<byte[], byte[]> range = data;
    if (fromInclusive != null && toExclusive != null && Arrays.compareUnsigned(fromInclusive, toExclusive) >= 0) {
      return;
    }
    if (fromInclusive != null) {
      range = range.tailMap(fromInclusive, true);
    }
    if (toExclusive != null) {
      range = range.headMap(toExclusive, false);
    }
    for (Map.Entry<byte[], byte[]> e : range.entrySet()) {
      if (!visitor.test(e.getKey().clone(), e.getValue().clone())) {
        return;
      }
    }
  }

  @Override
  public CompletableFuture<Void> write(WriteBatch batch) {
    batch.seal();
    // One writer at a time keeps batches in call order and never interleaves two batches' changes.
    synchronized (writeLock) {
      if (closed) {
        return CompletableFuture.failedFuture(new EngineException("the memory engine is closed"));
      }
      counters.submitted();
      for (WriteBatch.Change c : batch.changes()) {
        if (c.deletesRange()) {
          data.subMap(c.key(), true, c.rangeEnd(), false).clear();
        } else if (c.value() == null) {
          data.remove(c.key());
        } else {
          data.put(c.key(), c.value());
        }
      }
      counters.acknowledged(batch);
    }
    return CompletableFuture.completedFuture(null);
  }

  @Override
  public EngineStats stats() {
    return counters.snapshot(0);
  }

  @Override
  public String describe() {
    return "memory (nothing is persisted)";
  }

  @Override
  public void close() {
    synchronized (writeLock) {
      closed = true;
    }
  }

  private void checkOpen() {
    if (closed) {
      throw new EngineException("the memory engine is closed");
    }
  }
}
