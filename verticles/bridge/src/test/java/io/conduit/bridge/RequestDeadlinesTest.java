package io.conduit.bridge;

import io.conduit.Conditions;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The bridge's request deadlines: each expires once, on time, unless its request was answered. */
@ExtendWith(VertxExtension.class)
@Timeout(30)
class RequestDeadlinesTest {

  /** Runs {@code body} on an event-loop context of {@code vertx} and waits for it. */
  private static <T> T onLoop(Vertx vertx, java.util.function.Supplier<T> body) throws Exception {
    CompletableFuture<T> done = new CompletableFuture<>();
    vertx.runOnContext(v -> {
      try {
        done.complete(body.get());
      } catch (Throwable t) {
        done.completeExceptionally(t);
      }
    });
    return done.get(10, TimeUnit.SECONDS);
  }

  @Test
  void requestsExpireInDeadlineOrderAcrossTimeoutsAndNotBefore(Vertx vertx) throws Exception {
    List<String> expired = Collections.synchronizedList(new ArrayList<>());
    long[] startNanos = new long[1];
    List<Long> lateness = Collections.synchronizedList(new ArrayList<>());
    RequestDeadlines deadlines = onLoop(vertx, () -> {
      RequestDeadlines d = new RequestDeadlines(vertx);
      startNanos[0] = System.nanoTime();
      for (long ms : new long[] {300, 100, 200, 100, 50}) {
        String name = "t" + ms + "#" + d.size();
        d.add(ms, () -> {
          expired.add(name);
          lateness.add(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos[0]) - ms);
        });
      }
      return d;
    });
    Conditions.await(10_000, () -> expired.size() == 5, () -> "expired " + expired);
    assertEquals(List.of("t50#4", "t100#1", "t100#3", "t200#2", "t300#0"), expired);
    for (long late : lateness) {
      assertTrue(late >= 0, "expired " + late + " ms early: " + lateness);
    }
    assertEquals(0, (int) onLoop(vertx, deadlines::size));
  }

  @Test
  void expireAllExpiresEveryWaitingRequestAtOnceAndNothingLater(Vertx vertx) throws Exception {
    List<Integer> expired = Collections.synchronizedList(new ArrayList<>());
    onLoop(vertx, () -> {
      RequestDeadlines d = new RequestDeadlines(vertx);
      List<RequestDeadlines.Entry> entries = new ArrayList<>();
      for (int i = 0; i < 10; i++) {
        int n = i;
        entries.add(d.add(i < 5 ? 150 : 60_000, () -> expired.add(n)));
      }
      d.remove(entries.get(3)); // answered: not expired
      d.expireAll();
      assertEquals(0, d.size());
      assertEquals(0, d.lanes());
      d.remove(entries.get(4)); // already expired: nothing happens
      return d;
    });
    assertEquals(List.of(0, 1, 2, 4, 5, 6, 7, 8, 9), expired);
    // the 150 ms deadlines' timer was cancelled: nothing expires a second time
    CompletableFuture<Void> later = new CompletableFuture<>();
    vertx.setTimer(400, id -> later.complete(null));
    later.get(10, TimeUnit.SECONDS);
    assertEquals(9, expired.size());
  }

  @Test
  void aRemovedRequestNeverExpiresAndTheOthersStillDo(Vertx vertx) throws Exception {
    List<Integer> expired = Collections.synchronizedList(new ArrayList<>());
    onLoop(vertx, () -> {
      RequestDeadlines d = new RequestDeadlines(vertx);
      List<RequestDeadlines.Entry> entries = new ArrayList<>();
      for (int i = 0; i < 100; i++) {
        int n = i;
        entries.add(d.add(20 + i % 3, () -> expired.add(n)));
      }
      // answered: every even one, removed from the head, the middle and the tail of their lanes
      for (int i = 0; i < 100; i += 2) {
        d.remove(entries.get(i));
        d.remove(entries.get(i)); // twice does nothing
      }
      assertEquals(50, d.size());
      // a sentinel due after all of them: once it has expired, every earlier deadline has passed
      d.add(60, () -> expired.add(-1));
      return d;
    });
    Conditions.await(10_000, () -> expired.contains(-1), () -> "expired " + expired.size());
    expired.remove(Integer.valueOf(-1));
    assertEquals(50, expired.size());
    assertTrue(expired.stream().allMatch(n -> n % 2 == 1), expired.toString());
  }

  @Test
  void aTimeoutWhoseLaneTheSweepDroppedStillExpiresItsNextRequest(Vertx vertx) throws Exception {
    List<String> expired = Collections.synchronizedList(new ArrayList<>());
    RequestDeadlines deadlines = onLoop(vertx, () -> {
      RequestDeadlines d = new RequestDeadlines(vertx);
      d.add(30, () -> expired.add("first"));
      return d;
    });
    Conditions.await(10_000, () -> expired.contains("first"), () -> "expired " + expired);
    onLoop(vertx, () -> {
      assertEquals(0, deadlines.lanes(), "the sweep drops the emptied lane");
      return deadlines.add(30, () -> expired.add("second")); // the same timeout as the last request's
    });
    Conditions.await(10_000, () -> expired.contains("second"), () -> "expired " + expired);
    assertEquals(0, (int) onLoop(vertx, deadlines::size));
  }

  @Test
  void manyDistinctTimeoutsShareBoundedLanesAndExpireNoEarlierThanAsked(Vertx vertx) throws Exception {
    int count = 2_000;
    List<Long> early = Collections.synchronizedList(new ArrayList<>());
    List<Integer> expired = Collections.synchronizedList(new ArrayList<>());
    onLoop(vertx, () -> {
      RequestDeadlines d = new RequestDeadlines(vertx);
      for (int i = 0; i < count; i++) {
        long ms = 50 + i; // a fresh timeout per request, as a client that passes on its own deadline does
        long start = System.nanoTime();
        int n = i;
        d.add(ms, () -> {
          long waited = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
          if (waited < ms) {
            early.add(waited - ms);
          }
          expired.add(n);
        });
      }
      // 64 exact timeouts, then sixteen lanes or fewer per doubling of the timeout
      assertTrue(d.lanes() <= RequestDeadlines.EXACT_LANES + 16 * 6, "lanes " + d.lanes());
      return d;
    });
    Conditions.await(20_000, () -> expired.size() == count, () -> "expired " + expired.size());
    assertEquals(List.of(), early);
  }

  @Test
  void roundingUpKeepsWithinASixteenth() {
    for (long ms = 1; ms < 5_000_000; ms = ms * 3 / 2 + 1) {
      long r = RequestDeadlines.roundedUp(ms);
      assertTrue(r >= ms && r - ms <= Math.max(0, ms / 16), ms + " -> " + r);
    }
    assertEquals(30_720, RequestDeadlines.roundedUp(30_000));
    assertEquals(100, RequestDeadlines.roundedUp(100));
  }
}
