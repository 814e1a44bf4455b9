package io.conduit.store.graph;

import io.conduit.bridge.ZmqBridgeVerticle;
import io.conduit.client.ConduitClient;
import io.conduit.client.graph.Graph;
import io.conduit.cluster.TestClusters;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

import java.util.concurrent.TimeUnit;

/** The graph contract on a graph store verticle reached through the ZeroMQ bridge. */
class BridgeGraphTest extends GraphContract {

  private static Vertx vertx;
  private static ConduitClient client;

  @BeforeAll
  static void start() throws Exception {
    vertx = Vertx.vertx();
    String endpoint = "tcp://127.0.0.1:" + TestClusters.freePort();
    join(vertx.deployVerticle(new ZmqBridgeVerticle(), new DeploymentOptions().setConfig(
        new JsonObject().put("endpoint", endpoint).putNull("eventsEndpoint"))).toCompletionStage());
    client = ConduitClient.connect(endpoint);
  }

  @AfterAll
  static void stop() throws Exception {
    if (client != null) {
      client.close();
    }
    vertx.close().toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
  }

  @Override
  protected Graph newGraph() throws Exception {
    return Graph.overBridge(client, EventBusGraphTest.deployStore(vertx));
  }
}
