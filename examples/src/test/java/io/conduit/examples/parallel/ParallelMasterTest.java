package io.conduit.examples.parallel;

import io.conduit.bridge.ZmqBridgeVerticle;
import io.conduit.client.ConduitClient;
import io.conduit.cluster.TestClusters;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.ThreadingModel;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The Java master maps chunks over four worker instances through the bridge. */
@ExtendWith(VertxExtension.class)
class ParallelMasterTest {

  @Test
  void theMasterCountsThePrimesOverTheWorkers(Vertx vertx) throws Exception {
    String endpoint = "tcp://127.0.0.1:" + TestClusters.freePort();
    vertx.deployVerticle(PrimeWorker.class.getName(), new DeploymentOptions().setInstances(4)
            .setThreadingModel(ThreadingModel.WORKER).setConfig(new JsonObject().put("address", "primes")))
        .compose(id -> vertx.deployVerticle(new ZmqBridgeVerticle(), new DeploymentOptions()
            .setConfig(new JsonObject().put("endpoint", endpoint).putNull("eventsEndpoint"))))
        .toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
    ByteArrayOutputStream printed = new ByteArrayOutputStream();
    try (ConduitClient client = ConduitClient.connect(endpoint)) {
      long primes = ParallelMaster.countPrimes(client, 100_000, 7_000, new PrintStream(printed, true, StandardCharsets.UTF_8));
      assertEquals(9592, primes);
    }
    assertEquals("primes below 100000: 9592 (15 chunks, 0 failed)\n", printed.toString(StandardCharsets.UTF_8));
  }
}
