package io.conduit.store.doc;

import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Write outcomes that the engine's thread produces come back on the store's context, every one, in
 * the order they completed; a failure comes as it was; one action that throws does not keep the
 * others from running.
 */
@ExtendWith(VertxExtension.class)
class ContextHopTest {

  /** What the context's exception handler gets from now on. */
  private static List<Throwable> reportedBy(Context context) {
    List<Throwable> reported = new CopyOnWriteArrayList<>();
    context.exceptionHandler(reported::add);
    return reported;
  }

  /** Runs {@code body} on the context and waits until it has run. */
  private static void runOn(Context context, Runnable body) throws Exception {
    CompletableFuture<Void> ran = new CompletableFuture<>();
    context.runOnContext(v -> {
      body.run();
      ran.complete(null);
    });
    ran.get(10, TimeUnit.SECONDS);
  }

  @Test
  void outcomesCompletedOnAnotherThreadRunOnTheContextInTheirOrder(Vertx vertx) throws Exception {
    Context context = vertx.getOrCreateContext();
    ContextHop hop = new ContextHop(context);
    int count = 5_000;
    List<CompletableFuture<Integer>> writes = new ArrayList<>();
    List<Integer> seen = new CopyOnWriteArrayList<>();
    List<Boolean> onContext = new CopyOnWriteArrayList<>();
    CountDownLatch all = new CountDownLatch(count);
    for (int i = 0; i < count; i++) {
      writes.add(new CompletableFuture<>());
    }
    runOn(context, () -> {
      for (CompletableFuture<Integer> w : writes) {
        hop.whenComplete(w, (value, failure) -> {
          onContext.add(Vertx.currentContext() == context);
          seen.add(value);
          all.countDown();
        });
      }
    });
    Thread writer = new Thread(() -> {
      for (int i = 0; i < count; i++) {
        writes.get(i).complete(i);
      }
    });
    writer.start();
    assertTrue(all.await(10, TimeUnit.SECONDS), "outcomes that never reached the context: " + all.getCount());
    writer.join(10_000);
    for (int i = 0; i < count; i++) {
      assertEquals(i, seen.get(i), "outcome " + i + " out of order");
    }
    assertTrue(onContext.stream().allMatch(Boolean::booleanValue), "an outcome ran off the store's context");
  }

  @Test
  void aFailureArrivesAsItWasAndAThrowingActionDoesNotStopTheNextOne(Vertx vertx) throws Exception {
    Context context = vertx.getOrCreateContext();
    ContextHop hop = new ContextHop(context);
    List<Throwable> reported = reportedBy(context);
    CompletableFuture<Void> first = new CompletableFuture<>();
    CompletableFuture<Void> second = new CompletableFuture<>();
    CompletableFuture<Throwable> secondSaw = new CompletableFuture<>();
    runOn(context, () -> {
      hop.whenComplete(first, (value, failure) -> {
        throw new IllegalStateException("a bug in the first action");
      });
      hop.whenComplete(second, (value, failure) -> secondSaw.complete(failure));
    });
    IllegalArgumentException cause = new IllegalArgumentException("disk full");
    Thread writer = new Thread(() -> {
      first.complete(null);
      second.completeExceptionally(cause);
    });
    writer.start();
    assertSame(cause, secondSaw.get(10, TimeUnit.SECONDS));
    writer.join(10_000);
    assertEquals(1, reported.size());
    assertEquals("a bug in the first action", reported.get(0).getMessage());
  }

  @Test
  void anOutcomeAlreadyThereRunsAtOnceOnTheContextAndAFailingActionIsReported(Vertx vertx) throws Exception {
    Context context = vertx.getOrCreateContext();
    ContextHop hop = new ContextHop(context);
    List<Throwable> reported = reportedBy(context);
    boolean[] ran = {false};
    boolean[] ranBeforeReturning = {false};
    runOn(context, () -> {
      hop.whenComplete(CompletableFuture.completedFuture("ok"), (value, failure) -> ran[0] = true);
      hop.whenComplete(CompletableFuture.completedFuture("ok"), (value, failure) -> {
        throw new IllegalStateException("a bug in a memory store's reply");
      });
      ranBeforeReturning[0] = ran[0];
    });
    assertTrue(ranBeforeReturning[0], "a memory store's reply waited for another turn");
    assertEquals(1, reported.size(), "the failing action's exception reached the context's handler");
    assertEquals("a bug in a memory store's reply", reported.get(0).getMessage());
  }
}
