package io.conduit.client.graph.io;

import com.sun.management.GarbageCollectionNotificationInfo;
import io.conduit.client.ClientOptions;
import io.conduit.client.ConduitClient;
import io.conduit.client.graph.Entity;
import io.conduit.client.graph.Graph;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import javax.management.NotificationEmitter;
import javax.management.openmbean.CompositeData;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryUsage;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Graph export and import as {@code conduit graph export|import} does them: a {@code conduit serve}
 * process (memory backend) holds a graph of {@code count} entities (half nodes with five fields,
 * half edges with two), and this JVM, the client, exports it to a file and imports the file into an
 * empty store through the bridge, in each format, rounds interleaved (GraphML, GraphSON, JSON, GraphML ...).
 * Each run prints entities/s, the client's peak live heap (the most the heap held after any garbage
 * collection during the run, less what it held before) and the 1-minute load average when it started;
 * then the median of each figure. Run the client with a small heap to see that it needs none:
 * <pre>java -Xmx128m -cp cli/target/conduit.jar:bench/harness/target/conduit-bench-harness.jar io.conduit.client.graph.io.GraphFilesBenchmark [count=1000000] [rounds=3]</pre>
 */
public final class GraphFilesBenchmark {

  private static final AtomicLong PEAK_LIVE = new AtomicLong();

  private GraphFilesBenchmark() {
  }

