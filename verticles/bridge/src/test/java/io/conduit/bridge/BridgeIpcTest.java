package io.conduit.bridge;

import io.vertx.core.DeploymentOptions;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code ipc://} endpoints are Unix domain sockets that a libzmq (pyzmq) client reaches as ZeroMQ's ipc transport. */
@ExtendWith(VertxExtension.class)
class BridgeIpcTest {

  /** A pyzmq DEALER; run by Debian's python3 with python3-zmq (what .ci/run installs), not a PATH's first python3. */
  private static final String CLIENT = String.join("\n",
      "import sys, zmq",
      "s = zmq.Context().socket(zmq.DEALER)",
      "s.setsockopt(zmq.LINGER, 0)",
      "s.setsockopt(zmq.RCVTIMEO, 10000)",
      "s.connect(sys.argv[1])",
      "s.send_multipart([b'CBP1', b'REQUEST', b'1', b'echo', b'', b'\"over ipc\"'])",
      "print(s.recv_multipart()[4].decode())");

  @Test
  void aPyzmqClientIsServedOverAnIpcEndpointAndAStaleSocketFileIsReplaced(Vertx vertx, @TempDir Path dir)
      throws Exception {
    vertx.eventBus().consumer("echo", m -> m.reply(m.body()));
    Path socket = dir.resolve("bridge.sock");
    Files.writeString(socket, "left behind by a node that was killed");
    ZmqBridgeVerticle bridge = new ZmqBridgeVerticle();
    String deployment = vertx.deployVerticle(bridge, new DeploymentOptions().setConfig(new JsonObject()
            .put("endpoint", "ipc://" + socket).putNull("eventsEndpoint")))
        .toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
    Process python = new ProcessBuilder("/usr/bin/python3", "-c", CLIENT, "ipc://" + socket).redirectErrorStream(true).start();
    try {
      assertTrue(python.waitFor(30, TimeUnit.SECONDS), "the pyzmq client did not finish");
      String out = new String(python.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
      assertEquals(0, python.exitValue(), out);
      assertEquals("\"over ipc\"", out);
    } finally {
      python.destroyForcibly();
    }
    vertx.undeploy(deployment).toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
    assertFalse(Files.exists(socket), "the socket file is removed when the bridge stops");
  }

  private static String deploy(Vertx vertx, JsonObject config, int instances) throws Exception {
    return vertx.deployVerticle(ZmqBridgeVerticle.class.getName(), new DeploymentOptions().setConfig(config)
        .setInstances(instances)).toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
  }

  @Test
  void instancesComingAndGoingLeaveTheSocketFileToTheLastOne(Vertx vertx, @TempDir Path dir) throws Exception {
    vertx.eventBus().consumer("echo", m -> m.reply(m.body()));
    Path socket = dir.resolve("bridge.sock");
    JsonObject config = new JsonObject().put("endpoint", "ipc://" + socket).putNull("eventsEndpoint");
    // as the runtime scales a bridge: one deployment per instance, with the same config
    String first = deploy(vertx, config.copy(), 1);
    String second = deploy(vertx, config.copy(), 1);
    assertEquals("\"after a second instance came\"", askOverIpc(socket, "after a second instance came"));
    vertx.undeploy(first).toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
    assertEquals("\"after the first went\"", askOverIpc(socket, "after the first went"));
    vertx.undeploy(second).toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
    assertFalse(Files.exists(socket), "the socket file is removed with the last instance");
  }

  @Test
  void instancesStartedTogetherTakeOverAStaleSocketFileOnce(Vertx vertx, @TempDir Path dir) throws Exception {
    vertx.eventBus().consumer("echo", m -> m.reply(m.body()));
    Path socket = dir.resolve("bridge.sock");
    Files.writeString(socket, "left behind by a node that was killed");
    // four instances start at once on four event loops: only the first clears the file, the
    // others bind once it has
    deploy(vertx, new JsonObject().put("endpoint", "ipc://" + socket).putNull("eventsEndpoint"), 4);
    assertEquals("\"all four\"", askOverIpc(socket, "all four"));
    assertTrue(Files.exists(socket));
  }

  @Test
  void anotherBridgeServiceIsRefusedTheEndpointAndLeavesItsSocketFileAlone(Vertx vertx, @TempDir Path dir)
      throws Exception {
    Path socket = dir.resolve("bridge.sock");
    JsonObject config = new JsonObject().put("endpoint", "ipc://" + socket).putNull("eventsEndpoint");
    deploy(vertx, config, 1);
    Exception refused = org.junit.jupiter.api.Assertions.assertThrows(Exception.class,
        () -> deploy(vertx, config.copy().put("inbound", new io.vertx.core.json.JsonArray().add("other")), 1));
    assertTrue(refused.getMessage().contains("already served by another bridge service"), refused.getMessage());
    assertTrue(Files.exists(socket), "a refused bridge removed the socket file of the running one");
  }

  /** One pyzmq DEALER request to {@code echo} over the socket; its reply body. */
  private static String askOverIpc(Path socket, String text) throws Exception {
    String client = CLIENT.replace("\"over ipc\"", "\"" + text + "\"");
    Process python = new ProcessBuilder("/usr/bin/python3", "-c", client, "ipc://" + socket).redirectErrorStream(true)
        .start();
    try {
      assertTrue(python.waitFor(30, TimeUnit.SECONDS), "the pyzmq client did not finish");
      String out = new String(python.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
      assertEquals(0, python.exitValue(), out);
      return out;
    } finally {
      python.destroyForcibly();
    }
  }

  @Test
  void aBridgeWhoseSocketFileWasRemovedReportsItselfDown(Vertx vertx, @TempDir Path dir) throws Exception {
    Path socket = dir.resolve("bridge.sock");
    ZmqBridgeVerticle bridge = new ZmqBridgeVerticle();
    vertx.deployVerticle(bridge, new DeploymentOptions().setConfig(new JsonObject()
        .put("endpoint", "ipc://" + socket).putNull("eventsEndpoint")))
        .toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
    assertTrue(bridge.alive());
    Files.delete(socket);
    io.conduit.Conditions.await(10_000, () -> !bridge.alive(), () -> "the bridge to notice its socket file is gone");
  }
}
