package io.conduit.cluster.bench;

import io.conduit.cluster.ClusterFactory;
import io.conduit.cluster.ClusterSettings;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Measures what clustering costs: how long a second node takes to join, and the cross-node
 * request/reply rate with 1 and with 1,000 requests outstanding. Two clustered Vert.x nodes in this
 * JVM, through {@link ClusterFactory}, on loopback.
 * <pre>java -cp cli/target/conduit.jar:bench/harness/target/conduit-bench-harness.jar io.conduit.cluster.bench.ClusterBenchmark [rounds=5] [requests=200000]</pre>
 */
public final class ClusterBenchmark {

  private ClusterBenchmark() {
  }

  public static void main(String[] args) throws Exception {
    int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 5;
    int requests = args.length > 1 ? Integer.parseInt(args[1]) : 200_000;
    List<Double> joins = new ArrayList<>();
    List<Double> syncRates = new ArrayList<>();
    List<Double> windowRates = new ArrayList<>();
    for (int round = 1; round <= rounds; round++) {
      ClusterSettings settings = ClusterSettings.defaults().withName("bench-" + UUID.randomUUID()).withPort(25701);
      Vertx a = await(ClusterFactory.startClustered(new VertxOptions(), settings));
      long t0 = System.nanoTime();
      Vertx b = await(ClusterFactory.startClustered(new VertxOptions(), settings));
      double joinMs = (System.nanoTime() - t0) / 1e6;
      await(b.eventBus().consumer("bench.echo", m -> m.reply(m.body())).completion());
      await(warmUp(a));
      double sync = rate(a, Math.min(requests / 20, 10_000), 1);
      double window = rate(a, requests, 1000);
      System.out.printf("round %d: join %.0f ms, 1 outstanding %.0f req/s, 1000 outstanding %.0f req/s%n",
          round, joinMs, sync, window);
      joins.add(joinMs);
      syncRates.add(sync);
      windowRates.add(window);
      await(Future.join(a.close(), b.close()));
    }
    System.out.printf("median of %d: join %.0f ms, 1 outstanding %.0f req/s, 1000 outstanding %.0f req/s%n",
        rounds, median(joins), median(syncRates), median(windowRates));
  }

  /** The consumer's registration propagates asynchronously; wait until A can reach it. */
  private static Future<Void> warmUp(Vertx a) {
    Promise<Void> done = Promise.promise();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    Runnable[] attempt = new Runnable[1];
    attempt[0] = () -> a.eventBus().request("bench.echo", "warm").onComplete(ar -> {
      if (ar.succeeded()) {
        done.complete();
      } else if (System.nanoTime() > deadline) {
        done.fail(ar.cause());
      } else {
        a.setTimer(50, id -> attempt[0].run());
      }
    });
    attempt[0].run();
    return done.future();
  }

  /** Requests per second from A to B's consumer with {@code window} requests outstanding. */
  private static double rate(Vertx a, int total, int window) throws Exception {
    Promise<Void> done = Promise.promise();
    AtomicLong sent = new AtomicLong();
    AtomicLong received = new AtomicLong();
    long start = System.nanoTime();
    a.runOnContext(v -> {
      Runnable[] next = new Runnable[1];
      next[0] = () -> {
        if (sent.incrementAndGet() > total) {
          return;
        }
        a.eventBus().request("bench.echo", "0123456789".repeat(10)).onComplete(ar -> {
          if (ar.failed()) {
            done.tryFail(ar.cause());
          } else if (received.incrementAndGet() == total) {
            done.tryComplete();
          } else {
            next[0].run();
          }
        });
      };
      for (int i = 0; i < window; i++) {
        next[0].run();
      }
    });
    await(done.future());
    return total / ((System.nanoTime() - start) / 1e9);
  }

  private static double median(List<Double> values) {
    List<Double> sorted = new ArrayList<>(values);
    Collections.sort(sorted);
    return sorted.get(sorted.size() / 2);
  }

  private static <T> T await(Future<T> future) throws Exception {
    return future.toCompletionStage().toCompletableFuture().get(120, TimeUnit.SECONDS);
  }
}
