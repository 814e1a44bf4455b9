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
 * interceptors installed, alternating, median of the runs. Besides the rate it reports the
 * process CPU time per request, which other programs on a shared machine disturb far less.
 * <pre>java -cp cli/target/conduit.jar:bench/harness/target/conduit-bench-harness.jar io.conduit.web.ServiceMetersBenchmark [runs=3] [seconds=5]</pre>
 */
public final class ServiceMetersBenchmark {

  private static final int WINDOW = 1_000;

  private ServiceMetersBenchmark() {
  }

  public static void main(String[] args) throws Exception {
    int runs = args.length > 0 ? Integer.parseInt(args[0]) : 3;
    int seconds = args.length > 1 ? Integer.parseInt(args[1]) : 5;
    List<double[]> plain = new ArrayList<>();
    List<double[]> measured = new ArrayList<>();
    for (int run = 1; run <= runs; run++) {
      double[] p = rate(false, seconds);
      double[] m = rate(true, seconds);
      plain.add(p);
      measured.add(m);
      System.out.printf("run %d: plain %,.0f req/s, %.2f µs CPU per request; with the service meters %,.0f req/s, "
          + "%.2f µs CPU per request%n", run, p[0], p[1], m[0], m[1]);
    }
    System.out.printf("median: plain %,.0f req/s, %.2f µs CPU per request; with the service meters %,.0f req/s, "
            + "%.2f µs CPU per request%n", median(plain, 0), median(plain, 1), median(measured, 0), median(measured, 1));
  }

  /** {requests per second, process CPU microseconds per request} over the timed part of one run. */
  private static double[] rate(boolean withMeters, int seconds) throws Exception {
    var os = (com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory.getOperatingSystemMXBean();
    Vertx vertx = Vertx.vertx();
    try {
      if (withMeters) {
        NodeMonitor.install(vertx, id -> null, name -> List.of());
      }
      EventBus bus = vertx.eventBus();
      bus.consumer("echo", m -> m.reply(m.body())).completion().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
      AtomicLong replies = new AtomicLong();
      CompletableFuture<double[]> done = new CompletableFuture<>();
      vertx.runOnContext(v -> {
        long warmEnd = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
        long[] start = {0, 0, 0};
        Runnable[] send = new Runnable[1];
        send[0] = () -> bus.request("echo", "x").onComplete(ar -> {
          long now = System.nanoTime();
          if (start[0] == 0 && now > warmEnd) {
            start[0] = now;
            start[1] = replies.get();
            start[2] = os.getProcessCpuTime();
          }
          replies.incrementAndGet();
          if (start[0] != 0 && now - start[0] > TimeUnit.SECONDS.toNanos(seconds)) {
            long n = replies.get() - start[1];
            done.complete(new double[] {n * 1e9 / (now - start[0]), (os.getProcessCpuTime() - start[2]) / 1e3 / n});
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

  private static double median(List<double[]> values, int column) {
    return values.stream().mapToDouble(r -> r[column]).sorted().toArray()[values.size() / 2];
  }
}
