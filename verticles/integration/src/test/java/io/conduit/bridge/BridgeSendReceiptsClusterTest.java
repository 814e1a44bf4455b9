package io.conduit.bridge;

import io.conduit.Conditions;
import io.conduit.client.ClientOptions;
import io.conduit.client.ConduitClient;
import io.conduit.client.ConduitException;
import io.conduit.cluster.ClusterFactory;
import io.conduit.cluster.ClusterSettings;
import io.conduit.cluster.TestClusters;
import io.conduit.codec.ErrorCode;
import io.conduit.codec.RequestHeaders;
import io.conduit.node.Receipts;
import io.conduit.store.doc.DocStoreVerticle;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A send the bridge on node A acknowledged stays charged to its client until its consumer on node
 * B, which runs no bridge, takes it: node B says so.
 */
class BridgeSendReceiptsClusterTest {

  private static final int MIB = 1 << 20;

  private static ClusterSettings settings;
  private static Vertx nodeA;
  private static Vertx nodeB;
  private final Map<ZmqBridgeVerticle, String> endpoints = new HashMap<>();

  static <T> T await(Future<T> future) throws Exception {
    return future.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
  }

  @BeforeAll
  static void startTwoNodes() throws Exception {
    settings = TestClusters.settings("send-receipts");
    nodeA = await(ClusterFactory.startClustered(new VertxOptions(), settings));
    nodeB = await(ClusterFactory.startClustered(new VertxOptions(), settings));
  }

  @AfterAll
  static void stopNodes() throws Exception {
    for (Vertx node : new Vertx[] {nodeB, nodeA}) {
      if (node != null) {
        node.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
      }
    }
  }

  @Test
  void sendsAConsumerOnAnotherNodeHasNotTakenStayChargedUntilItTakesThem() throws Exception {
    Receipts.answerOn(nodeB); // what `conduit serve` does on every node
    List<MultiMap> taken = new CopyOnWriteArrayList<>();
    MessageConsumer<Object> far = nodeB.eventBus().consumer("far", m -> taken.add(m.headers()));
    far.pause();
    await(far.completion());
    ZmqBridgeVerticle bridge = bridgeOnA();
    String big = "x".repeat(MIB);
    try (ConduitClient client = clientOf(bridge)) {
      for (int i = 0; i < 3; i++) {
        client.send("far", big).get(10, TimeUnit.SECONDS);
      }
      ExecutionException e = assertThrows(ExecutionException.class, () -> client.send("far", big).get(10, TimeUnit.SECONDS));
      assertEquals(ErrorCode.OVERLOADED, assertInstanceOf(ConduitException.class, e.getCause()).code());
      assertTrue(bridge.stats().inFlightBytes() > 3L * MIB, "charged " + bridge.stats().inFlightBytes());
      far.resume();
      // the receipt leaves just before the handler runs: both, well before the bridge's 300 s
      Conditions.await(10_000, () -> bridge.stats().inFlightBytes() == 0 && taken.size() == 3,
          () -> bridge.stats().inFlightBytes() + " bytes still charged, " + taken.size() + " taken");
      for (MultiMap headers : taken) {
        assertNull(headers.get(RequestHeaders.RECEIPT), headers.toString());
      }
      client.send("far", big).get(10, TimeUnit.SECONDS);
      // in a cluster the bus asks the registry before it says nobody consumes an address
      ExecutionException nobody = assertThrows(ExecutionException.class,
          () -> client.send("nobody.anywhere", "x").get(10, TimeUnit.SECONDS));
      assertEquals(ErrorCode.NO_HANDLERS, assertInstanceOf(ConduitException.class, nobody.getCause()).code());
    }
  }

