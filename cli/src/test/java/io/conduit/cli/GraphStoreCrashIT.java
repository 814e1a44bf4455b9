package io.conduit.cli;

import io.conduit.client.ConduitClient;
import io.conduit.client.graph.Entity;
import io.conduit.client.graph.Graph;
import io.conduit.cluster.TestClusters;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Durability of the graph after kill -9: a {@code conduit serve} JVM (graph on RocksDB, default
 * group commit) receives a stream of node and edge writes, is killed mid-stream, restarted on the
 * same data, and every node and edge it acknowledged is there, with no edge missing an endpoint.
 */
class GraphStoreCrashIT {

  @TempDir
  Path dir;

  @Test
  void everyAcknowledgedNodeAndEdgeSurvivesKillMinus9() throws Exception {
    String endpoint = "tcp://127.0.0.1:" + TestClusters.freePort();
    Map<Long, Integer> nodes = new ConcurrentHashMap<>();
    Set<Long> edges = ConcurrentHashMap.newKeySet();
    try (ConduitProcess first = ConduitProcess.start(dir, "first", "serve", "-a", endpoint, "--events", "none")) {
      first.awaitOutput("Ready", Duration.ofSeconds(90));
      ConduitClient client = ConduitClient.connect(endpoint);
      try {
        Graph g = Graph.overBridge(client, "graph").withTimeout(Duration.ofSeconds(10));
        long hub = g.addNode(new JsonObject().put("k", -1)).toCompletableFuture().join();
        nodes.put(hub, -1);
        // 32 writes in flight at a time, so the kill lands among unacknowledged ones too.
        Semaphore window = new Semaphore(32);
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        for (int i = 0; nodes.size() < 2_000 && System.nanoTime() < deadline; i++) {
          window.acquire();
          int key = i;
          g.addNode(new JsonObject().put("k", key)).thenCompose(id -> {
            nodes.put(id, key);
            return g.addEdge(hub, id, new JsonObject().put("k", key));
          }).whenComplete((edge, error) -> {
            if (error == null) {
              edges.add(edge);
            }
            window.release();
          });
        }
        first.kill9();
      } finally {
        client.close();
      }
    }
    assertTrue(nodes.size() >= 2_000, "only " + nodes.size() + " nodes acknowledged in 60 s");

    try (ConduitProcess second = ConduitProcess.start(dir, "second", "serve", "-a", endpoint, "--events", "none")) {
      second.awaitOutput("Ready", Duration.ofSeconds(90));
      try (ConduitClient client = ConduitClient.connect(endpoint)) {
        Graph g = Graph.overBridge(client, "graph").withTimeout(Duration.ofSeconds(30));
        List<Entity> stored = g.V().entities().toCompletableFuture().join();
        Set<Long> storedIds = new HashSet<>();
        int lost = 0;
        for (Entity n : stored) {
          storedIds.add(n.id());
        }
        for (Map.Entry<Long, Integer> n : nodes.entrySet()) {
          if (!storedIds.contains(n.getKey())) {
            lost++;
          }
        }
        assertEquals(0, lost, lost + " of " + nodes.size() + " acknowledged nodes were lost");
        List<Entity> storedEdges = g.E().entities().toCompletableFuture().join();
        Set<Long> storedEdgeIds = new HashSet<>();
        for (Entity e : storedEdges) {
          storedEdgeIds.add(e.id());
          assertTrue(storedIds.contains(e.from()) && storedIds.contains(e.to()), "edge " + e + " lost an endpoint");
        }
        assertTrue(storedEdgeIds.containsAll(edges), "every acknowledged edge is there");
      }
    }
  }
}
