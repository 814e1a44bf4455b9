package io.conduit.cli.bench;

import io.conduit.client.ClientOptions;
import io.conduit.client.ConduitClient;
import io.conduit.client.Subscription;
import io.vertx.core.json.JsonObject;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * Task-queue figures, measured the way a user meets them, against real {@code conduit serve}
 * processes (node 0 runs the bridge; every node runs the queue with 4 workers):
 * submit-to-SUCCESS throughput of no-op tasks ({@code example.count} to 0), and the latency of
 * progress events from the handler's {@code progress()} call to a ZeroMQ subscriber.
 * <pre>java -cp cli/target/conduit.jar:bench/harness/target/conduit-bench-harness.jar io.conduit.cli.bench.TaskBenchmark [nodes=1] [tasks=2000] [runs=3] [cluster]</pre>
 * With more than one node (or the word {@code cluster}) the nodes are clustered through Hazelcast.
 */
public final class TaskBenchmark {

  private static final int IN_FLIGHT = 500;
  private static final int PROBE_EVENTS = 2_000;

  private TaskBenchmark() {
  }

  public static void main(String[] args) throws Exception {
    int nodes = args.length > 0 ? Integer.parseInt(args[0]) : 1;
    int tasks = args.length > 1 ? Integer.parseInt(args[1]) : 2_000;
    int runs = args.length > 2 ? Integer.parseInt(args[2]) : 3;
    boolean clustered = nodes > 1 || (args.length > 3 && args[3].equals("cluster"));
    Path dir = Files.createTempDirectory("conduit-task-bench");
    int base = 20_000 + (int) (ProcessHandle.current().pid() % 5_000) * 2;
    String bridge = "tcp://127.0.0.1:" + base;
    String events = "tcp://127.0.0.1:" + (base + 1);
    List<Process> started = new ArrayList<>();
    try {
      for (int i = 0; i < nodes; i++) {
        started.add(start(dir, i, nodes, clustered, base, bridge, events));
      }
      try (ConduitClient client = ConduitClient.connect(bridge, ClientOptions.defaults().withEventsEndpoint(events))) {
        System.out.printf("%d node(s), %s, 4 workers each%n", nodes, clustered ? "clustered" : "standalone");
        throughput(client, 200, false);
        List<Double> rates = new ArrayList<>();
        for (int r = 1; r <= runs; r++) {
          double rate = throughput(client, tasks, true);
          rates.add(rate);
          System.out.printf("run %d: %,d no-op tasks submit-to-SUCCESS at %,.0f tasks/s%n", r, tasks, rate);
        }
        List<long[]> latencies = new ArrayList<>();
        for (int r = 1; r <= runs; r++) {
          long[] l = progressLatency(client);
          latencies.add(l);
          System.out.printf("run %d: progress event latency p50 %,d µs, p99 %,d µs (%d events)%n", r, l[0], l[1], l[2]);
        }
        Collections.sort(rates);
        List<Long> p50 = latencies.stream().map(l -> l[0]).sorted().toList();
        List<Long> p99 = latencies.stream().map(l -> l[1]).sorted().toList();
        System.out.printf("median: %,.0f tasks/s; progress latency p50 %,d µs, p99 %,d µs%n", rates.get(runs / 2),
            p50.get(runs / 2), p99.get(runs / 2));
      }
    } finally {
      for (Process p : started) {
        p.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
      }
    }
  }

  /** Adds the tasks whose status says SUCCESS; throws naming the first that is in another final state. */
  private static void confirmByStatus(ConduitClient client, Set<String> ids, Set<String> succeeded) throws Exception {
    int missed = 0;
    for (String id : ids) {
      if (succeeded.contains(id)) {
        continue;
      }
      JsonObject status = (JsonObject) client.request("tasks", new JsonObject().put("op", "status").put("id", id))
          .get(30, TimeUnit.SECONDS);
      String state = status.getString("state");
      if ("SUCCESS".equals(state)) {
        succeeded.add(id);
        missed++;
      } else if ("FAILURE".equals(state) || "REVOKED".equals(state)) {
        throw new IllegalStateException("task " + id + " ended " + state + ": " + status.encode());
      }
    }
    System.out.printf("  (%d SUCCESS events did not reach the subscriber; their status says SUCCESS)%n", missed);
  }

