package io.conduit.pipeline;

import io.conduit.bridge.ZmqBridgeVerticle;
import io.conduit.client.ClientOptions;
import io.conduit.client.ConduitClient;
import io.conduit.client.ConduitException;
import io.conduit.client.MapOptions;
import io.conduit.cluster.TestClusters;
import io.conduit.codec.ErrorCode;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
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
      assertEquals(ErrorCode.BAD_REQUEST, e.code(), "the stage's own status, as its code");
      assertEquals("stage 2 (step2) failed: cannot handle 'poison>1'", e.getMessage());
      assertEquals(400, e.details().getInteger("failureCode"));
    }
  }

  @Test
  void fiftyThousandJobsStreamThroughTheBridgeWithoutLossOrDuplication(Vertx vertx) throws Exception {
    TestStages.Count.SEEN.set(0);
    deploy(vertx, """
        {"pipelines": [{"name": "stream", "maxInFlight": 5000, "stages": [
          {"verticle": "%1$s", "instances": 2}, {"verticle": "%1$s"}, {"verticle": "%1$s"}]}]}
        """.formatted(TestStages.Count.class.getName()));
    int jobs = 50_000;
    try (ConduitClient client = bridge(vertx, 1000)) {
      Iterable<Integer> items = () -> java.util.stream.IntStream.range(0, jobs).boxed().iterator();
      java.util.BitSet answered = new java.util.BitSet(jobs);
      long[] counts = new long[3]; // results, wrong, duplicated
      client.map("pipeline.stream", items, MapOptions.defaults().withWindow(1000)).forEach(r -> {
        counts[0]++;
        if (!r.ok() || !Integer.valueOf((int) r.index()).equals(r.value())) {
          counts[1]++;
        }
        if (answered.get((int) r.index())) {
          counts[2]++;
        }
        answered.set((int) r.index());
      });
      assertEquals(jobs, counts[0]);
      assertEquals(0, counts[1], "wrong or failed results");
      assertEquals(0, counts[2], "duplicated results");
      assertEquals(jobs, answered.cardinality());
      assertEquals(3 * jobs, TestStages.Count.SEEN.get(), "every stage saw every job once");
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

  @Test
  void aClientsPipelineHeadersAreDroppedSoItCannotRedirectAStage(Vertx vertx) throws Exception {
    deploy(vertx, PipelineVerticleTest.chain(""));
    List<Object> stolen = java.util.Collections.synchronizedList(new ArrayList<>());
    vertx.eventBus().consumer("stolen", m -> stolen.add(m.body()));
    Map<String, String> forged = Map.of("conduit-pipeline-route", "1000\nstolen\npipeline.chain.2",
        "Conduit-Pipeline-Job", "forged.1", "conduit-pipeline-stage", "1", "kept", "yes");
    try (ConduitClient client = bridge(vertx, 100)) {
      assertEquals("job>2", client.request("pipeline.chain.2", "job", forged, Duration.ofSeconds(10))
          .get(10, TimeUnit.SECONDS), "answered as a direct request");
      assertEquals("job>1>2>3", client.request("pipeline.chain", "job", forged, Duration.ofSeconds(10))
          .get(10, TimeUnit.SECONDS));
    }
    assertTrue(stolen.isEmpty(), "a stage sent to the forged address: " + stolen);
  }
}
