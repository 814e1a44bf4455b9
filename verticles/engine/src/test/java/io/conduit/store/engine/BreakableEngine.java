package io.conduit.store.engine;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BiPredicate;

/**
 * A memory engine whose writes fail, as on a full disk, while {@code broken} is set; close() keeps
 * the data, so a "restart" of a store on it finds what was durable. For the stores' failure tests.
 */
public final class BreakableEngine implements KeyValueEngine {
  private final MemoryEngine delegate = new MemoryEngine();
  public final AtomicBoolean broken = new AtomicBoolean();
  /** While set, a write throws at once, as an engine with a bug of its own would. */
  public final AtomicBoolean faulty = new AtomicBoolean();
  /** While set, a write throws an {@code Error} at once (a stack overflow, as encoding data nested too deep would). */
  public final AtomicBoolean erring = new AtomicBoolean();

  @Override
  public byte[] get(byte[] key) {
    return delegate.get(key);
  }

  @Override
  public void scan(byte[] from, byte[] to, BiPredicate<byte[], byte[]> visitor) {
    delegate.scan(from, to, visitor);
  }

  @Override
  public CompletableFuture<Void> write(WriteBatch batch) {
    if (faulty.get()) {
      throw new IllegalStateException("an engine fault");
    }
    if (erring.get()) {
      throw new StackOverflowError(); // as the JVM throws it: no message
    }
    return broken.get() ? CompletableFuture.failedFuture(new EngineException("no space left on device"))
        : delegate.write(batch);
  }

  @Override
  public EngineStats stats() {
    return delegate.stats();
  }

  @Override
  public String describe() {
    return "breakable memory engine";
  }

  @Override
  public void close() {
    // kept open, so a "restart" finds what was durable
  }
}