  /** Submits {@code count} no-op tasks (at most {@value #IN_FLIGHT} unanswered) and waits for all their SUCCESS events. */
  private static double throughput(ConduitClient client, int count, boolean measured) throws Exception {
    Set<String> ids = ConcurrentHashMap.newKeySet();
    Set<String> succeeded = ConcurrentHashMap.newKeySet();
    Subscription s = client.subscribe("tasks.events", (h, body) -> {
      if (body instanceof JsonObject e && "SUCCESS".equals(e.getString("state"))) {
        succeeded.add(e.getString("id"));
      }
    });
    awaitSubscribed(client);
    Semaphore window = new Semaphore(IN_FLIGHT);
    JsonObject submit = new JsonObject().put("op", "submit").put("task", "example.count")
        .put("args", new JsonObject().put("to", 0)).put("resultTtlMs", 10_000);
    AtomicInteger failed = new AtomicInteger();
    long t0 = System.nanoTime();
    for (int i = 0; i < count; i++) {
      window.acquire();
      client.request("tasks", submit).whenComplete((reply, error) -> {
        window.release();
        if (error != null) {
          failed.incrementAndGet();
        } else {
          ids.add(((JsonObject) reply).getString("id"));
        }
      });
    }
    window.acquire(IN_FLIGHT);
    window.release(IN_FLIGHT);
    long submitted = System.nanoTime() - t0;
    long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(5);
    // Only this run's tasks publish SUCCESS now (the warm-up's are done): counting is enough, checked once after.
    int seen = 0;
    long lastProgress = System.nanoTime();
    while (succeeded.size() < count) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("not all tasks succeeded within 5 minutes");
      }
      if (succeeded.size() != seen) {
        seen = succeeded.size();
        lastProgress = System.nanoTime();
      } else if (System.nanoTime() - lastProgress > TimeUnit.SECONDS.toNanos(10)) {
        // Events are fire-and-forget (a subscriber past its high-water mark loses some): ask the
        // queue for the tasks whose SUCCESS did not arrive, and fail on any that really is not done.
        confirmByStatus(client, ids, succeeded);
        lastProgress = System.nanoTime();
      }
      LockSupport.parkNanos(2_000_000);
    }
    long nanos = System.nanoTime() - t0;
    if (!succeeded.containsAll(ids)) {
      throw new IllegalStateException("SUCCESS events for other tasks than this run's");
    }
    if (measured) {
      System.out.printf("  (submits answered after %,d ms)%n", submitted / 1_000_000);
    }
    s.close();
    if (failed.get() > 0) {
      throw new IllegalStateException(failed.get() + " submits failed");
    }
    return count * 1e9 / nanos;
  }

  /** p50, p99 (µs) and count of the probe task's progress events, handler to this subscriber. */
  private static long[] progressLatency(ConduitClient client) throws Exception {
    ConcurrentLinkedQueue<Long> samples = new ConcurrentLinkedQueue<>();
    AtomicInteger seen = new AtomicInteger();
    Subscription s = client.subscribe("tasks.events", (h, body) -> {
      long now = ProgressProbeTask.epochMicros();
      if (body instanceof JsonObject e && "bench.probe".equals(e.getString("task"))
          && "PROGRESS".equals(e.getString("state"))) {
        samples.add(now - Long.parseLong(e.getJsonObject("progress").getString("message")));
        seen.incrementAndGet();
      }
    });
    awaitSubscribed(client);
    String id = ((JsonObject) client.requestSync("tasks", new JsonObject().put("op", "submit").put("task", "bench.probe")
        .put("args", new JsonObject().put("count", PROBE_EVENTS).put("stepMs", 2)))).getString("id");
    long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
    while (!"SUCCESS".equals(((JsonObject) client.requestSync("tasks", new JsonObject().put("op", "status")
        .put("id", id))).getString("state"))) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("the probe task did not finish");
      }
      LockSupport.parkNanos(50_000_000);
    }
    LockSupport.parkNanos(200_000_000); // the last events are on their way
    s.close();
    long[] all = samples.stream().mapToLong(Long::longValue).toArray();
    Percentiles p = Percentiles.of(all);
    return new long[] {p.p50(), p.p99(), all.length};
  }

  /** A subscription reaches the bridge asynchronously: publish a marker until it comes back. */
  private static void awaitSubscribed(ConduitClient client) throws Exception {
    AtomicInteger got = new AtomicInteger();
    String marker = "bench.ready." + System.nanoTime();
    try (Subscription s = client.subscribe(marker, (h, b) -> got.incrementAndGet())) {
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      while (got.get() == 0 && System.nanoTime() < deadline) {
        client.publish(marker, "ping").get(5, TimeUnit.SECONDS);
        LockSupport.parkNanos(50_000_000);
      }
    }
    // the tasks.events subscription was made before the marker's, on the same socket: it is in place
  }

  private static Process start(Path dir, int index, int nodes, boolean clustered, int base, String bridge,
                               String events) throws Exception {
    Path jar = Path.of(io.conduit.cli.Conduit.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    String tasks = "{\"name\": \"tasks\", \"verticle\": \"io.conduit.task.TaskQueueVerticle\", \"config\": "
        + "{\"address\": \"tasks\", \"workers\": 4, \"handlers\": {\"example.count\": "
        + "\"io.conduit.builtin.CountTask\", \"bench.probe\": \"" + ProgressProbeTask.class.getName() + "\"}}}";
    String bridgeService = "{\"name\": \"bridge\", \"verticle\": \"io.conduit.bridge.ZmqBridgeVerticle\", \"config\": "
        + "{\"endpoint\": \"" + bridge + "\", \"eventsEndpoint\": \"" + events + "\"}}";
    Path file = dir.resolve("node" + index + ".json");
    Files.writeString(file, "{\"services\": [" + (index == 0 ? bridgeService + ", " : "") + tasks + "]}");
    List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Xmx512m", "-jar", jar.toString(), "serve", "-c", file.toString(),
        // the probe task is the harness's own: the node loads it as a user's class
        "--classpath", Path.of(TaskBenchmark.class.getProtectionDomain().getCodeSource().getLocation().toURI()).toString()));
    if (clustered) {
      int clusterBase = base + 10;
      StringBuilder members = new StringBuilder();
      for (int i = 0; i < nodes; i++) {
        members.append(i == 0 ? "" : ",").append("127.0.0.1:").append(clusterBase + i);
      }
      command.addAll(List.of("--cluster", "--cluster-name", "task-bench-" + base, "--cluster-port",
          Integer.toString(clusterBase + index), "--members", members.toString()));
    }
    Path out = dir.resolve("node" + index + ".out");
    Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true)
        .redirectOutput(out.toFile()).start();
    long deadline = System.nanoTime() + Duration.ofMinutes(3).toNanos();
    while (!Files.readString(out).contains("Ready")) {
      if (!p.isAlive() || System.nanoTime() > deadline) {
        p.destroyForcibly();
        throw new IllegalStateException("node " + index + " did not start:\n" + Files.readString(out));
      }
      LockSupport.parkNanos(50_000_000);
    }
    return p;
  }
}
