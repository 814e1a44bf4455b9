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
 *   <li>bulk load: {@code count} entities (half nodes, half edges) into an embedded graph on RocksDB
 *       with group commit, through {@code addNodes}/{@code addEdges} of 10,000, acknowledged durable.</li>
 * </ol>
 *
 * <pre>java -cp cli/target/conduit.jar io.conduit.store.graph.GraphBenchmark [dir] [count]</pre>
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
    graph.createIndex(IndexDefinition.parse(new JsonObject().put("on", "node").put("fields", new JsonArray().add("my_id"))));
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
