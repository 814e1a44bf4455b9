package io.conduit.store.graph;

import io.conduit.codec.ErrorCode;

/**
 * Bounds a query's work, so one huge query cannot hold the store's thread (an event loop) for long:
 * evaluation checks the clock every few thousand entities and gives up past the time limit with a
 * 413 that says how to narrow the query.
 */
final class Budget {

  private final long deadline;
  private final long limitMs;
  private int ticks;

  Budget(long limitMs) {
    this.limitMs = limitMs;
    this.deadline = System.nanoTime() + limitMs * 1_000_000;
  }

  /** Counts one entity visited; throws once the time limit is past. */
  void tick(Step step) {
    if ((++ticks & 4095) == 0 && System.nanoTime() > deadline) {
      throw new GraphException(ErrorCode.TOO_LARGE, "the query ran past its time limit of " + limitMs + " ms at "
          + step.where() + "; narrow it with filters on an indexed field, or a limit step");
    }
  }
}
