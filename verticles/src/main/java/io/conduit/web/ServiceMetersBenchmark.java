package io.conduit.web;

import io.vertx.core.Vertx;
import io.vertx.core.eventbus.EventBus;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What the console's per-service meters cost the event bus: local request/reply to an echo
 * consumer with 1,000 requests outstanding, on a plain Vert.x and on one with the node monitor's
 * interceptors installed, alternating, median of the runs.
 * <pre>java -cp cli/target/conduit.jar io.conduit.web.ServiceMetersBenchmark [runs=3] [seconds=5]</pre>
 */
public final class ServiceMetersBenchmark {

  private static final int WINDOW = 1_000;

  private ServiceMetersBenchmark() {
  }

  public static void main(String[] args) throws Exception {
    int runs = args.length > 0 ? Integer.parseInt(args[0]) : 3;
    int seconds = args.length > 1 ? Integer.parseInt(args[1]) : 5;
    List<Double> plain = new ArrayList<>();
    List<Double> measured = new ArrayList<>();
    for (int run = 1; run <= runs; run++) {
      plain.add(rate(false, seconds));
      measured.add(rate(true, seconds));
      System.out.printf("run %d: %,.0f req/s plain, %,.0f req/s with the service meters%n", run,
          plain.get(run - 1), measured.get(run - 1));
    }
    double p = median(plain);
    double m = median(measured);
    System.out.printf("median: %,.0f req/s plain, %,.0f req/s with the service meters (%.1f %% less)%n", p, m,
        (p - m) * 100 / p);
  }

  private static double rate(boolean withMeters, int seconds) throws Exception {
    Vertx vertx = Vertx.vertx();
    try {
      if (withMeters) {
        NodeMonitor.install(vertx, id -> null, name -> List.of());
      }
      EventBus bus = vertx.eventBus();
      bus.consumer("echo", m -> m.reply(m.body())).completion().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
      AtomicLong replies = new AtomicLong();
      CompletableFuture<Double> done = new CompletableFuture<>();
      vertx.runOnContext(v -> {
        long warmEnd = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
        long[] start = {0, 0};
        Runnable[] send = new Runnable[1];
        send[0] = () -> bus.request("echo", "x").onComplete(ar -> {
          long now = System.nanoTime();
          if (start[0] == 0 && now > warmEnd) {
            start[0] = now;
            start[1] = replies.get();
          }
          replies.incrementAndGet();
          if (start[0] != 0 && now - start[0] > TimeUnit.SECONDS.toNanos(seconds)) {
            done.complete((replies.get() - start[1]) * 1e9 / (now - start[0]));
          } else if (!done.isDone()) {
            send[0].run();
          }
        });
        for (int i = 0; i < WINDOW; i++) {
          send[0].run();
        }
      });
      return done.get(seconds + 60L, TimeUnit.SECONDS);
    } finally {
      vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }
  }

  private static double median(List<Double> values) {
    return values.stream().sorted().toList().get(values.size() / 2);
  }
}
