package io.conduit.task;

import java.security.SecureRandom;
import java.util.UUID;

/**
 * Task ids: time-ordered UUIDs (version 7, RFC 9562) whose 12 bits after the millisecond count up
 * within a millisecond on this node (the RFC's "fixed-length dedicated counter"), so that tasks
 * submitted on one node sort by id in the order they were submitted, also within one millisecond.
 * The list order (submission time, then id) relies on it; a random id put tasks submitted in the
 * same millisecond in a random order. The other 62 bits are random, as in a random UUID.
 */
final class TaskIds {

  private static final SecureRandom RANDOM = new SecureRandom();
  private static final int COUNTER_MAX = 0xFFF;

  private static long lastMs = -1;
  private static int counter;

  private TaskIds() {
  }

  /** A new id for a task submitted at {@code nowMs} (epoch ms). */
  static String next(long nowMs) {
    long ms;
    int count;
    synchronized (TaskIds.class) {
      if (nowMs > lastMs) {
        lastMs = nowMs;
        counter = 0;
      } else if (++counter > COUNTER_MAX) {
        lastMs++; // 4,096 in one millisecond: borrow the next one, so that ids keep growing
        counter = 0;
      }
      ms = lastMs;
      count = counter;
    }
    long high = (ms & 0xFFFF_FFFF_FFFFL) << 16 | 0x7000L | count;
    long low = RANDOM.nextLong() & 0x3FFF_FFFF_FFFF_FFFFL | 0x8000_0000_0000_0000L;
    return new UUID(high, low).toString();
  }
}
