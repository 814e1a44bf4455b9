package io.conduit.web;

import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * Request latencies of the last ~30 seconds in log-linear buckets (at most 12.5 % wide), for the rate
 * and the p50/p99 the console shows. Lock-free: six 5-second slots in a ring, each reset by the
 * first recording that finds it stale. Readings are approximate while a slot turns over, which a
 * dashboard tolerates.
 */
final class LatencyWindow {

  static final long SLOT_NANOS = 5_000_000_000L;
  private static final int SLOTS = 6;
  /** Buckets per doubling; 8 gives at most 12.5 % resolution. */
  private static final int STEPS = 8;
  /** 1 µs to 2^28 µs (268 s); longer requests land in the last bucket. */
  private static final int BUCKETS = 28 * STEPS;

  private final AtomicLongArray[] counts = new AtomicLongArray[SLOTS];
  private final AtomicLong[] epochs = new AtomicLong[SLOTS];
  private final long createdNanos;

  LatencyWindow(long nowNanos) {
    for (int i = 0; i < SLOTS; i++) {
      counts[i] = new AtomicLongArray(BUCKETS);
      epochs[i] = new AtomicLong(-1);
    }
    createdNanos = nowNanos;
  }

  void record(long nowNanos, long latencyNanos) {
    long epoch = nowNanos / SLOT_NANOS;
    int slot = (int) (epoch % SLOTS);
    long seen = epochs[slot].get();
    if (seen != epoch && epochs[slot].compareAndSet(seen, epoch)) {
      AtomicLongArray c = counts[slot];
      for (int i = 0; i < BUCKETS; i++) {
        c.set(i, 0);
      }
    }
    counts[slot].incrementAndGet(bucket(latencyNanos));
  }

  /** Rate and percentiles over the slots that are still current at {@code nowNanos}. */
  Snapshot snapshot(long nowNanos) {
    long epoch = nowNanos / SLOT_NANOS;
    long[] sum = new long[BUCKETS];
    long total = 0;
    for (int s = 0; s < SLOTS; s++) {
      long e = epochs[s].get();
      if (e < 0 || e <= epoch - SLOTS || e > epoch) {
        continue;
      }
      for (int i = 0; i < BUCKETS; i++) {
        long n = counts[s].get(i);
        sum[i] += n;
        total += n;
      }
    }
    long windowStart = (epoch - SLOTS + 1) * SLOT_NANOS;
    double seconds = (nowNanos - Math.max(windowStart, createdNanos)) / 1e9;
    double rate = seconds <= 0 ? 0 : total / Math.max(seconds, 1.0);
    return new Snapshot(total, rate, percentile(sum, total, 0.50), percentile(sum, total, 0.99));
  }

  private static double percentile(long[] buckets, long total, double q) {
    if (total == 0) {
      return 0;
    }
    long rank = (long) Math.ceil(q * total);
    long seen = 0;
    for (int i = 0; i < BUCKETS; i++) {
      seen += buckets[i];
      if (seen >= rank) {
        return upperMicros(i) / 1000.0;
      }
    }
    return upperMicros(BUCKETS - 1) / 1000.0;
  }

  /** Log-linear buckets without a logarithm: the power of two of the microseconds, then 8 linear steps within it. */
  static int bucket(long nanos) {
    long micros = Math.max(1, nanos / 1000);
    int exp = 63 - Long.numberOfLeadingZeros(micros);
    int sub = exp >= 3 ? (int) (micros >>> (exp - 3)) & 7 : (int) (micros << (3 - exp)) & 7;
    return Math.min(exp * STEPS + sub, BUCKETS - 1);
  }

  /** The upper edge of a bucket in microseconds. */
  static double upperMicros(int bucket) {
    int exp = bucket / STEPS;
    int sub = bucket % STEPS;
    return Math.pow(2, exp) * (STEPS + sub + 1) / STEPS;
  }

  /**
   * @param count requests in the window
   * @param perSecond their rate
   * @param p50Ms median latency, milliseconds (upper bucket edge)
   * @param p99Ms 99th percentile, milliseconds (upper bucket edge)
   */
  record Snapshot(long count, double perSecond, double p50Ms, double p99Ms) {
  }
}
