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
}
