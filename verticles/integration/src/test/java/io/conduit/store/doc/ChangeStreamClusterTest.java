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

  /** One write to the store from {@code from}; false while it is refused (not serving yet, not yet known on that node). */
  private static boolean wrote(Vertx from) {
    try {
      await(from.eventBus().request("cs", new JsonObject().put("op", "set").put("path", new JsonArray().add("k"))
          .put("value", new JsonObject().put("at", System.nanoTime()))));
      return true;
    } catch (Exception refused) {
      return false;
    }
  }

  @Test
  void consumersOnBothNodesGetEveryWritesEvent() throws Exception {
    List<JsonObject> here = new CopyOnWriteArrayList<>();
    List<JsonObject> there = new CopyOnWriteArrayList<>();
    await(storeNode.eventBus().<JsonObject>consumer("cs.changes", m -> here.add(m.body())).completion());
    await(otherNode.eventBus().<JsonObject>consumer("cs.changes", m -> there.add(m.body())).completion());
    // the other node's subscription reaches the store's node a moment after it is registered (and
    // the store may not serve yet): write until an event arrives there
    Conditions.await(20_000, () -> wrote(storeNode) && !there.isEmpty(),
        () -> "no event reached the other node; the store's own node got " + here);
    JsonObject remote = there.get(0);
    long v = remote.getLong("version");
    Conditions.await(5_000, () -> here.stream().anyMatch(e -> e.getLong("version") == v),
        () -> "the store's own node got no event for write " + v + ": " + here);
    JsonObject local = here.stream().filter(e -> e.getLong("version") == v).findFirst().orElseThrow();
    assertEquals(local, remote);
    JsonObject record = remote.getJsonObject("record");
    assertEquals(new JsonObject().put("version", v).put("kind", "write").put("op", "set")
        .put("path", new JsonArray().add("k")).put("value", record.getJsonObject("op").getJsonObject("value"))
        .put("record", record), remote);
    assertEquals(v, record.getLong("v"));
  }
}