  @Test
  void publishesStayChargedUntilTheHandlersOfEveryNodeTheyReachedTookThem() throws Exception {
    Receipts.answerOn(nodeA);
    Receipts.answerOn(nodeB);
    List<MultiMap> quick = new CopyOnWriteArrayList<>();
    List<MultiMap> slow = new CopyOnWriteArrayList<>();
    List<MultiMap> slower = new CopyOnWriteArrayList<>();
    MessageConsumer<Object> here = nodeA.eventBus().consumer("farnews", m -> quick.add(m.headers()));
    MessageConsumer<Object> far = nodeB.eventBus().consumer("farnews", m -> slow.add(m.headers()));
    MessageConsumer<Object> farther = nodeB.eventBus().consumer("farnews", m -> slower.add(m.headers()));
    // a local-only handler of node B gets nothing published elsewhere: node B must not count it
    MessageConsumer<Object> localOnly = nodeB.eventBus().localConsumer("farnews", m -> { });
    far.pause();
    farther.pause();
    await(Future.all(here.completion(), far.completion(), farther.completion(), localOnly.completion()));
    ZmqBridgeVerticle bridge = bridgeOnA();
    String big = "x".repeat(MIB);
    try (ConduitClient client = clientOf(bridge)) {
      // this node's reader takes them at once; node B's two readers do not
      for (int i = 0; i < 3; i++) {
        client.publish("farnews", big).get(10, TimeUnit.SECONDS);
      }
      ExecutionException e = assertThrows(ExecutionException.class, () -> client.publish("farnews", big).get(10, TimeUnit.SECONDS));
      assertEquals(ErrorCode.OVERLOADED, assertInstanceOf(ConduitException.class, e.getCause()).code());
      Conditions.await(10_000, () -> quick.size() == 3, () -> quick.size() + " taken here");
      // past the bridge's checks of the nodes it waits for (once a second, asking again after 2 s)
      Conditions.holdsFor(3_500, () -> bridge.stats().inFlightBytes() > 3L * MIB,
          () -> "given back while node B's readers held them: " + bridge.stats().inFlightBytes());
      far.resume();
      // one of node B's readers took them: the other still holds its copies
      Conditions.await(10_000, () -> slow.size() == 3, () -> slow.size() + " taken by the first reader of node B");
      assertTrue(bridge.stats().inFlightBytes() > 3L * MIB, "charged " + bridge.stats().inFlightBytes());
      farther.resume();
      Conditions.await(10_000, () -> bridge.stats().inFlightBytes() == 0 && slower.size() == 3,
          () -> bridge.stats().inFlightBytes() + " bytes still charged, " + slower.size() + " taken");
      for (List<MultiMap> taken : List.of(quick, slow, slower)) {
        for (MultiMap headers : taken) {
          assertNull(headers.get(RequestHeaders.RECEIPT), headers.toString());
        }
      }
      // an event only another node reads is held until that node's reader took it
      MessageConsumer<Object> onlyFar = nodeB.eventBus().consumer("farnews.b", m -> { });
      onlyFar.pause();
      await(onlyFar.completion());
      for (int i = 0; i < 3; i++) {
        client.publish("farnews.b", big).get(10, TimeUnit.SECONDS);
      }
      assertTrue(bridge.stats().inFlightBytes() > 3L * MIB, "charged " + bridge.stats().inFlightBytes());
      onlyFar.resume();
      Conditions.await(10_000, () -> bridge.stats().inFlightBytes() == 0,
          () -> bridge.stats().inFlightBytes() + " bytes still charged for events node B took");
      // and one nobody reads anywhere holds nothing for long
      client.publish("nobody.reads", big).get(10, TimeUnit.SECONDS);
      Conditions.await(10_000, () -> bridge.stats().inFlightBytes() == 0,
          () -> bridge.stats().inFlightBytes() + " bytes still charged for an event nobody reads");
      await(Future.all(here.unregister(), far.unregister(), farther.unregister(), localOnly.unregister(),
          onlyFar.unregister()));
    }
  }

