package io.conduit.store.engine;

/**
 * How long the writer thread should spin for its next batch before it parks, judged from how fast
 * batches have been arriving.
 *
 * <p>Parking costs every write a wake-up: the submitting thread unparks the writer and the write waits
 * until the scheduler runs it, tens of microseconds on a virtual machine, several times the write
 * itself. When batches arrive faster than that, they pile up while the writer wakes and the next
 * group takes them all, so parking costs nothing and spinning would only take a core from the
 * threads that produce the load. When they arrive one by one, a few clients each waiting for its
 * write, the wake-up is on every request's path; then the writer spins a little, and gives up the
 * core once the gap exceeds what a client's round trip takes.
 *
 * <p>Used by the writer thread only.
 */
final class ArrivalPace {

  /** Below this mean gap, batches pile up while the writer wakes: it parks. */
  static final long SPIN_FLOOR_NANOS = 40_000;
  /** Above this mean gap the writer parks: spinning would hold a core for a client that writes rarely. */
  static final long SPIN_MAX_NANOS = 500_000;

  private long lastArrival;
  private boolean seen;
  /** Mean gap between submissions, weighted to the last eight or so. */
  private long meanGap = Long.MAX_VALUE / 2;

  /** Records a batch submitted at {@code submittedAt} ({@link System#nanoTime()}), in queue order. */
  void arrived(long submittedAt) {
    arrived(submittedAt, 1);
  }

  /**
   * Records a batch that joins {@code writers} writers' batches: as many arrivals, spread over the
   * gap since the last. A store that hands over each turn of its event loop's writes at once must
   * not look like one slow client (the writer would spin between turns for nothing).
   */
  void arrived(long submittedAt, int writers) {
    if (seen) {
      // one long idle spell must not keep the writer parking for long once writes come back
      long gap = Math.min(Math.max(0, submittedAt - lastArrival) / Math.max(1, writers), 2 * SPIN_MAX_NANOS);
      meanGap = meanGap >= 2 * SPIN_MAX_NANOS ? gap : meanGap + (gap - meanGap) / 8;
    }
    seen = true;
    lastArrival = submittedAt;
  }

  /** The mean gap between writes, weighted to the last eight or so; huge before two have come. */
  long meanGapNanos() {
    return meanGap;
  }

  /** How long to spin for the next batch before parking; 0 to park at once. */
  long spinNanos() {
    // twice the mean gap catches a client at its usual pace, and waits little on one that paused
    return meanGap >= SPIN_FLOOR_NANOS && meanGap <= SPIN_MAX_NANOS ? 2 * meanGap : 0;
  }
}
