package io.conduit.store.graph;

import io.conduit.codec.ErrorCode;

/**
 * Bounds a query's work, so one huge query cannot hold the store's thread (an event loop) for long.
 * Work is charged as it is done, in units of about one cheap filter comparison (an expensive one,
 * such as a substring search in a long text, costs more units); the clock is read when a step
 * starts and after every {@value #BATCH} units, and past the time limit the query gives up with a
 * 413 that says how to narrow it.
 */
final class Budget {

  private static final int BATCH = 256;

  private final long deadline;
  private final long limitMs;
  private long untilCheck = BATCH;

  Budget(long limitMs) {
    this.limitMs = limitMs;
    this.deadline = System.nanoTime() + limitMs * 1_000_000;
  }

  /** Reads the clock; throws once the time limit is past. */
  void check(Step step) {
    if (System.nanoTime() - deadline > 0) {
      throw new GraphException(ErrorCode.TOO_LARGE, "the query ran past its time limit of " + limitMs + " ms at "
          + step.where() + "; narrow it with filters on an indexed field, or a limit step");
    }
  }

  /** Counts work done; reads the clock once a batch of it is done. */
  void charge(Step step, long units) {
    untilCheck -= units;
    if (untilCheck <= 0) {
      untilCheck = BATCH;
      check(step);
    }
  }

  /** Counts one unit: an entity visited, an item passed on. */
  void tick(Step step) {
    charge(step, 1);
  }
}
