package io.conduit.cli.bench;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * A bounded, uniform sample of one client's latencies (reservoir sampling): memory stays fixed
 * however long the run, and percentiles over it stay unbiased. Used by one thread.
 */
final class LatencySample {

  private final long[] values;
  private final SplittableRandom random = new SplittableRandom(42);
  private long seen;

  LatencySample(int capacity) {
    values = new long[capacity];
  }

  void record(long nanos) {
    if (seen < values.length) {
      values[(int) seen] = nanos;
    } else {
      long slot = random.nextLong(seen + 1);
      if (slot < values.length) {
        values[(int) slot] = nanos;
      }
    }
    seen++;
  }

  long[] values() {
    return Arrays.copyOf(values, (int) Math.min(seen, values.length));
  }
}
