package io.conduit.store.doc;

import io.vertx.core.Context;
import io.vertx.core.internal.ContextInternal;

import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BiConsumer;

/**
 * Brings the engine's write outcomes back to the store's context, one dispatch for all the outcomes
 * that arrive together.
 *
 * <p>The engine's writer acknowledges a group of writes at once. Hopping back with
 * {@code Future.fromCompletionStage(write, context)} cost each write its own task on the event loop
 * (a dispatch with the context's bookkeeping around it); here the first outcome of a burst schedules
 * one task, and that task runs every outcome that has arrived by then, in arrival order.
 */
final class ContextHop {

  private final ContextInternal context;
  private final Queue<Runnable> arrived = new ConcurrentLinkedQueue<>();
  private final AtomicBoolean scheduled = new AtomicBoolean();

  ContextHop(Context context) {
    this.context = (ContextInternal) context;
  }

  /**
   * Runs {@code action} on the context with the future's outcome: at once when it completes on the
   * context's thread with no earlier outcome waiting (a memory store's write), else in the next drain.
   */
  <T> void whenComplete(CompletableFuture<T> future, BiConsumer<? super T, ? super Throwable> action) {
    future.whenComplete((value, failure) -> {
      if (context.inThread() && arrived.isEmpty()) {
        context.dispatch(() -> action.accept(value, failure)); // on this context, a failure reported
        return;
      }
      arrived.add(() -> action.accept(value, failure));
      if (scheduled.compareAndSet(false, true)) {
        context.runOnContext(v -> drain());
      }
    });
  }

  private void drain() {
    // cleared before polling: an outcome added after the last poll schedules the next drain
    scheduled.set(false);
    for (Runnable action = arrived.poll(); action != null; action = arrived.poll()) {
      try {
        action.run();
      } catch (RuntimeException e) {
        context.reportException(e); // as Vert.x does for a failing handler; the others still run
      }
    }
  }
}
