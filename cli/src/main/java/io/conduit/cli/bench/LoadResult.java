package io.conduit.cli.bench;

import java.util.Map;

/**
 * What one load run measured.
 *
 * @param target       what was measured ("bridge" or "raw")
 * @param ok           successful replies
 * @param errors       ERROR replies by code
 * @param unanswered   requests still without a reply when the run ended
 * @param elapsedNanos from the first request (after warm-up) to the last reply
 * @param latency      round-trip latency of successful replies
 * @param note         why the run ended early, or null
 */
public record LoadResult(String target, long ok, Map<String, Long> errors, long unanswered, long elapsedNanos,
                         Percentiles latency, String note) {

  public long errorCount() {
    return errors.values().stream().mapToLong(Long::longValue).sum();
  }

  /** Replies (successful or not) per second. */
  public double throughput() {
    return elapsedNanos == 0 ? 0 : (ok + errorCount()) * 1e9 / elapsedNanos;
  }
}
