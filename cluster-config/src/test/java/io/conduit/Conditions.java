package io.conduit;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.function.Function;
import java.util.function.Supplier;

import static org.junit.jupiter.api.Assertions.fail;

/** Waits on a condition with a deadline (no fixed sleeps). */
public final class Conditions {

  private Conditions() {
  }

  /** Returns once {@code condition} holds; fails the test with {@code describe} after {@code maxMs}. */
  public static void await(long maxMs, BooleanSupplier condition, Supplier<String> describe) {
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(maxMs);
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        fail("not within " + maxMs + " ms: " + describe.get());
      }
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20));
    }
  }

  /**
   * Checks that {@code condition} keeps holding for {@code ms} (something that must not happen,
   * such as a timer of the code under test giving something back too early); fails the test with
   * {@code describe} as soon as it does not.
   */
  public static void holdsFor(long ms, BooleanSupplier condition, Supplier<String> describe) {
    long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(ms);
    do {
      if (!condition.getAsBoolean()) {
        fail("stopped holding within " + ms + " ms: " + describe.get());
      }
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20));
    } while (System.nanoTime() < end);
  }

  /**
   * The answer to {@code request} once a service that stopped is back: until then each attempt must
   * be refused (it throws), and {@code refusal} says why from what was thrown (asserting what it
   * must be); it must be refused at least once, and answered within {@code maxMs}.
   */
  public static <T> T answeredAfterRefusals(long maxMs, Callable<T> request, Function<Exception, String> refusal) {
    List<Object> answer = new ArrayList<>();
    List<String> refusals = new ArrayList<>();
    await(maxMs, () -> {
      try {
        answer.add(request.call());
        return true;
      } catch (Exception e) {
        refusals.add(refusal.apply(e));
        return false;
      }
    }, () -> "never answered; last refusals: " + refusals.subList(Math.max(0, refusals.size() - 3), refusals.size()));
    if (refusals.isEmpty()) {
      fail("answered at once, never refused: " + answer.get(0));
    }
    @SuppressWarnings("unchecked")
    T first = (T) answer.get(0);
    return first;
  }
}
