package io.conduit.pipeline;

import io.vertx.core.Future;

import java.util.concurrent.atomic.AtomicInteger;

/** Stages the pipeline tests deploy. */
final class TestStages {

  private TestStages() {
  }

  /**
   * Appends {@code >suffix} (config) to a string job, after {@code delayMs} when the job contains
   * "slow"; fails with 400 for a job containing {@code failOn} (config).
   */
  public static class Append extends StageVerticle {
    @Override
    protected Object process(Object job) {
      String text = (String) job;
      String suffix = config().getString("suffix");
      String failOn = config().getString("failOn");
      if (failOn != null && text.contains(failOn)) {
        throw new IllegalArgumentException("cannot handle '" + text + "'");
      }
      String out = text + ">" + suffix;
      long delay = config().getLong("delayMs", 0L);
      return text.contains("slow") && delay > 0 ? vertx.timer(delay).map(t -> out) : out;
    }
  }

  /**
   * Appends {@code >suffix} (config); a job containing "slow" waits until the test opens the gate
   * ({@link #open}), so that a test knows it is still in flight.
   */
  public static class Gate extends StageVerticle {
    static volatile java.util.concurrent.CompletableFuture<Void> open = new java.util.concurrent.CompletableFuture<>();

    static void reset() {
      open = new java.util.concurrent.CompletableFuture<>();
    }

    @Override
    protected Object process(Object job) {
      String out = job + ">" + config().getString("suffix");
      return ((String) job).contains("slow")
          ? Future.fromCompletionStage(open, vertx.getOrCreateContext()).map(v -> out) : out;
    }
  }

  /** Holds every job {@code holdMs} and tracks how many it holds at once (static: shared by instances). */
  public static class Hold extends StageVerticle {
    static final AtomicInteger CURRENT = new AtomicInteger();
    static final AtomicInteger MOST = new AtomicInteger();
    static final AtomicInteger SEEN = new AtomicInteger();

    static void reset() {
      CURRENT.set(0);
      MOST.set(0);
      SEEN.set(0);
    }

    @Override
    protected Object process(Object job) {
      SEEN.incrementAndGet();
      MOST.accumulateAndGet(CURRENT.incrementAndGet(), Math::max);
      return vertx.timer(config().getLong("holdMs", 5L)).map(t -> {
        CURRENT.decrementAndGet();
        return job;
      });
    }
  }

  /** Counts jobs and passes them on unchanged (static: shared by instances). */
  public static class Count extends StageVerticle {
    static final AtomicInteger SEEN = new AtomicInteger();

    @Override
    protected Object process(Object job) {
      SEEN.incrementAndGet();
      return job;
    }
  }

  /** Returns a value the event bus has no codec for. */
  public static class Unsendable extends StageVerticle {
    @Override
    protected Object process(Object job) {
      return new Object();
    }
  }

  /** Throws an Error, as a stage whose class cannot load a dependency does. */
  public static class Erroring extends StageVerticle {
    @Override
    protected Object process(Object job) {
      throw new NoClassDefFoundError("com/example/Missing");
    }
  }

  /** Never answers. */
  public static class Silent extends StageVerticle {
    @Override
    protected Object process(Object job) {
      return Future.future(p -> { });
    }
  }
}
