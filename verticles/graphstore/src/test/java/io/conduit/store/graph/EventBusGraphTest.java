package io.conduit.store.graph;

import io.conduit.client.graph.Graph;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/** The graph contract on a graph store verticle reached over the event bus. */
class EventBusGraphTest extends GraphContract {

  private static final AtomicInteger STORES = new AtomicInteger();
  static Vertx vertx;

  @BeforeAll
  static void start() {
    vertx = Vertx.vertx();
  }

  @AfterAll
  static void stop() throws Exception {
    vertx.close().toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
  }

  /** Deploys a new in-memory store at an address of its own; returns the address. */
  static String deployStore(Vertx vertx) throws Exception {
    String address = "graph-" + STORES.incrementAndGet();
    join(vertx.deployVerticle(new GraphStoreVerticle(), new DeploymentOptions().setConfig(new JsonObject()
        .put("address", address).put("backend", "memory").put("scripts", TestScripts.all()))).toCompletionStage());
    return address;
  }

  @Override
  protected Graph newGraph() throws Exception {
    return Graph.overEventBus(vertx, deployStore(vertx));
  }
}
