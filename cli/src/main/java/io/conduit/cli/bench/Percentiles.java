package io.conduit.cli.bench;

import java.util.Arrays;

/**
 * Latency percentiles in nanoseconds, by nearest rank over a sample: the p-th percentile is the
 * smallest value with at least p % of the sample at or below it.
 */
public record Percentiles(long p50, long p99, long p999, long max, int samples) {

  public static final Percentiles NONE = new Percentiles(0, 0, 0, 0, 0);

  /** Percentiles of these samples; sorts the array in place. */
  public static Percentiles of(long[] samples) {
    if (samples.length == 0) {
      return NONE;
    }
    Arrays.sort(samples);
    return new Percentiles(rank(samples, 500), rank(samples, 990), rank(samples, 999), samples[samples.length - 1],
        samples.length);
  }

  /** The value at a percentile given in tenths of a percent, in integers so 99.9 % of 1000 is exactly rank 999. */
  static long rank(long[] sorted, int permille) {
    long rank = ((long) permille * sorted.length + 999) / 1000;
    return sorted[(int) Math.max(0, Math.min(sorted.length, rank) - 1)];
  }
}
