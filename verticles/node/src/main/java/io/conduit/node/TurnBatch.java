package io.conduit.node;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.function.Consumer;

/**
 * What one turn of an event loop queues, handed on together by one task queued behind the turn's
 * work: the first item of a turn schedules the task, the others join it. Under 16 clients a turn
 * carries five to a dozen requests; one task (one dispatch, one hand-off to another thread) for
 * all of them instead of one each is what the bridge's flushes, the direct calls to a store and a
 * store's journal writes batch with this.
 *
 * <p>The task hands on what was queued when it started: an item added while the batch is handed
 * on waits for a task of its own, behind whatever the loop has meanwhile. Used from that loop only.
 */
public final class TurnBatch<T> {

  private final Executor loop;
  private final Consumer<List<T>> handOn;
  private List<T> items = new ArrayList<>();
  private boolean scheduled;

  /**
   * @param loop   runs the turn's task: the event loop (or something that dispatches on it)
   * @param handOn takes a turn's items, in the order they came; the list is its own
   */
  public TurnBatch(Executor loop, Consumer<List<T>> handOn) {
    this.loop = loop;
    this.handOn = handOn;
  }

  /** Where the turn's task runs. */
  public Executor loop() {
    return loop;
  }

  /** Queues {@code item}; throws, adding nothing, when the loop takes no more tasks. */
  public void add(T item) {
    if (!scheduled) {
      loop.execute(this::run); // first: an item is never left without a task to hand it on
      scheduled = true;
    }
    items.add(item);
  }

  /** Hands on what is queued now, before the turn's work is done; the turn's task then has only what comes after. */
  public void handOnNow() {
    if (!items.isEmpty()) {
      List<T> now = items;
      items = new ArrayList<>();
      handOn.accept(now);
    }
  }

  private void run() {
    scheduled = false;
    handOnNow();
  }
}