  @Test
  void aHandlerRegisteredAfterAPublishArrivedOwesNothingForIt() throws Exception {
    Receipts.answerOn(nodeB);
    MessageConsumer<Object> first = nodeB.eventBus().consumer("latenews", m -> { });
    MessageConsumer<Object> marker = nodeB.eventBus().consumer("latenews.marker", m -> m.reply("here"));
    await(Future.all(first.completion(), marker.completion()));
    ZmqBridgeVerticle bridge = bridgeOnA();
    String big = "x".repeat(MIB);
    try (ConduitClient client = clientOf(bridge)) {
      client.publish("latenews", "warm").get(10, TimeUnit.SECONDS); // node A now knows where it goes
      Conditions.await(10_000, () -> bridge.stats().inFlightBytes() == 0, () -> "charged " + bridge.stats().inFlightBytes());
      first.pause();
      client.publish("latenews", big).get(10, TimeUnit.SECONDS);
      assertTrue(bridge.stats().inFlightBytes() > MIB, "charged " + bridge.stats().inFlightBytes());
      // node A's messages to node B keep their order: once this request was answered there, the
      // event had reached node B's handlers
      await(nodeA.eventBus().request("latenews.marker", "after"));
      // a second handler comes after the event reached node B: node B counts 2 when the first
      // takes it, and only one will ever answer for it
      MessageConsumer<Object> second = nodeB.eventBus().consumer("latenews", m -> { });
      await(second.completion());
      first.resume();
      Conditions.holdsFor(1_500, () -> bridge.stats().inFlightBytes() > MIB, () -> "charged " + bridge.stats().inFlightBytes());
      // the next event reaches both, and both answer for it: they have passed the first one too
      client.publish("latenews", "small").get(10, TimeUnit.SECONDS);
      Conditions.await(10_000, () -> bridge.stats().inFlightBytes() == 0,
          () -> bridge.stats().inFlightBytes() + " bytes still charged (the bridge waits 300 s)");
      await(Future.all(first.unregister(), second.unregister(), marker.unregister()));
    }
  }

  @Test
  void aNodeWhoseHandlerWentWithTheEventsItHadOwesNothingForThem() throws Exception {
    Receipts.answerOn(nodeB);
    MessageConsumer<Object> gone = nodeB.eventBus().consumer("dropnews", m -> { });
    gone.pause();
    await(gone.completion());
    ZmqBridgeVerticle bridge = bridgeOnA();
    String big = "x".repeat(MIB);
    try (ConduitClient client = clientOf(bridge)) {
      for (int i = 0; i < 3; i++) {
        client.publish("dropnews", big).get(10, TimeUnit.SECONDS);
      }
      assertTrue(bridge.stats().inFlightBytes() > 3L * MIB, "charged " + bridge.stats().inFlightBytes());
      // its handler goes (a subscriber left, a service was scaled down): its copies with it
      await(gone.unregister());
      Conditions.await(15_000, () -> bridge.stats().inFlightBytes() == 0,
          () -> bridge.stats().inFlightBytes() + " bytes still charged (the bridge waits 300 s)");
    }
  }

  private ZmqBridgeVerticle bridgeOnA() throws Exception {
    String endpoint = "tcp://127.0.0.1:" + TestClusters.freePort();
    ZmqBridgeVerticle bridge = new ZmqBridgeVerticle();
    await(nodeA.deployVerticle(bridge, new DeploymentOptions().setConfig(new JsonObject().put("endpoint", endpoint)
        .putNull("eventsEndpoint").put("maxMessageBytes", 2 * MIB).put("maxInFlightBytesPerClient", 4 * MIB))));
    endpoints.put(bridge, endpoint);
    return bridge;
  }

  private ConduitClient clientOf(ZmqBridgeVerticle bridge) {
    return ConduitClient.connect(endpoints.get(bridge), ClientOptions.defaults().withTimeout(Duration.ofSeconds(60)));
  }

