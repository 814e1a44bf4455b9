package io.conduit.store.doc;

import io.conduit.Conditions;
import io.conduit.cluster.ClusterFactory;
import io.conduit.cluster.TestClusters;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * On a clustered node the change stream reaches consumers on the other nodes as well as on the
 * store's own, as the same JSON: a standalone node's events are built only for consumers in its JVM,
 * a clustered node's are sent as JSON objects that any member decodes.
 */
class ChangeStreamClusterTest {

  private static Vertx storeNode;
  private static Vertx otherNode;

  private static <T> T await(Future<T> f) throws Exception {
    return f.toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
  }

  @BeforeAll
  static void startTwoNodes() throws Exception {
    var settings = TestClusters.settings("change-stream");
    storeNode = await(ClusterFactory.startClustered(new VertxOptions(), settings));
    otherNode = await(ClusterFactory.startClustered(new VertxOptions(), settings));
    await(storeNode.deployVerticle(new DocStoreVerticle(), new DeploymentOptions()
        .setConfig(new JsonObject().put("address", "cs").put("backend", "memory"))));
  }

  @AfterAll
  static void stopNodes() throws Exception {
    for (Vertx node : new Vertx[] {otherNode, storeNode}) {
      if (node != null) {
        node.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
      }
    }
  }

  @Test
  void consumersOnBothNodesGetEveryWritesEvent() throws Exception {
    List<JsonObject> here = new CopyOnWriteArrayList<>();
    List<JsonObject> there = new CopyOnWriteArrayList<>();
    await(storeNode.eventBus().<JsonObject>consumer("cs.changes", m -> here.add(m.body())).completion());
    await(otherNode.eventBus().<JsonObject>consumer("cs.changes", m -> there.add(m.body())).completion());
    // the other node's subscription reaches the store's node a moment after it is registered:
    // write until an event arrives there, then compare the events of one write
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    long version = 0;
    while (there.isEmpty() && System.nanoTime() < deadline) {
      JsonObject reply = await(otherNode.eventBus().<JsonObject>request("cs", new JsonObject().put("op", "set")
          .put("path", new JsonArray().add("k")).put("value", new JsonObject().put("n", version + 1)))).body();
      version = reply.getLong("version");
      long written = version;
      Conditions.await(5_000, () -> here.stream().anyMatch(e -> e.getLong("version") == written),
          () -> "the store's own node got no event for write " + written + ": " + here);
    }
    Conditions.await(1_000, () -> !there.isEmpty(), () -> "no event reached the other node");
    JsonObject remote = there.get(0);
    long v = remote.getLong("version");
    JsonObject local = here.stream().filter(e -> e.getLong("version") == v).findFirst().orElseThrow();
    assertEquals(local, remote);
    assertEquals(new JsonObject().put("version", v).put("kind", "write").put("op", "set")
        .put("path", new JsonArray().add("k")).put("value", new JsonObject().put("n", v))
        .put("record", local.getJsonObject("record")), remote);
    assertEquals(v, remote.getJsonObject("record").getLong("v"));
  }
}
