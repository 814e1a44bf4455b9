package io.conduit.pipeline;

import io.conduit.bridge.ZmqBridgeVerticle;
import io.conduit.client.ClientOptions;
import io.conduit.client.ConduitClient;
import io.conduit.client.ConduitException;
import io.conduit.cluster.TestClusters;
import io.conduit.codec.ErrorCode;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static io.conduit.pipeline.PipelineVerticleTest.await;
import static io.conduit.pipeline.PipelineVerticleTest.deploy;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Pipelines as a ZeroMQ client sees them through the bridge. */
@ExtendWith(VertxExtension.class)
class PipelineBridgeTest {

  private final String endpoint = "tcp://127.0.0.1:" + TestClusters.freePort();

  private ConduitClient bridge(Vertx vertx, int clientInFlight) throws Exception {
    JsonObject config = new JsonObject().put("endpoint", endpoint).putNull("eventsEndpoint")
        .put("maxInFlightPerClient", 10_000);
    await(vertx.deployVerticle(new ZmqBridgeVerticle(), new DeploymentOptions().setConfig(config)));
    return ConduitClient.connect(endpoint, ClientOptions.defaults().withMaxInFlight(clientInFlight));
  }

  @Test
  void theResultOfTheLastStageReturnsToTheZeroMqClient(Vertx vertx) throws Exception {
    deploy(vertx, PipelineVerticleTest.chain(""));
    try (ConduitClient client = bridge(vertx, 100)) {
      assertEquals("job>1>2>3", client.requestSync("pipeline.chain", "job"));
      ConduitException e = assertThrows(ConduitException.class, () -> client.requestSync("pipeline.chain", "poison"));
      assertEquals(ErrorCode.RECIPIENT_FAILURE, e.code());
      assertEquals("stage 2 (step2) failed: cannot handle 'poison>1'", e.getMessage());
      assertEquals(400, e.details().getInteger("failureCode"));
    }
  }

  @Test
  void aFullPipelineAnswersTheClientOverloaded(Vertx vertx) throws Exception {
    TestStages.Hold.reset();
    deploy(vertx, """
        {"pipelines": [{"name": "flood", "maxInFlight": 20, "stages": [
          {"verticle": "%s", "config": {"holdMs": 30}}]}]}
        """.formatted(TestStages.Hold.class.getName()));
    try (ConduitClient client = bridge(vertx, 5000)) {
      List<CompletableFuture<Object>> all = new ArrayList<>();
      for (int i = 0; i < 2000; i++) {
        all.add(client.request("pipeline.flood", i));
      }
      int ok = 0;
      int overloaded = 0;
      for (int i = 0; i < all.size(); i++) {
        try {
          assertEquals(i, all.get(i).get(30, TimeUnit.SECONDS));
          ok++;
        } catch (java.util.concurrent.ExecutionException e) {
          ConduitException c = assertInstanceOf(ConduitException.class, e.getCause());
          assertEquals(ErrorCode.OVERLOADED, c.code(), c.getMessage());
          assertTrue(c.getMessage().startsWith("pipeline 'flood' has 20 jobs in flight"), c.getMessage());
          overloaded++;
        }
      }
      assertTrue(overloaded > 0 && ok >= 20, ok + " ok, " + overloaded + " overloaded");
      assertTrue(TestStages.Hold.MOST.get() <= 20, "held at once: " + TestStages.Hold.MOST.get());
    }
  }
}