  @Test
  void publishesWaitingForANodeThatLeftTheClusterAreGivenBackWithoutWaitingForTheBridgesTimeout() throws Exception {
    Vertx nodeC = await(ClusterFactory.startClustered(new VertxOptions(), settings));
    try {
      Receipts.answerOn(nodeC);
      MessageConsumer<Object> far = nodeC.eventBus().consumer("gonenews", m -> { });
      far.pause();
      await(far.completion());
      ZmqBridgeVerticle bridge = bridgeOnA();
      String big = "x".repeat(MIB);
      try (ConduitClient client = clientOf(bridge)) {
        for (int i = 0; i < 3; i++) {
          client.publish("gonenews", big).get(10, TimeUnit.SECONDS);
        }
        assertTrue(bridge.stats().inFlightBytes() > 3L * MIB, "charged " + bridge.stats().inFlightBytes());
        // node C goes with the copies its reader never took: nobody will answer for them
        await(nodeC.close());
        nodeC = null;
        Conditions.await(20_000, () -> bridge.stats().inFlightBytes() == 0,
            () -> bridge.stats().inFlightBytes() + " bytes still charged for a node that left (the bridge waits 300 s)");
        client.publish("gonenews", big).get(10, TimeUnit.SECONDS);
      }
    } finally {
      if (nodeC != null) {
        await(nodeC.close());
      }
    }
  }

  private static boolean answers(Vertx from, String address, JsonObject body) {
    try {
      await(from.eventBus().request(address, body));
      return true;
    } catch (Exception e) {
      return false; // not registered across the cluster yet, or not serving yet
    }
  }

  @Test
  void sendsToAStoreOnAnotherNodeStayChargedWhileTheyWaitBehindItsLock() throws Exception {
    Receipts.answerOn(nodeB);
    await(nodeB.deployVerticle(new DocStoreVerticle(), new DeploymentOptions().setConfig(new JsonObject()
        .put("address", "lockeddocs").put("backend", "memory"))));
    JsonObject set = new JsonObject().put("op", "set").put("path", new JsonArray().add("k")).put("value", 0);
    Conditions.await(20_000, () -> answers(nodeA, "lockeddocs", set), () -> "node A never reached the store on node B");
    String token = ((JsonObject) await(nodeA.eventBus().request("lockeddocs",
        new JsonObject().put("op", "lock").put("ttlMs", 60_000))).body()).getString("token");
    ZmqBridgeVerticle bridge = bridgeOnA();
    JsonObject big = new JsonObject().put("op", "set").put("path", new JsonArray().add("k")).put("value", "x".repeat(MIB))
        .put("timeoutMs", 60_000);
    try (ConduitClient client = clientOf(bridge)) {
      // the store takes each at once, but holds it behind the lock: the sends stay charged meanwhile
      for (int i = 0; i < 3; i++) {
        client.send("lockeddocs", big).get(10, TimeUnit.SECONDS);
      }
      ExecutionException e = assertThrows(ExecutionException.class,
          () -> client.send("lockeddocs", big).get(10, TimeUnit.SECONDS));
      assertEquals(ErrorCode.OVERLOADED, assertInstanceOf(ConduitException.class, e.getCause()).code());
      assertTrue(bridge.stats().inFlightBytes() > 3L * MIB, "charged " + bridge.stats().inFlightBytes());
      await(nodeA.eventBus().request("lockeddocs", new JsonObject().put("op", "unlock").put("token", token)));
      Conditions.await(10_000, () -> bridge.stats().inFlightBytes() == 0,
          () -> bridge.stats().inFlightBytes() + " bytes still charged after the store applied the sends");
      JsonObject version = (JsonObject) await(nodeA.eventBus().request("lockeddocs",
          new JsonObject().put("op", "get").put("path", new JsonArray().add("k")))).body();
      assertEquals(MIB, String.valueOf(version.getValue("value")).length(), "the sends were applied");
    }
  }
}
