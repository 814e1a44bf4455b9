package io.conduit.store.graph;

import io.conduit.client.graph.Graph;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;

import static io.conduit.store.graph.GraphCalls.await;
import static io.conduit.store.graph.GraphContract.f;
import static io.conduit.store.graph.GraphContract.join;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** On the rocksdb backend a restart finds the nodes, the edges, the indexes and the id sequence. */
@ExtendWith(VertxExtension.class)
class GraphRestartTest {

  @TempDir
  Path dir;

  private DeploymentOptions options() {
    return new DeploymentOptions().setConfig(new JsonObject().put("address", "persisted").put("backend", "rocksdb")
        .put("dataDir", dir.toString()));
  }

  @Test
  void aRestartKeepsNodesEdgesIndexesAndIds(Vertx vertx) throws Exception {
    String deployment = await(vertx.deployVerticle(new GraphStoreVerticle(), options()));
    Graph g = Graph.overEventBus(vertx, "persisted");
    List<Long> ids = join(g.addNodes(List.of(f("city", "Paris"), f("city", "Rome"), f("city", "Paris"))));
    long edge = join(g.addEdge(ids.get(0), ids.get(1), f("w", 3)));
    join(g.createIndex("node", List.of("city"), null));
    long last = join(g.addNode(f("city", "Oslo")));
    join(g.remove(last));
    join(g.update(ids.get(2), f("city", "Rome")));
    List<Object> nodesBefore = List.copyOf(join(g.V().entities()));
    await(vertx.undeploy(deployment));

    await(vertx.deployVerticle(new GraphStoreVerticle(), options()));
    assertEquals(nodesBefore, join(g.V().entities()));
    assertEquals(List.of(edge), join(g.v(ids.get(0)).outE().ids()));
    assertEquals(List.of(ids.get(1), ids.get(2)), join(g.V(f("city", "Rome")).ids()));
    JsonArray indexes = join(g.listIndexes());
    assertEquals("node_city", indexes.getJsonObject(0).getString("name"));
    assertEquals(3L, indexes.getJsonObject(0).getLong("size"));
    assertTrue(indexes.getJsonObject(0).getBoolean("ready"));
    assertTrue(join(g.addNode(new JsonObject())) > last, "a removed id is never given out again");
  }
}
