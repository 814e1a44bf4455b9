package io.conduit.store.graph;

import io.conduit.client.graph.Entity;
import io.conduit.client.graph.Graph;
import io.conduit.client.graph.GraphStoreException;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.io.StringWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

import static io.conduit.store.graph.GraphCalls.await;
import static io.conduit.store.graph.GraphContract.f;
import static io.conduit.store.graph.GraphContract.join;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Sixteen writers adding, linking, updating and removing at once leave a consistent graph: every
 * edge's endpoints exist, and every index agrees with a scan, before and after a restart.
 */
@ExtendWith(VertxExtension.class)
class ConcurrentWritersTest {

  private static final int WRITERS = 16;
  private static final int OPS_EACH = 150;
  private static final List<String> GROUPS = List.of("g0", "g1", "g2", "g3");

  @TempDir
  Path dir;

  @Test
  void sixteenWritersLeaveAConsistentGraph(Vertx vertx) throws Exception {
    DeploymentOptions options = new DeploymentOptions().setConfig(new JsonObject().put("address", "busy")
        .put("backend", "rocksdb").put("dataDir", dir.toString()));
    String deployment = await(vertx.deployVerticle(new GraphStoreVerticle(), options));
    Graph g = Graph.overEventBus(vertx, "busy");
    join(g.createIndex("node", List.of("group"), null));
    join(g.createIndex("edge", List.of("rel"), null));
    join(g.addNodes(List.of(f("group", "g0"), f("group", "g1"))));

    List<CompletableFuture<Void>> writers = new ArrayList<>();
    for (int w = 0; w < WRITERS; w++) {
      writers.add(write(g, new Random(w), 0).toCompletableFuture());
    }
    CompletableFuture.allOf(writers.toArray(CompletableFuture[]::new)).get(60, java.util.concurrent.TimeUnit.SECONDS);

    String before = assertConsistent(g);
    await(vertx.undeploy(deployment));
    await(vertx.deployVerticle(new GraphStoreVerticle(), options));
    assertEquals(before, assertConsistent(g), "a restart finds the same graph");
  }

  /** One writer: a chain of OPS_EACH random writes, each sent after the previous reply. */
  private CompletionStage<Void> write(Graph g, Random random, int done) {
    if (done == OPS_EACH) {
      return CompletableFuture.completedFuture(null);
    }
    long someId = 1 + random.nextInt(done * WRITERS + 3);
    CompletionStage<?> op = switch (random.nextInt(10)) {
      case 0, 1, 2, 3 -> g.addNode(f("group", GROUPS.get(random.nextInt(GROUPS.size()))));
      case 4, 5, 6 -> g.addEdge(someId, 1 + random.nextInt(done * WRITERS + 3), f("rel", "r" + random.nextInt(3)));
      case 7 -> g.update(someId, f("group", GROUPS.get(random.nextInt(GROUPS.size()))));
      default -> g.remove(someId);
    };
    // ids picked at random may be missing or be edges: 404s are part of the load, nothing else is
    return op.handle((ok, failure) -> {
      Throwable e = failure instanceof java.util.concurrent.CompletionException c ? c.getCause() : failure;
      if (e != null && !(e instanceof GraphStoreException x && x.status() == 404)) {
        throw new AssertionError("unexpected failure", e);
      }
      return null;
    }).thenCompose(v -> write(g, random, done + 1));
  }

  /** Checks the invariants and gives the graph's dump. */
  private static String assertConsistent(Graph g) throws Exception {
    Set<Long> nodes = new HashSet<>(join(g.V().ids()));
    List<Entity> edges = join(g.E().entities());
    for (Entity e : edges) {
      assertTrue(nodes.contains(e.from()) && nodes.contains(e.to()), "edge " + e + " has both endpoints");
    }
    for (String group : GROUPS) {
      assertEquals(join(g.V(f("group__iexact", group)).ids()), join(g.V(f("group", group)).ids()),
          "index on group agrees with a scan for " + group);
    }
    for (String rel : List.of("r0", "r1", "r2")) {
      assertEquals(join(g.E(f("rel__iexact", rel)).ids()), join(g.E(f("rel", rel)).ids()));
    }
    assertTrue(nodes.size() > 100 && edges.size() > 10, nodes.size() + " nodes, " + edges.size() + " edges");
    StringWriter dump = new StringWriter();
    join(g.exportTo(dump));
    return dump.toString();
  }
}
