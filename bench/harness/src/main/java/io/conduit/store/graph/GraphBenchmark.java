package io.conduit.store.graph;

import io.conduit.client.graph.Graph;
import io.conduit.client.graph.NewEdge;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.stream.Stream;

/**
 * Measures the graph store in-process, each figure the median of three runs:
 * <ol>
 *   <li>{@code V(my_id=v).count()} on 100k nodes without and with an index on {@code my_id}
 *       (GrapheekDB published 197 ms vs 14 µs for this, in-process);</li>
 *   <li>GrapheekDB's load mix (addNode 999 : remove 5) from 1,000 concurrent requesters, each
 *       sending its next request when the last is answered, on the event bus in-process (no bridge,
 *       no client threads), RocksDB with group commit: what the store itself sustains;</li>
 *   <li>the store's own CPU cost for that mix: 300,000 requests submitted to the store core on one
 *       thread (RocksDB, group commit), divided by that thread's CPU time; on a shared, overloaded
 *       machine this says what one core would sustain, where wall-clock rates mostly measure the
 *       neighbours;</li>
 *   <li>bulk load: {@code count} entities (half nodes, half edges) into an embedded graph on RocksDB
 *       with group commit, through {@code addNodes}/{@code addEdges} of 10,000, acknowledged durable.</li>
 * </ol>
 *
 * <pre>java -cp cli/target/conduit.jar:bench/harness/target/conduit-bench-harness.jar io.conduit.store.graph.GraphBenchmark [dir] [count]</pre>
 */
public final class GraphBenchmark {

  private static final int RUNS = 3;
  private static final int NODES = 100_000;
  private static final int BULK = 10_000;
  /** Held so the level sticks: each open logs a line, which would bury the results. */
  private static final Logger ENGINE_LOG = Logger.getLogger("io.conduit.store.engine.RocksEngine");

  private GraphBenchmark() {
  }

  public static void main(String[] args) throws Exception {
    ENGINE_LOG.setLevel(Level.WARNING);
    Path dir = Path.of(args.length > 0 ? args[0] : "/tmp/graph-bench");
    int count = args.length > 1 ? Integer.parseInt(args[1]) : 1_000_000;
    lookups();
    mix(dir.resolveSibling(dir.getFileName() + "-mix"));
    storeCpu(dir.resolveSibling(dir.getFileName() + "-cpu"));
    bulkLoad(dir, count);
  }

  private static void lookups() {
    GraphData graph = new GraphData();
    for (int i = 0; i < NODES; i++) {
      graph.addNode(new JsonObject().put("my_id", i).put("name", "n" + i));
    }
    graph.commit();
    graph.takeTouched();
    GraphOps ops = new GraphOps(graph, GraphStoreOptions.fromJson(new JsonObject().put("queryTimeLimitMs", 60_000)), Map.of());
    JsonArray steps = new JsonArray("[[\"V\", {\"my_id\": 54321}], [\"count\"]]");
    double scan = median(() -> timePerQuery(ops, steps, 20));
    graph.createIndex(IndexDefinition.parse(new JsonObject().put("on", "node").put("fields", new JsonArray().add("my_id")),
        FilterLimits.NONE));
    Index index = graph.indexes.get("node_my_id");
    graph.nodes.values().forEach(index::add);
    index.building = false;
    double indexed = median(() -> timePerQuery(ops, steps, 200_000));
    System.out.printf("V(my_id=54321).count() on %,d nodes: unindexed %.3f ms, indexed %.2f µs, %,.0fx faster%n",
        NODES, scan / 1e6, indexed / 1e3, scan / indexed);
  }

  /** Nanoseconds per query, after a warm-up of the same size. */
  private static double timePerQuery(GraphOps ops, JsonArray steps, int n) {
    for (int i = 0; i < n; i++) {
      check(ops.query(steps));
    }
    long start = System.nanoTime();
    for (int i = 0; i < n; i++) {
      check(ops.query(steps));
    }
    return (System.nanoTime() - start) / (double) n;
  }

  private static void check(Object result) {
    if (!Long.valueOf(1).equals(result)) {
      throw new IllegalStateException("expected a count of 1, got " + result);
    }
  }

