package io.conduit.worker;

import io.conduit.deploy.Scaling;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** When the scaler steps: only after the load stayed on one side for the configured time, one at a time, within min..max. */
class HysteresisTest {

  private static final Scaling POLICY = new Scaling(2, 100, 1_000, 5_000);
  private static final long TICK = 100;

  /** Feeds the same load every tick from {@code fromMs} to {@code toMs}; returns the first step, or none. */
  private static Hysteresis.Step feed(Hysteresis h, long fromMs, long toMs, int instances, int min, int max,
                                      int inFlight, long delayMs) {
    for (long t = fromMs; t <= toMs; t += TICK) {
      Hysteresis.Step step = h.observe(t, instances, min, max, inFlight, delayMs, POLICY);
      if (step.delta() != 0) {
        return new Hysteresis.Step(step.delta(), t + ": " + step.reason());
      }
    }
    return Hysteresis.Step.NONE;
  }

  @Test
  void addsOneInstanceOnlyAfterTheLoadStayedHighForUpAfterMs() {
    Hysteresis h = new Hysteresis(TICK);
    assertEquals(0, feed(h, 0, 900, 1, 1, 4, 10, 0).delta(), "too early");
    Hysteresis.Step step = h.observe(1_000, 1, 1, 4, 10, 0, POLICY);
    assertEquals(1, step.delta());
    assertEquals("10.0 requests in flight per instance, over the target 2, for 1000 ms", step.reason());
  }

  @Test
  void aQuietMomentInsideTheWindowDoesNotResetTheUpDelay() {
    Hysteresis h = new Hysteresis(TICK);
    feed(h, 0, 500, 1, 1, 4, 10, 0);
    h.observe(600, 1, 1, 4, 0, 0, POLICY);
    assertEquals(1, feed(h, 700, 1_000, 1, 1, 4, 10, 0).delta());
  }

  @Test
  void queueingDelayOverTheLimitAlsoAddsAnInstance() {
    Hysteresis h = new Hysteresis(TICK);
    Hysteresis.Step step = feed(h, 0, 2_000, 2, 1, 4, 1, 400);
    assertEquals(1, step.delta());
    assertTrue(step.reason().endsWith("requests waited 400 ms for an instance, over 100 ms, for 1000 ms"), step.reason());
  }

  @Test
  void neverAboveMax() {
    Hysteresis h = new Hysteresis(TICK);
    assertEquals(0, feed(h, 0, 10_000, 4, 1, 4, 100, 500).delta());
  }

  @Test
  void removesOneInstanceOnlyAfterTheLoadStayedLowForDownAfterMs() {
    Hysteresis h = new Hysteresis(TICK);
    assertEquals(0, feed(h, 0, 4_900, 3, 1, 4, 0, 0).delta(), "too early");
    Hysteresis.Step step = h.observe(5_000, 3, 1, 4, 0, 0, POLICY);
    assertEquals(-1, step.delta());
    assertTrue(step.reason().startsWith("0.0 requests in flight per instance"), step.reason());
  }

  @Test
  void neverBelowMin() {
    Hysteresis h = new Hysteresis(TICK);
    assertEquals(0, feed(h, 0, 60_000, 2, 2, 4, 0, 0).delta());
  }

  @Test
  void aLoadBetweenTheThresholdsKeepsTheCount() {
    // 3 instances, 5 in flight: 1.7 each is under the target 2, but two instances would carry 2.5 each.
    Hysteresis h = new Hysteresis(TICK);
    assertEquals(0, feed(h, 0, 60_000, 3, 1, 4, 5, 0).delta());
  }

  @Test
  void afterAStepTheNextNeedsAFullDelayAgain() {
    Hysteresis h = new Hysteresis(TICK);
    assertEquals(1, feed(h, 0, 1_000, 1, 1, 4, 20, 0).delta());
    h.restart(1_050);
    assertEquals(0, feed(h, 1_100, 2_000, 2, 1, 4, 20, 0).delta(), "a second step within upAfterMs");
    assertEquals(1, feed(h, 2_100, 2_100, 2, 1, 4, 20, 0).delta());
  }
}
