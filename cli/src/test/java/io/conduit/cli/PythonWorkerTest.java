package io.conduit.cli;

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
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Runs the Python Majordomo worker (examples/python/mdp_worker.py, pyzmq) as a real process
 * against an in-process bridge, and calls its service from the Java client: an external worker in
 * another language serving the event bus.
 */
@ExtendWith(VertxExtension.class)
class PythonWorkerTest {

  private static final String PYTHON = "/usr/bin/python3";
  private static final int HEARTBEAT_MS = 250;

  private final String endpoint = "tcp://127.0.0.1:" + TestClusters.freePort();
  private final ZmqBridgeVerticle bridge = new ZmqBridgeVerticle();
  private Process worker;
  private Path output;

  @AfterEach
  void killWorker() throws Exception {
    if (worker != null) {
      worker.destroyForcibly();
      worker.waitFor(10, TimeUnit.SECONDS);
    }
    if (output != null) {
      Files.deleteIfExists(output);
    }
  }

  @Test
  void thePythonWorkerServesRequestsFromTheJavaClient(Vertx vertx) throws Exception {
    deployBridge(vertx);
    startWorker("upper");

    try (ConduitClient client = ConduitClient.connect(endpoint, options())) {
      assertEquals("HELLO FROM JAVA", client.requestSync("upper", "hello from java"));
      assertEquals(new JsonObject().put("n", 1), client.requestSync("upper", new JsonObject().put("n", 1)),
          "other bodies come back unchanged");
      for (int i = 0; i < 20; i++) {
        assertEquals("REQUEST " + i, client.requestSync("upper", "request " + i));
      }
    }
    assertEquals(22, bridge.stats().workerRequests(), describe());
  }

  @Test
  void aKilledPythonWorkerIsDroppedAfterTheLivenessWindow(Vertx vertx) throws Exception {
    deployBridge(vertx);
    startWorker("upper");
    try (ConduitClient client = ConduitClient.connect(endpoint, options())) {
      assertEquals("ALIVE", client.requestSync("upper", "alive"));

      worker.destroyForcibly();
      assertTrue(worker.waitFor(10, TimeUnit.SECONDS), "the worker process is gone");
      await(() -> bridge.stats().workers() == 0 && bridge.stats().workerServices() == 0, "the worker is dropped");

      ConduitException e = assertThrows(ConduitException.class, () -> client.requestSync("upper", "anyone?"));
      assertEquals(ErrorCode.NO_HANDLERS, e.code(), e.getMessage());
    }
    assertEquals(1, bridge.stats().workersLost());
  }

  private void deployBridge(Vertx vertx) throws Exception {
    JsonObject config = new JsonObject().put("endpoint", endpoint).putNull("eventsEndpoint")
        .put("heartbeatIntervalMs", HEARTBEAT_MS);
    vertx.deployVerticle(bridge, new DeploymentOptions().setConfig(config))
        .toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
  }

  private static ClientOptions options() {
    return ClientOptions.defaults().withTimeout(Duration.ofSeconds(10));
  }

  /** Starts the worker, output to a file (no pipe to fill up), and waits until the bridge has it. */
  private void startWorker(String service) throws IOException {
    output = Files.createTempFile("conduit-mdp-worker-", ".out");
    ProcessBuilder builder = new ProcessBuilder(List.of(PYTHON, ExamplesDir.python().resolve("mdp_worker.py").toString(),
        endpoint, service, String.valueOf(HEARTBEAT_MS)))
        .redirectErrorStream(true)
        .redirectOutput(output.toFile());
    builder.environment().put("PYTHONDONTWRITEBYTECODE", "1");
    builder.environment().put("PYTHONUNBUFFERED", "1");
    worker = builder.start();
    await(() -> bridge.stats().workers() == 1 && bridge.stats().workerServices() == 1, "the worker registers");
  }

  private void await(BooleanSupplier condition, String what) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError(what + ": not within 20 s; " + describe());
      }
      LockSupport.parkNanos(10_000_000L);
    }
  }

  private String describe() {
    String text;
    try {
      text = output == null ? "" : Files.readString(output, StandardCharsets.UTF_8);
    } catch (IOException e) {
      text = "(output unreadable: " + e + ")";
    }
    return "bridge " + bridge.stats().toJson().encode() + ", worker output:\n" + text;
  }
}
