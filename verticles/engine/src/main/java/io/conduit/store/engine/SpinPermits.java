package io.conduit.store.engine;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * How many writer threads may spin at once. A node with many stores, each written by a lone client,
 * would otherwise keep every core spinning; beyond the cap a writer sleeps, as every writer did
 * before spinning existed.
 */
final class SpinPermits {

  /** The JVM's writers share half the cores, at least one. */
  static final SpinPermits SHARED = new SpinPermits(Math.max(1, Runtime.getRuntime().availableProcessors() / 2));

  private final int max;
  private final AtomicInteger spinning = new AtomicInteger();

  SpinPermits(int max) {
    if (max < 1) {
      throw new IllegalArgumentException("at least one writer must be allowed to spin, got " + max);
    }
    this.max = max;
  }

  /** True if the caller may spin now; it must then call {@link #release()} when it stops. */
  boolean tryAcquire() {
    int now;
    do {
      now = spinning.get();
      if (now >= max) {
        return false;
      }
    } while (!spinning.compareAndSet(now, now + 1));
    return true;
  }

  void release() {
    spinning.decrementAndGet();
  }

  int max() {
    return max;
  }
}
