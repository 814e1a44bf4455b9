package io.conduit.cli.serve;

import io.conduit.cli.ConduitProcess;
import io.conduit.client.ConduitClient;
import io.conduit.cluster.TestClusters;
import io.vertx.core.transport.Transport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code conduit serve --transport}: a node on io_uring serves the bridge (pipelined requests) and
 * the web console; where the kernel refuses io_uring, or an {@code ipc://} endpoint is asked of it,
 * the node does not start and says why in one line.
 */
class TransportIT {

  @TempDir
  Path dir;

  private static String tcp() {
    return "tcp://127.0.0.1:" + TestClusters.freePort();
  }

  @Test
  void aNodeOnIoUringServesPipelinedRequestsAndTheConsole() throws Exception {
    String bridge = tcp();
    int web = TestClusters.freePort();
    String[] args = {"serve", "--transport", "io_uring", "-a", bridge, "--events", tcp(),
        "--web", "127.0.0.1:" + web, "-b", "memory", "--data", dir.resolve("data").toString()};
    if (!Transport.IO_URING.available()) {
      ConduitProcess p = ConduitProcess.run(dir, "uring", args);
      assertTrue(p.exitCode() != 0, "exit code " + p.exitCode());
      assertTrue(p.stderr().contains("--transport io_uring is not available on this machine ("), p.stderr());
      return;
    }
    try (ConduitProcess p = ConduitProcess.start(dir, "uring", args)) {
      p.awaitOutput("Ready", Duration.ofSeconds(60));
      assertTrue(p.stdout().contains("transport : io_uring (native)"), p.stdout());
      try (ConduitClient client = ConduitClient.connect(bridge)) {
        List<CompletableFuture<Object>> replies = new ArrayList<>();
        for (int i = 0; i < 5_000; i++) {
          replies.add(client.request("echo", "m" + i));
        }
        for (int i = 0; i < replies.size(); i++) {
          assertEquals("m" + i, replies.get(i).get(30, TimeUnit.SECONDS));
        }
      }
      HttpResponse<String> health = HttpClient.newHttpClient().send(
          HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + web + "/health")).timeout(Duration.ofSeconds(10)).build(),
          HttpResponse.BodyHandlers.ofString());
      assertEquals(200, health.statusCode(), health.body());
      p.terminate();
      assertEquals(0, p.awaitExit(Duration.ofSeconds(30)), p.stdout() + p.stderr());
    }
  }

  @Test
  void ioUringRefusesAnIpcEndpointBeforeStarting() throws Exception {
    String ipc = "ipc://" + dir.resolve("bridge.sock");
    ConduitProcess p = ConduitProcess.run(dir, "uring-ipc", "serve", "--transport", "io_uring", "-a", ipc,
        "--events", "none", "-b", "memory", "--data", dir.resolve("data").toString());
    assertFalse(p.isAlive());
    assertTrue(p.exitCode() != 0, "exit code " + p.exitCode());
    String expected = Transport.IO_URING.available()
        ? ipc + ": ipc:// endpoints need --transport nio (Vert.x's io_uring transport has no Unix domain sockets)"
        : "--transport io_uring is not available on this machine (";
    assertTrue(p.stderr().contains(expected), p.stderr());
  }

  @Test
  void anUnknownTransportIsNamedWithTheChoices() throws Exception {
    ConduitProcess p = ConduitProcess.run(dir, "epoll", "serve", "--transport", "epoll", "-a", tcp(), "--events", "none");
    assertTrue(p.exitCode() != 0, "exit code " + p.exitCode());
    assertTrue(p.stderr().contains("--transport must be one of nio, io_uring, got 'epoll'"), p.stderr());
  }

  @Test
  void theDefaultIsNioAndSaysSo() throws Exception {
    try (ConduitProcess p = ConduitProcess.start(dir, "nio", "serve", "-a", tcp(), "--events", "none", "-b", "memory",
        "--data", dir.resolve("data").toString())) {
      p.awaitOutput("Ready", Duration.ofSeconds(60));
      assertTrue(p.stdout().contains("transport : nio\n") || p.stdout().contains("transport : nio\r\n"), p.stdout());
      p.terminate();
      assertEquals(0, p.awaitExit(Duration.ofSeconds(30)), p.stdout() + p.stderr());
    }
  }
}
