package io.conduit.task;

import io.vertx.core.json.JsonObject;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/** Handlers the task-queue tests register by class name; they record what they saw by run key. */
final class TestTasks {

  private TestTasks() {
  }

  /** Runs per {@code key} argument. */
  static final Map<String, AtomicInteger> RUNS = new ConcurrentHashMap<>();
  /** Keys whose handler saw {@link TaskContext#isCancelled()} turn true. */
  static final Map<String, Boolean> SAW_CANCEL = new ConcurrentHashMap<>();

  static int runs(String key) {
    return RUNS.getOrDefault(key, new AtomicInteger()).get();
  }

  private static String key(JsonObject args) {
    String key = args.getString("key", "none");
    RUNS.computeIfAbsent(key, k -> new AtomicInteger()).incrementAndGet();
    return key;
  }

  /** {@code {"key", "steps", "stepMs"}}: reports progress each step; stops when cancelled; result {steps}. */
  public static final class Steps implements TaskHandler {
    @Override
    public void validate(JsonObject args) {
      if (!(args.getValue("steps") instanceof Integer n) || n < 0) {
        throw new IllegalArgumentException("'steps' must be a whole number of at least 0");
      }
    }

    @Override
    public Object run(JsonObject args, TaskContext context) {
      String key = key(args);
      int steps = args.getInteger("steps");
      long stepMs = args.getLong("stepMs", 0L);
      for (int i = 1; i <= steps; i++) {
        if (context.isCancelled()) {
          SAW_CANCEL.put(key, true);
          return null;
        }
        if (stepMs > 0) {
          LockSupport.parkNanos(stepMs * 1_000_000);
        }
        context.progress(i, steps, "step " + i);
      }
      return new JsonObject().put("steps", steps).put("attempt", context.attempt());
    }
  }

  /** {@code {"key"}}: runs until cancelled (or 30 s), then returns. */
  public static final class UntilCancelled implements TaskHandler {
    @Override
    public Object run(JsonObject args, TaskContext context) {
      String key = key(args);
      long deadline = System.nanoTime() + 30_000_000_000L;
      while (!context.isCancelled() && System.nanoTime() < deadline) {
        LockSupport.parkNanos(2_000_000);
      }
      SAW_CANCEL.put(key, context.isCancelled());
      return "stopped";
    }
  }

  /** {@code {"key"}}: blocks in a wait for a minute without looking at isCancelled(), as a blocking call would. */
  public static final class Sleeper implements TaskHandler {
    @Override
    public Object run(JsonObject args, TaskContext context) throws InterruptedException {
      try {
        new java.util.concurrent.CountDownLatch(1).await(60, java.util.concurrent.TimeUnit.SECONDS);
        return "waited";
      } catch (InterruptedException e) {
        SAW_CANCEL.put(key(args), context.isCancelled());
        throw e;
      }
    }
  }

  /** Its validate has a bug of its own: a NullPointerException when {@code name} is missing. */
  public static final class BrokenValidate implements TaskHandler {
    @Override
    public void validate(JsonObject args) {
      if (args.getBoolean("assert", false)) {
        throw new AssertionError("injected: validate's own check");
      }
      if (args.getString("name").isBlank()) {
        throw new IllegalArgumentException("'name' must not be blank");
      }
    }

    @Override
    public Object run(JsonObject args, TaskContext context) {
      return args.getString("name");
    }
  }

  /** Returns something that is not JSON. */
  public static final class NotJson implements TaskHandler {
    @Override
    public Object run(JsonObject args, TaskContext context) {
      return new Object();
    }
  }

  /** {@code {"key", "failures"}}: the first {@code failures} attempts throw. */
  public static final class Flaky implements TaskHandler {
    @Override
    public Object run(JsonObject args, TaskContext context) {
      key(args);
      if (context.attempt() <= args.getInteger("failures", 0)) {
        throw new IllegalStateException("attempt " + context.attempt() + " failed on purpose");
      }
      return "ok on attempt " + context.attempt();
    }
  }
}
