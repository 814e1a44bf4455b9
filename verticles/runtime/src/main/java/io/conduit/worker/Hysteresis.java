package io.conduit.worker;

import io.conduit.deploy.Scaling;

import java.util.Locale;

/**
 * The scaler's decision for one service: a step up or down only after the load has stayed on one
 * side of its threshold for the configured time, one instance at a time, never outside min..max.
 * Between the two thresholds (busy, but not enough to need another instance) nothing changes, so
 * the count does not flap. The load is the mean of the samples over the last {@link #WINDOW_MS}.
 * Synchronized: the scaler's tick observes, a finished scale operation restarts, on other threads.
 */
final class Hysteresis {

  /** Samples are averaged over this much time, so one quiet moment does not count as idle. */
  static final long WINDOW_MS = 500;

  private final double[] inFlight;
  private final long[] queueDelay;
  private int samples;
  private int next;
  private long highSince = -1;
  private long lowSince = -1;

  Hysteresis(long tickMs) {
    int size = (int) Math.max(1, WINDOW_MS / Math.max(1, tickMs));
    inFlight = new double[size];
    queueDelay = new long[size];
  }

  /** A step of the instance count (+1, -1) with its reason, or none. */
  record Step(int delta, String reason) {
    static final Step NONE = new Step(0, "");
  }

  /**
   * Takes one sample and decides.
   *
   * @param nowMs      a monotonic clock in milliseconds
   * @param instances  instances running now
   * @param min        the least allowed
   * @param max        the most allowed
   * @param inFlight   requests in flight in all instances
   * @param queueDelayMs the longest wait for an instance's thread
   */
  synchronized Step observe(long nowMs, int instances, int min, int max, int inFlight, long queueDelayMs, Scaling policy) {
    this.inFlight[next] = inFlight;
    this.queueDelay[next] = queueDelayMs;
    next = (next + 1) % this.inFlight.length;
    samples = Math.min(samples + 1, this.inFlight.length);
    double load = mean();
    long delay = meanDelay();
    double perInstance = load / Math.max(1, instances);
    boolean busy = perInstance > policy.targetInFlight();
    boolean queued = delay > policy.maxQueueDelayMs();
    boolean low = !busy && !queued && delay <= policy.maxQueueDelayMs() / 2
        && (instances <= 1 || load / (instances - 1) <= policy.targetInFlight() / 2);
    if (busy || queued) {
      lowSince = -1;
      highSince = highSince < 0 ? nowMs : highSince;
      if (nowMs - highSince >= policy.upAfterMs() && instances < max) {
        highSince = nowMs;
        String why = busy
            ? String.format(Locale.ROOT, "%.1f requests in flight per instance, over the target %s, for %d ms",
                perInstance, number(policy.targetInFlight()), policy.upAfterMs())
            : String.format(Locale.ROOT, "requests waited %d ms for an instance, over %d ms, for %d ms",
                delay, policy.maxQueueDelayMs(), policy.upAfterMs());
        return new Step(1, why);
      }
    } else if (low) {
      highSince = -1;
      lowSince = lowSince < 0 ? nowMs : lowSince;
      if (nowMs - lowSince >= policy.downAfterMs() && instances > min) {
        lowSince = nowMs;
        return new Step(-1, String.format(Locale.ROOT,
            "%.1f requests in flight per instance, one fewer can carry them under half the target %s, for %d ms",
            perInstance, number(policy.targetInFlight()), policy.downAfterMs()));
      }
    } else {
      highSince = -1;
      lowSince = -1;
    }
    return Step.NONE;
  }

  /** Forgets the timing (after a step or a change made by someone else): the next step needs a full delay. */
  synchronized void restart(long nowMs) {
    highSince = highSince < 0 ? -1 : nowMs;
    lowSince = lowSince < 0 ? -1 : nowMs;
  }

  private double mean() {
    double sum = 0;
    for (int i = 0; i < samples; i++) {
      sum += inFlight[i];
    }
    return samples == 0 ? 0 : sum / samples;
  }

  private long meanDelay() {
    long sum = 0;
    for (int i = 0; i < samples; i++) {
      sum += queueDelay[i];
    }
    return samples == 0 ? 0 : sum / samples;
  }

  private static String number(double d) {
    return d == Math.rint(d) ? Long.toString((long) d) : Double.toString(d);
  }
}
