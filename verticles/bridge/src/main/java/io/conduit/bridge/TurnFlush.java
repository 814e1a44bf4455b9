package io.conduit.bridge;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.function.Consumer;

/**
 * The connections of one event loop that have output waiting in this turn, written by one task
 * queued behind the turn's work. Under 16 clients a turn answers about a dozen requests, one per
 * connection: one task for all of them instead of one per connection saves the loop a task-queue
 * round per reply. Event-loop only (the loop's own connections).
 */
final class TurnFlush {

  private final Executor loop;
  private final Consumer<Throwable> fault;
  private List<Runnable> waiting = new ArrayList<>();
  private List<Runnable> spare = new ArrayList<>();
  private boolean scheduled;

  /** {@code fault} hears of a flush that threw; the others still run. */
  TurnFlush(Executor loop, Consumer<Throwable> fault) {
    this.loop = loop;
    this.fault = fault;
  }

  /** The loop this serves: a connection on another one flushes by itself. */
  Executor loop() {
    return loop;
  }

  /** {@code flush} writes a connection's output; it runs once this turn's work is done. */
  void later(Runnable flush) {
    waiting.add(flush);
    if (!scheduled) {
      scheduled = true;
      loop.execute(this::flush);
    }
  }

  private void flush() {
    scheduled = false;
    List<Runnable> now = waiting;
    waiting = spare; // output written while these flush waits for the next task, behind what the loop has meanwhile
    for (int i = 0; i < now.size(); i++) {
      try {
        now.get(i).run();
      } catch (RuntimeException e) {
        fault.accept(e);
      }
    }
    now.clear();
    spare = now;
  }
}
