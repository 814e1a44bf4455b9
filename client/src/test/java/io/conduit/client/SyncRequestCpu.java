package io.conduit.client;

import io.vertx.core.json.JsonObject;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/**
 * Measures (no test): CPU per synchronous {@code echo} request of the JVM client against a running
 * node, as process CPU time and per-thread CPU time over N requests after a warm-up of N. Run
 * against {@code conduit serve -b memory} (see docs/benchmarks.md):
 * {@code java -cp cli/target/conduit.jar client/src/test/java/io/conduit/client/SyncRequestCpu.java tcp://127.0.0.1:PORT [N]}
 */
public final class SyncRequestCpu {

  private SyncRequestCpu() {
  }

  public static void main(String[] args) {
    String endpoint = args[0];
    int n = args.length > 1 ? Integer.parseInt(args[1]) : 10_000;
    var os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
    ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    JsonObject body = new JsonObject().put("hello", "world");
    try (ConduitClient client = ConduitClient.connect(endpoint)) {
      for (int i = 0; i < n; i++) {
        client.requestSync("echo", body);
      }
      for (int round = 1; round <= 3; round++) {
        Map<Long, Long> before = new HashMap<>();
        for (long id : threads.getAllThreadIds()) {
          before.put(id, threads.getThreadCpuTime(id));
        }
        long[] latency = new long[n];
        long cpu = os.getProcessCpuTime();
        long start = System.nanoTime();
        for (int i = 0; i < n; i++) {
          long t = System.nanoTime();
          client.requestSync("echo", body);
          latency[i] = System.nanoTime() - t;
        }
        long wall = System.nanoTime() - start;
        cpu = os.getProcessCpuTime() - cpu;
        Arrays.sort(latency);
        StringBuilder perThread = new StringBuilder();
        for (long id : threads.getAllThreadIds()) {
          long used = threads.getThreadCpuTime(id) - before.getOrDefault(id, 0L);
          var info = threads.getThreadInfo(id);
          if (info != null && used > n * 1_000L) {
            perThread.append(String.format("; %s %.1f", info.getThreadName(), used / 1e3 / n));
          }
        }
        System.out.printf("round %d: %d sync requests: CPU %.1f us/request (process%s), p50 %.0f us, p99 %.0f us, "
                + "%.0f req/s%n", round, n, cpu / 1e3 / n, perThread, latency[n / 2] / 1e3, latency[n * 99 / 100] / 1e3,
            n / (wall / 1e9));
      }
    }
  }
}