  public static void main(String[] args) throws Exception {
    int count = args.length > 0 ? Integer.parseInt(args[0]) : 1_000_000;
    int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 3;
    watchGarbageCollections();
    Path dir = Files.createTempDirectory("conduit-graph-files-bench");
    String endpoint = "tcp://127.0.0.1:" + freePort();
    Process node = start(dir, endpoint);
    Runtime.getRuntime().addShutdownHook(new Thread(node::destroyForcibly)); // also when this JVM is killed
    try (ConduitClient client = ConduitClient.connect(endpoint, ClientOptions.defaults())) {
      Graph source = Graph.overBridge(client, "source").withTimeout(Duration.ofMinutes(5));
      Graph copy = Graph.overBridge(client, "copy").withTimeout(Duration.ofMinutes(5));
      fill(source, count);
      System.out.printf(Locale.ROOT, "graph: %,d entities; client heap limit %,d MB%n", count,
          Runtime.getRuntime().maxMemory() >> 20);
      Map<String, List<double[]>> results = new java.util.LinkedHashMap<>();
      for (int round = 1; round <= rounds; round++) {
        for (GraphFormat format : GraphFormat.values()) {
          Path file = dir.resolve("graph" + format.extension());
          double[] export = measure(() -> {
            try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(file), 1 << 16)) {
              return GraphExport.write(source, format, out).entities();
            }
          });
          report(round, format, "export", export, Files.size(file));
          results.computeIfAbsent(format.id() + " export", k -> new ArrayList<>()).add(export);
          empty(copy);
          double[] imported = measure(() -> GraphImport.load(copy, format, file).entities());
          report(round, format, "import", imported, Files.size(file));
          results.computeIfAbsent(format.id() + " import", k -> new ArrayList<>()).add(imported);
          Files.delete(file);
        }
      }
      System.out.println("median of " + rounds + " runs:");
      results.forEach((what, runs) -> System.out.printf(Locale.ROOT,
          "  %-16s %,10.0f entities/s  peak live heap %,6.1f MB  (load %s)%n", what, median(runs, 0),
          median(runs, 1) / (1 << 20), loads(runs)));
    } finally {
      node.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
      try (var files = Files.walk(dir)) {
        files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }

  /** One operation that returns how many entities it handled. */
  private interface Operation {
    long run() throws IOException;
  }

  /** {entities/s, peak live heap above the start in bytes, load average at the start}. */
  private static double[] measure(Operation op) throws IOException {
    System.gc();
    long before = liveHeap();
    PEAK_LIVE.set(before);
    double load = loadAverage();
    long start = System.nanoTime();
    long entities = op.run();
    double seconds = (System.nanoTime() - start) / 1e9;
    return new double[] {entities / seconds, Math.max(0, PEAK_LIVE.get() - before), load, entities};
  }

  private static void report(int round, GraphFormat format, String what, double[] r, long fileBytes) {
    System.out.printf(Locale.ROOT, "round %d %-8s %-6s %,9.0f entities %,10.0f entities/s  peak live heap %,6.1f MB  "
        + "file %,5d MB  load %.2f%n", round, format.id(), what, r[3], r[0], r[1] / (1 << 20), fileBytes >> 20, r[2]);
  }

  /** Records the heap in use after each collection: what the program really holds, not its garbage. */
  private static void watchGarbageCollections() {
    for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
      ((NotificationEmitter) gc).addNotificationListener((notification, handback) -> {
        if (!notification.getType().equals(GarbageCollectionNotificationInfo.GARBAGE_COLLECTION_NOTIFICATION)) {
          return;
        }
        GarbageCollectionNotificationInfo info = GarbageCollectionNotificationInfo.from(
            (CompositeData) notification.getUserData());
        long used = info.getGcInfo().getMemoryUsageAfterGc().values().stream().mapToLong(MemoryUsage::getUsed).sum();
        PEAK_LIVE.accumulateAndGet(used, Math::max);
      }, null, null);
    }
  }

  private static long liveHeap() {
    return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
  }

  /** Half nodes with five fields, half edges between them with two, loaded 1,000 at a time. */
  private static void fill(Graph graph, int count) {
    int nodes = count / 2;
    List<Entity> batch = new ArrayList<>();
    for (long id = 1; id <= count; id++) {
      if (id <= nodes) {
        batch.add(Entity.node(id, new JsonObject().put("name", "node " + id).put("n", id).put("score", id * 0.5)
            .put("active", id % 2 == 0).put("tags", new JsonArray().add("t" + id % 10))));
      } else {
        long from = 1 + (id * 7) % nodes;
        long to = 1 + (id * 13) % nodes;
        batch.add(Entity.edge(id, from, to, new JsonObject().put("label", id % 3 == 0 ? "likes" : "knows")
            .put("weight", (id % 100) / 10.0)));
      }
      if (batch.size() == 1_000) {
        graph.load(batch).toCompletableFuture().join();
        batch.clear();
      }
    }
    if (!batch.isEmpty()) {
      graph.load(batch).toCompletableFuture().join();
    }
  }

  /** Removes every node (and so every edge) 50,000 at a time; each removal is O(1) to find. */
  private static void empty(Graph graph) {
    JsonArray steps = new JsonArray("[[\"V\"], [\"limit\", 50000]]");
    while (graph.query(steps).remove().toCompletableFuture().join() > 0) {
      // next slice
    }
  }

  private static Process start(Path dir, String endpoint) throws Exception {
    Path jar = Path.of(io.conduit.cli.Conduit.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    JsonObject store = new JsonObject().put("verticle", "io.conduit.store.graph.GraphStoreVerticle");
    JsonObject deployment = new JsonObject().put("services", new JsonArray()
        .add(store.copy().put("name", "source").put("config", new JsonObject().put("address", "source").put("backend", "memory")))
        .add(store.copy().put("name", "copy").put("config", new JsonObject().put("address", "copy").put("backend", "memory")))
        .add(new JsonObject().put("name", "bridge").put("verticle", "io.conduit.bridge.ZmqBridgeVerticle")
            .put("config", new JsonObject().put("endpoint", endpoint).put("eventsEndpoint", "none"))));
    Path file = Files.writeString(dir.resolve("deployment.json"), deployment.encodePrettily());
    Path out = dir.resolve("node.out");
    Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx6g",
        "-jar", jar.toString(), "serve", "-c", file.toString(), "-a", endpoint, "--events", "none")
        .directory(dir.toFile()).redirectErrorStream(true).redirectOutput(out.toFile()).start();
    long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(5);
    while (!Files.readString(out).contains("Ready")) {
      if (!p.isAlive() || System.nanoTime() > deadline) {
        p.destroyForcibly();
        throw new IllegalStateException("node did not start:\n" + Files.readString(out));
      }
      java.util.concurrent.locks.LockSupport.parkNanos(10_000_000);
    }
    return p;
  }

  private static double loadAverage() {
    try {
      return Double.parseDouble(Files.readString(Path.of("/proc/loadavg")).split(" ")[0]);
    } catch (IOException | RuntimeException e) {
      return ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
    }
  }

  private static double median(List<double[]> runs, int field) {
    double[] values = runs.stream().mapToDouble(r -> r[field]).sorted().toArray();
    return values[values.length / 2];
  }

  private static String loads(List<double[]> runs) {
    return Arrays.toString(runs.stream().mapToDouble(r -> r[2]).map(l -> Math.round(l * 100) / 100.0).toArray());
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }
}
