package io.conduit.bridge;

import java.lang.System.Logger.Level;
import java.util.function.Supplier;

/**
 * One kind of log line that clients can cause (a refused subscription, a closed connection, a
 * worker breaking the protocol): written at most once a second, saying how many like it were left
 * out, so that a client repeating a mistake cannot flood the node's log. Event-loop only.
 */
final class ThrottledLog {

  private static final long EVERY_NANOS = 1_000_000_000L;

  private final System.Logger log;
  private final Level level;
  private final String skippedWhat;
  private long lastNanos = System.nanoTime() - EVERY_NANOS - 1;
  private int skipped;

  /** @param skippedWhat how the suffix names the left-out lines ("more closed", "more refused") */
  ThrottledLog(System.Logger log, Level level, String skippedWhat) {
    this.log = log;
    this.level = level;
    this.skippedWhat = skippedWhat;
  }

  void log(Supplier<String> line) {
    long now = System.nanoTime();
    if (now - lastNanos > EVERY_NANOS) {
      log.log(level, line.get() + (skipped > 0 ? "; " + skipped + " " + skippedWhat + " since the last such line" : ""));
      lastNanos = now;
      skipped = 0;
    } else {
      skipped++;
    }
  }
}
