package io.conduit.deploy;

import io.conduit.cluster.ClusterFactory;
import io.conduit.cluster.ClusterSettings;
import io.conduit.cluster.TestClusters;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** In a cluster every node answers at its own control address, reachable from any node. */
@Timeout(120)
class ClusteredNodeControlTest {

  private final List<Vertx> nodes = new ArrayList<>();

  @AfterEach
  void close() throws Exception {
    for (Vertx v : nodes) {
      await(v.close());
    }
  }

  private static <T> T await(Future<T> f) throws Exception {
    return f.toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
  }

  private RunningServices node(ClusterSettings settings, String service) throws Exception {
    Vertx vertx = await(ClusterFactory.startClustered(new VertxOptions(), settings));
    nodes.add(vertx);
    RunningServices services = new RunningServices(vertx);
    await(services.deploy(new DeploymentPlan(List.of(Pong.spec(service, new Instances(1, 3))))));
    await(new NodeControl(services).register());
    return services;
  }

  @Test
  void oneNodeListsAndScalesTheServicesOfAnother() throws Exception {
    ClusterSettings settings = TestClusters.settings("node-control");
    RunningServices a = node(settings, "on-a");
    RunningServices b = node(settings, "on-b");
    Vertx vertxA = a.vertx();
    assertNotEquals(NodeControl.STANDALONE, a.nodeId());
    assertNotEquals(a.nodeId(), b.nodeId());
    assertEquals(java.util.Set.of(a.nodeId(), b.nodeId()), java.util.Set.copyOf(NodeControl.nodeIds(vertxA)));

    List<JsonObject> events = new CopyOnWriteArrayList<>();
    await(vertxA.eventBus().<JsonObject>consumer(ScaleEvent.ADDRESS, m -> events.add(m.body())).completion());

    JsonObject listed = await(vertxA.eventBus().<JsonObject>request(NodeControl.address(b.nodeId()),
        new JsonObject().put("op", "services")).map(Message::body));
    assertEquals(b.nodeId(), listed.getString("node"));
    assertEquals("on-b", listed.getJsonArray("services").getJsonObject(0).getString("name"));

    JsonObject scaled = await(vertxA.eventBus().<JsonObject>request(NodeControl.address(b.nodeId()),
        new JsonObject().put("op", "scale").put("name", "on-b").put("instances", 2)).map(Message::body));
    assertEquals(2, scaled.getJsonObject("instances").getInteger("now"));
    assertEquals(2, b.deploymentIds("on-b").size());
    assertEquals(1, a.deploymentIds("on-a").size());

    // B's scale event is published cluster-wide, so A's console sees it.
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (events.stream().noneMatch(e -> e.getString("service").equals("on-b") && e.getInteger("to") == 2)) {
      assertTrue(System.nanoTime() < deadline, "no scale event from B at A: " + events);
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20));
    }
    JsonObject event = events.stream().filter(e -> e.getString("service").equals("on-b")).findFirst().orElseThrow();
    assertEquals(b.nodeId(), event.getString("node"));
  }
}