  private static void bulkLoad(Path dir, int count) throws Exception {
    double rate = median(() -> {
      delete(dir);
      try (EmbeddedGraph embedded = EmbeddedGraph.open(new JsonObject().put("backend", "rocksdb")
          .put("dataDir", dir.toString()))) {
        Graph g = embedded.graph();
        int nodes = count / 2;
        long start = System.nanoTime();
        List<Long> ids = new ArrayList<>(nodes);
        for (int done = 0; done < nodes; done += BULK) {
          List<JsonObject> batch = new ArrayList<>();
          for (int i = done; i < Math.min(nodes, done + BULK); i++) {
            batch.add(new JsonObject().put("my_id", i));
          }
          ids.addAll(g.addNodes(batch).toCompletableFuture().join());
        }
        for (int done = 0; done < count - nodes; done += BULK) {
          List<NewEdge> batch = new ArrayList<>();
          for (int i = done; i < Math.min(count - nodes, done + BULK); i++) {
            batch.add(new NewEdge(ids.get(i % nodes), ids.get((i * 7 + 1) % nodes), new JsonObject().put("w", i % 10)));
          }
          g.addEdges(batch).toCompletableFuture().join();
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        return count / seconds;
      }
    });
    System.out.printf("bulk load of %,d entities (nodes + edges) on rocksdb, group commit: %,.0f entities/s%n", count, rate);
  }

  private static void mix(Path dir) {
    io.vertx.core.json.JsonObject add = new JsonObject("{\"op\":\"addNode\",\"data\":{\"name\":\"user\",\"age\":42}}");
    io.vertx.core.json.JsonObject remove = new JsonObject("{\"op\":\"remove\",\"steps\":[[\"V\"],[\"limit\",1]]}");
    double rate = median(() -> {
      delete(dir);
      io.vertx.core.Vertx vertx = io.vertx.core.Vertx.vertx();
      try {
        vertx.deployVerticle(new GraphStoreVerticle(), new io.vertx.core.DeploymentOptions().setConfig(new JsonObject()
            .put("address", "bench").put("backend", "rocksdb").put("dataDir", dir.toString())))
            .toCompletionStage().toCompletableFuture().join();
        java.util.concurrent.atomic.AtomicLong done = new java.util.concurrent.atomic.AtomicLong();
        long end = System.nanoTime() + 10_000_000_000L;
        java.util.concurrent.CountDownLatch finished = new java.util.concurrent.CountDownLatch(1_000);
        for (int c = 0; c < 1_000; c++) {
          int client = c;
          vertx.runOnContext(v -> request(vertx, add, remove, client, done, end, finished));
        }
        finished.await();
        return done.get() / 10.0;
      } finally {
        vertx.close().toCompletionStage().toCompletableFuture().join();
      }
    });
    System.out.printf("addNode 999 : remove 5, 1,000 concurrent requesters on the event bus, rocksdb group commit: "
        + "%,.0f req/s%n", rate);
  }

  private static void storeCpu(Path dir) {
    JsonObject add = new JsonObject("{\"op\":\"addNode\",\"data\":{\"name\":\"user\",\"age\":42}}");
    JsonObject remove = new JsonObject("{\"op\":\"remove\",\"steps\":[[\"V\"],[\"limit\",1]]}");
    double perCpuSecond = median(() -> {
      delete(dir);
      Thread[] ownerThread = new Thread[1];
      java.util.concurrent.ExecutorService owner = java.util.concurrent.Executors.newSingleThreadExecutor(r -> {
        ownerThread[0] = new Thread(r, "graph-bench-owner");
        return ownerThread[0];
      });
      try (io.conduit.store.engine.KeyValueEngine engine = io.conduit.store.engine.Engines.open("rocksdb", dir,
          io.conduit.store.engine.Durability.DEFAULT)) {
        GraphStore store = new GraphStore("bench", new GraphData(), new GraphJournal(engine),
            GraphStoreOptions.fromJson(new JsonObject()), Map.of(), owner);
        int n = 300_000;
        java.util.concurrent.CountDownLatch done = new java.util.concurrent.CountDownLatch(n);
        GraphStore.Reply reply = new GraphStore.Reply() {
          @Override
          public void succeed(JsonObject body) {
            done.countDown();
          }

          @Override
          public void fail(GraphException failure) {
            throw failure;
          }
        };
        owner.submit(() -> { }).get();
        java.lang.management.ThreadMXBean threads = java.lang.management.ManagementFactory.getThreadMXBean();
        long cpuBefore = threads.getThreadCpuTime(ownerThread[0].getId());
        for (int i = 0; i < n; i++) {
          JsonObject request = (i % 1004 < 5 ? remove : add).copy();
          owner.execute(() -> store.submit(request, reply));
        }
        done.await();
        long cpu = threads.getThreadCpuTime(ownerThread[0].getId()) - cpuBefore;
        return n / (cpu / 1e9);
      } finally {
        owner.shutdown();
      }
    });
    System.out.printf("addNode 999 : remove 5 in the store core, rocksdb group commit: %,.0f req per CPU-second "
        + "of the store's thread (%.1f µs each)%n", perCpuSecond, 1e6 / perCpuSecond);
  }

  private static void request(io.vertx.core.Vertx vertx, JsonObject add, JsonObject remove, long n,
                              java.util.concurrent.atomic.AtomicLong done, long end,
                              java.util.concurrent.CountDownLatch finished) {
    if (System.nanoTime() > end) {
      finished.countDown();
      return;
    }
    vertx.eventBus().request("bench", n % 1004 < 5 ? remove : add).onComplete(ar -> {
      if (ar.failed()) {
        throw new IllegalStateException("benchmark request failed", ar.cause());
      }
      done.incrementAndGet();
      request(vertx, add, remove, n + 1_000, done, end, finished);
    });
  }

  private interface Run {
    double measure() throws Exception;
  }

  private static double median(Run run) {
    double[] results = new double[RUNS];
    for (int i = 0; i < RUNS; i++) {
      try {
        results[i] = run.measure();
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    }
    Arrays.sort(results);
    return results[RUNS / 2];
  }

  private static void delete(Path dir) {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> files = Files.walk(dir)) {
      files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      throw new IllegalStateException("cannot clear " + dir, e);
    }
  }
}
