package io.conduit.web;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The console's rate and percentiles: within a bucket's width (12.5 %) of the truth, over the last half minute. */
class LatencyWindowTest {

  private static final long MS = 1_000_000L;

  @Test
  void percentilesAreWithinABucketOfTheTruth() {
    LatencyWindow w = new LatencyWindow(0);
    for (int i = 1; i <= 1000; i++) {
      w.record(1_000 * MS, i * MS / 10);
    }
    LatencyWindow.Snapshot s = w.snapshot(1_000 * MS);
    assertEquals(1000, s.count());
    assertTrue(s.p50Ms() >= 50 && s.p50Ms() <= 50 * 1.125, "p50 " + s.p50Ms());
    assertTrue(s.p99Ms() >= 99 && s.p99Ms() <= 99 * 1.125, "p99 " + s.p99Ms());
  }

  @Test
  void rateIsRequestsPerSecondOverTheWindow() {
    LatencyWindow w = new LatencyWindow(0);
    long start = 100_000 * MS;
    for (int second = 0; second < 30; second++) {
      for (int i = 0; i < 100; i++) {
        w.record(start + second * 1_000 * MS, MS);
      }
    }
    LatencyWindow.Snapshot s = w.snapshot(start + 29_999 * MS);
    assertTrue(s.perSecond() > 90 && s.perSecond() < 110, "rate " + s.perSecond());
  }

  @Test
  void oldRecordingsAgeOut() {
    LatencyWindow w = new LatencyWindow(0);
    w.record(10_000 * MS, MS);
    LatencyWindow.Snapshot later = w.snapshot(10_000 * MS + 60_000 * MS);
    assertEquals(0, later.count());
    assertEquals(0.0, later.p99Ms());
  }
}
