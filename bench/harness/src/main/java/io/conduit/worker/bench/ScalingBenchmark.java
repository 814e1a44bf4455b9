package io.conduit.worker.bench;

import io.conduit.deploy.DeploymentPlan;
import io.conduit.deploy.Instances;
import io.conduit.deploy.RunningServices;
import io.conduit.deploy.Scaling;
import io.conduit.deploy.ServiceSpec;
import io.conduit.deploy.Threading;
import io.conduit.worker.Scaler;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Scaling figures on this machine: requests per second through the event bus to a CPU-bound
 * service at 1 and at 2 instances, and how long after a step in load a second instance serves.
 * <pre>java -cp cli/target/conduit.jar:bench/harness/target/conduit-bench-harness.jar io.conduit.worker.bench.ScalingBenchmark [runs] [seconds]</pre>
 */
public final class ScalingBenchmark {

  private static final int CONCURRENCY = 16;
  private static final String ADDRESS = "bench.cpu";

  private ScalingBenchmark() {
  }

  public static void main(String[] args) throws Exception {
    int runs = args.length > 0 ? Integer.parseInt(args[0]) : 3;
    int seconds = args.length > 1 ? Integer.parseInt(args[1]) : 5;
    System.out.printf("cores %d, %d concurrent requests, %d runs of %d s%n",
        Runtime.getRuntime().availableProcessors(), CONCURRENCY, runs, seconds);
    for (int instances = 1; instances <= 2; instances++) {
      List<Double> rates = new ArrayList<>();
      for (int run = 0; run < runs; run++) {
        rates.add(throughput(instances, seconds));
      }
      System.out.printf(Locale.ROOT, "%d instance(s): %s req/s, median %.0f%n", instances, rates, median(rates));
    }
    for (long upAfterMs : new long[] {Scaling.DEFAULTS.upAfterMs(), 0}) {
      List<Double> reactions = new ArrayList<>();
      for (int run = 0; run < runs; run++) {
        reactions.add((double) reaction(upAfterMs));
      }
      System.out.printf(Locale.ROOT, "step load, upAfterMs %d: second instance serving after %s ms, median %.0f%n",
          upAfterMs, reactions, median(reactions));
    }
  }

  private static ServiceSpec cpu(Instances instances, Scaling scaling) {
    return new ServiceSpec("cpu", CpuBoundVerticle.class.getName(), instances, Threading.EVENT_LOOP,
        new JsonObject().put("address", ADDRESS), scaling);
  }

  /** Requests per second at a fixed number of instances, after a one-second warm-up. */
  private static double throughput(int instances, int seconds) throws Exception {
    Vertx vertx = Vertx.vertx();
    RunningServices services = new RunningServices(vertx);
    try {
      await(services.deploy(new DeploymentPlan(List.of(cpu(Instances.fixed(instances), Scaling.DEFAULTS)))));
      AtomicLong answered = new AtomicLong();
      long warmEnd = System.nanoTime() + TimeUnit.SECONDS.toNanos(1);
      long end = warmEnd + TimeUnit.SECONDS.toNanos(seconds);
      Promise<Void> done = Promise.promise();
      AtomicLong loops = new AtomicLong(CONCURRENCY);
      vertx.runOnContext(v -> {
        for (int i = 0; i < CONCURRENCY; i++) {
          loop(vertx, end, () -> {
            if (System.nanoTime() > warmEnd) {
              answered.incrementAndGet();
            }
          }, () -> {
            if (loops.decrementAndGet() == 0) {
              done.complete();
            }
          });
        }
      });
      await(done.future());
      return answered.get() / (double) seconds;
    } finally {
      await(services.undeployAll().transform(ignored -> vertx.close()));
    }
  }

  /** Milliseconds from the start of a heavy load on a 1..2 service until a second instance answers. */
  private static long reaction(long upAfterMs) throws Exception {
    Vertx vertx = Vertx.vertx();
    RunningServices services = new RunningServices(vertx);
    try {
      Scaling scaling = new Scaling(Scaling.DEFAULTS.targetInFlight(), Scaling.DEFAULTS.maxQueueDelayMs(), upAfterMs,
          Scaling.DEFAULTS.downAfterMs());
      await(services.deploy(new DeploymentPlan(List.of(cpu(new Instances(1, 2), scaling)))));
      String first = services.deploymentIds("cpu").get(0);
      Scaler scaler = await(new Scaler(services).start());
      long start = System.nanoTime();
      long end = start + TimeUnit.SECONDS.toNanos(30);
      AtomicLong second = new AtomicLong();
      Promise<Void> served = Promise.promise();
      vertx.runOnContext(v -> {
        for (int i = 0; i < CONCURRENCY; i++) {
          reactionLoop(vertx, first, end, second, served);
        }
      });
      await(served.future());
      await(scaler.stop());
      return TimeUnit.NANOSECONDS.toMillis(second.get() - start);
    } finally {
      await(services.undeployAll().transform(ignored -> vertx.close()));
    }
  }

  private static void reactionLoop(Vertx vertx, String first, long end, AtomicLong second, Promise<Void> served) {
    if (System.nanoTime() > end) {
      served.tryFail("no second instance within 30 s");
      return;
    }
    vertx.eventBus().<String>request(ADDRESS, "x").onComplete(r -> {
      if (r.succeeded() && !r.result().body().startsWith(first) && second.compareAndSet(0, System.nanoTime())) {
        served.tryComplete();
      }
      if (!served.future().isComplete()) {
        reactionLoop(vertx, first, end, second, served);
      }
    });
  }

  private static void loop(Vertx vertx, long end, Runnable onReply, Runnable onEnd) {
    if (System.nanoTime() > end) {
      onEnd.run();
      return;
    }
    vertx.eventBus().request(ADDRESS, "x").onComplete(r -> {
      if (r.succeeded()) {
        onReply.run();
      }
      loop(vertx, end, onReply, onEnd);
    });
  }

  private static double median(List<Double> values) {
    List<Double> sorted = new ArrayList<>(values);
    Collections.sort(sorted);
    return sorted.get(sorted.size() / 2);
  }

  private static <T> T await(Future<T> future) throws Exception {
    return future.toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
  }
}
