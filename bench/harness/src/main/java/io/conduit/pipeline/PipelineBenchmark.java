package io.conduit.pipeline;

import io.vertx.core.DeploymentOptions;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Measures a 3-stage pipeline on the event bus alone (no bridge, one JVM): {@code jobs} 100-byte
 * string jobs streamed with {@code window} outstanding through stages that each prefix a word and
 * pass the job on ({@link PipelineJob#pass}), against the same load on a one-hop echo consumer. Prints each run and the medians of three.
 *
 * <pre>java -cp cli/target/conduit.jar:bench/harness/target/conduit-bench-harness.jar io.conduit.pipeline.PipelineBenchmark [jobs] [window] [entry instances]</pre>
 */
public final class PipelineBenchmark {

  private static final int RUNS = 3;

  private PipelineBenchmark() {
  }

  public static void main(String[] args) throws Exception {
    int jobs = args.length > 0 ? Integer.parseInt(args[0]) : 300_000;
    int window = args.length > 1 ? Integer.parseInt(args[1]) : 2_000;
    int entries = args.length > 2 ? Integer.parseInt(args[2]) : 1;
    Vertx vertx = Vertx.vertx();
    try {
      JsonArray stages = new JsonArray();
      for (String word : List.of("step1", "step2", "last")) {
        String address = "bench." + word;
        vertx.eventBus().<String>consumer(address, m -> PipelineJob.of(m).pass(vertx.eventBus(), word + " " + m.body()));
        stages.add(new JsonObject().put("name", word).put("address", address));
      }
      vertx.eventBus().consumer("bench.echo", m -> m.reply(m.body()));
      JsonObject config = new JsonObject().put("name", "bench").put("stages", stages).put("maxInFlight", window);
      vertx.deployVerticle(PipelineVerticle.class.getName(), new DeploymentOptions().setConfig(config).setInstances(entries))
          .toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
      String body = "x".repeat(100);
      run(vertx, "bench.echo", body, jobs / 3, window); // warm-up
      run(vertx, "pipeline.bench", body, jobs / 3, window);
      List<Double> echo = new ArrayList<>();
      List<Double> pipeline = new ArrayList<>();
      for (int i = 0; i < RUNS; i++) {
        echo.add(run(vertx, "bench.echo", body, jobs, window));
        pipeline.add(run(vertx, "pipeline.bench", body, jobs, window));
        System.out.printf("run %d: echo %,.0f req/s, 3-stage pipeline %,.0f jobs/s%n", i + 1, echo.get(i), pipeline.get(i));
      }
      System.out.printf("median: echo %,.0f req/s, 3-stage pipeline %,.0f jobs/s (%d jobs, window %d, %d entry instances)%n",
          median(echo), median(pipeline), jobs, window, entries);
    } finally {
      vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
  }

  /** Streams {@code count} requests with {@code window} outstanding; returns replies per second. */
  private static double run(Vertx vertx, String address, String body, int count, int window) throws InterruptedException {
    Semaphore slots = new Semaphore(window);
    AtomicLong failed = new AtomicLong();
    long start = System.nanoTime();
    for (int i = 0; i < count; i++) {
      if (!slots.tryAcquire(60, TimeUnit.SECONDS)) {
        throw new IllegalStateException("no reply for 60 s at request " + i);
      }
      vertx.eventBus().request(address, body).onComplete(r -> {
        if (r.failed()) {
          failed.incrementAndGet();
        }
        slots.release();
      });
    }
    if (!slots.tryAcquire(window, 60, TimeUnit.SECONDS)) {
      throw new IllegalStateException("replies missing after 60 s");
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    if (failed.get() > 0) {
      throw new IllegalStateException(failed.get() + " of " + count + " requests to " + address + " failed");
    }
    return count / seconds;
  }

  private static double median(List<Double> values) {
    List<Double> sorted = values.stream().sorted().toList();
    return sorted.get(sorted.size() / 2);
  }
}
