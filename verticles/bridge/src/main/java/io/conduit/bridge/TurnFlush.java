package io.conduit.bridge;

import io.conduit.node.TurnBatch;

import java.util.List;
import java.util.concurrent.Executor;
import java.util.function.Consumer;

/**
 * The connections of one event loop that have output waiting in this turn, written by one task
 * queued behind the turn's work ({@link TurnBatch}). Under 16 clients a turn answers about a dozen
 * requests, one per connection: one task for all of them instead of one per connection saves the
 * loop a task-queue round per reply. A flush that throws stops none of the others. Event-loop only
 * (the loop's own connections).
 */
final class TurnFlush {

  private final TurnBatch<Runnable> waiting;

  /** {@code fault} hears of a flush that threw; the others still run. */
  TurnFlush(Executor loop, Consumer<Throwable> fault) {
    this.waiting = new TurnBatch<>(loop, flushes -> flush(flushes, fault));
  }

  /** The loop this serves: a connection on another one flushes by itself. */
  Executor loop() {
    return waiting.loop();
  }

  /** {@code flush} writes a connection's output; it runs once this turn's work is done. */
  void later(Runnable flush) {
    waiting.add(flush);
  }

  private static void flush(List<Runnable> flushes, Consumer<Throwable> fault) {
    for (int i = 0; i < flushes.size(); i++) {
      try {
        flushes.get(i).run();
      } catch (RuntimeException e) {
        fault.accept(e);
      }
    }
  }
}
