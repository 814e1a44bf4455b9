package io.conduit.store.graph;

import io.conduit.Conditions;
import io.conduit.store.engine.BreakableEngine;

import io.vertx.core.DeploymentOptions;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.concurrent.atomic.AtomicBoolean;

import static io.conduit.store.graph.GraphCalls.await;
import static io.conduit.store.graph.GraphCalls.call;
import static io.conduit.store.graph.GraphCalls.failure;
import static io.conduit.store.graph.GraphCalls.refusedUntilReopened;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A batch that cannot be stored, or memory that may no longer match what is stored, stops the
 * store; it is then given up and its data reopened, which finds the graph as it was stored.
 */
@ExtendWith(VertxExtension.class)
class StorageFailureTest {

  @Test
  void anUnstorableRemovalStopsTheStoreAndReopeningFindsTheGraphWhole(Vertx vertx) throws Exception {
    BreakableEngine engine = new BreakableEngine();
    DeploymentOptions options = new DeploymentOptions().setConfig(new JsonObject().put("address", "sf").put("backend", "rocksdb"));
    GraphStoreVerticle store = new GraphStoreVerticle(o -> engine);
    await(vertx.deployVerticle(store, options));
    call(vertx, "sf", "{\"op\":\"addNodes\",\"items\":[{},{},{}]}");
    call(vertx, "sf", "{\"op\":\"addEdges\",\"items\":[{\"from\":1,\"to\":2},{\"from\":3,\"to\":1}]}");
    engine.broken.set(true);

    var removal = failure(vertx, "sf", "{\"op\":\"remove\",\"id\":1}");
    assertEquals(500, removal.failureCode());
    assertTrue(removal.getMessage().contains("could not be stored (no space left on device)"), removal.getMessage());
    Conditions.await(5_000, () -> String.valueOf(store.storageFailure()).contains("stopped serving here: a write "
        + "could not be stored (no space left on device); another node's in-sync standby may take it over, else it "
        + "reopens its data at"), () -> "health checks see it: " + store.storageFailure());

    engine.broken.set(false);
    assertEquals(3L, refusedUntilReopened(vertx, "sf", "{\"op\":\"query\",\"steps\":[[\"V\"],[\"count\"]]}")
        .getLong("result"), "the unstored removal must not be served");
    assertEquals(new JsonArray().add(2).add(3),
        call(vertx, "sf", "{\"op\":\"query\",\"steps\":[[\"v\",1],[\"bothV\"],[\"ids\"]]}").getJsonArray("result"));
  }

  /** An exception, or an Error such as a stack overflow, thrown on the way to the engine. */
  @ParameterizedTest
  @ValueSource(booleans = {false, true})
  void aBatchWhoseEngineThrowsIsABatchThatWasNotStored(boolean anError, Vertx vertx) throws Exception {
    BreakableEngine engine = new BreakableEngine();
    GraphStoreVerticle store = new GraphStoreVerticle(o -> engine);
    String address = "sf2-" + anError;
    await(vertx.deployVerticle(store, new DeploymentOptions().setConfig(
        new JsonObject().put("address", address).put("backend", "rocksdb"))));
    call(vertx, address, "{\"op\":\"addNodes\",\"items\":[{}]}");
    AtomicBoolean fault = anError ? engine.erring : engine.faulty;
    fault.set(true);

    var write = failure(vertx, address, "{\"op\":\"addNodes\",\"items\":[{}]}");
    assertEquals(500, write.failureCode());
    assertTrue(write.getMessage().contains("could not be stored (" + (anError ? "java.lang.StackOverflowError"
        : "an engine fault") + ")"), write.getMessage());
    fault.set(false);
    assertEquals(1L, refusedUntilReopened(vertx, address, "{\"op\":\"query\",\"steps\":[[\"V\"],[\"count\"]]}")
        .getLong("result"), "the unstored node must not be served");
    assertEquals(null, store.storageFailure(), "serving again");
  }

  @Test
  void aStackOverflowDuringAWriteHaltsTheStoreAndReopeningFindsTheGraphAsStored(Vertx vertx) throws Exception {
    BreakableEngine engine = new BreakableEngine();
    DeploymentOptions options = new DeploymentOptions().setConfig(new JsonObject().put("address", "sf3")
        .put("backend", "rocksdb").put("scripts", TestScripts.all()));
    GraphStoreVerticle store = new GraphStoreVerticle(o -> engine);
    await(vertx.deployVerticle(store, options));
    call(vertx, "sf3", "{\"op\":\"addNodes\",\"items\":[{\"name\":\"root\"},{\"name\":\"leaf\"}]}");
    call(vertx, "sf3", "{\"op\":\"createIndex\",\"on\":\"node\",\"fields\":[\"name\"]}");

    // a stack overflow during a write, as if it struck inside a change the undo log has not recorded
    var overflow = failure(vertx, "sf3", "{\"op\":\"script\",\"name\":\"addThenOverflowError\"}");
    assertEquals(500, overflow.failureCode());
    assertTrue(overflow.getMessage().contains("stopped serving: a script request failed with "
        + "java.lang.StackOverflowError part-way through changing the graph in memory"), overflow.getMessage());
    Conditions.await(5_000, () -> String.valueOf(store.storageFailure()).contains("stopped serving here: a script "
        + "request failed with java.lang.StackOverflowError"), () -> "health checks see it: " + store.storageFailure());

    assertEquals(2L, refusedUntilReopened(vertx, "sf3", "{\"op\":\"query\",\"steps\":[[\"V\"],[\"count\"]]}")
        .getLong("result"), "memory that may not match the stored graph must not be served");
    assertEquals(new JsonArray().add(2), call(vertx, "sf3",
        "{\"op\":\"query\",\"steps\":[[\"V\",{\"name\":\"leaf\"}],[\"ids\"]]}").getJsonArray("result"),
        "the index as stored");
  }
}
