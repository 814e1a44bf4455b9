package io.conduit.cli.serve;

import io.conduit.cli.ConduitProcess;
import io.conduit.client.ConduitClient;
import io.conduit.cluster.TestClusters;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.core.transport.Transport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
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
 * the web console, and two clustered ones share a document store over the clustered event bus;
 * where the kernel refuses io_uring, or an {@code ipc://} endpoint is asked of it, the node does
 * not start and says why in one line.
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
      assertTrue(p.stdout().contains("transport : io_uring (native), idle event loops spin 100 µs before they sleep"),
          p.stdout());
      try (ConduitClient client = ConduitClient.connect(bridge)) {
        List<CompletableFuture<Object>> replies = new ArrayList<>();
        for (int i = 0; i < 5_000; i++) {
          replies.add(client.request("echo", "m" + i));
        }
        for (int i = 0; i < replies.size(); i++) {
          assertEquals("m" + i, replies.get(i).get(30, TimeUnit.SECONDS));
        }
      }
      // connections receive into buffers the kernel picks from one ring: bodies of every size, over
      // several connections at once, each comes back byte for byte
      java.util.Random random = new java.util.Random(42);
      List<ConduitClient> clients = new ArrayList<>();
      try {
        List<String> sent = new ArrayList<>();
        List<CompletableFuture<Object>> echoed = new ArrayList<>();
        for (int c = 0; c < 4; c++) {
          clients.add(ConduitClient.connect(bridge));
        }
        for (int i = 0; i < 800; i++) {
          int size = i % 50 == 0 ? 200_000 + random.nextInt(50_000) : random.nextInt(40_000);
          StringBuilder body = new StringBuilder(size);
          for (int k = 0; k < size; k++) {
            body.append((char) ('a' + random.nextInt(26)));
          }
          sent.add(body.toString());
          echoed.add(clients.get(i % clients.size()).request("echo", body.toString()));
        }
        for (int i = 0; i < echoed.size(); i++) {
          assertEquals(sent.get(i), echoed.get(i).get(60, TimeUnit.SECONDS), "body " + i + " came back changed");
        }
      } finally {
        clients.forEach(ConduitClient::close);
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
  void twoClusteredNodesOnIoUringShareOneDocumentStore() throws Exception {
    var cluster = TestClusters.settings("uring");
    String members = "127.0.0.1:" + cluster.port() + ",127.0.0.1:" + (cluster.port() + 1);
    String bridgeA = tcp();
    String bridgeB = tcp();
    List<ConduitProcess> started = new ArrayList<>();
    if (!Transport.IO_URING.available()) {
      // refused before it joins anything, as standalone
      ConduitProcess refused = clustered(started, "a", bridgeA, cluster.port(), members, cluster.name());
      assertTrue(refused.awaitExit(Duration.ofSeconds(60)) != 0, refused.stdout());
      assertTrue(refused.stderr().contains("--transport io_uring is not available on this machine ("), refused.stderr());
      return;
    }
    try {
      ConduitProcess a = clustered(started, "a", bridgeA, cluster.port(), members, cluster.name());
      a.awaitOutput("Ready", Duration.ofSeconds(90));
      ConduitProcess b = clustered(started, "b", bridgeB, cluster.port() + 1, members, cluster.name());
      b.awaitOutput("Ready", Duration.ofSeconds(90));
      b.awaitLog("document store 'docs': standby, served by node", Duration.ofSeconds(60));
      try (ConduitClient ca = ConduitClient.connect(bridgeA); ConduitClient cb = ConduitClient.connect(bridgeB)) {
        // through B's bridge to the owner on A, over the clustered event bus (io_uring too), and back
        JsonObject written = (JsonObject) cb.requestSync("docs", new JsonObject().put("op", "set")
            .put("path", new JsonArray().add("x")).put("value", 42), Duration.ofSeconds(10));
        assertEquals(1L, written.getLong("version"));
        JsonObject read = (JsonObject) ca.requestSync("docs", new JsonObject().put("op", "get")
            .put("path", new JsonArray().add("x")), Duration.ofSeconds(10));
        assertEquals(42, read.getInteger("value"));
      }
    } finally {
      for (ConduitProcess p : started) {
        p.close();
      }
    }
  }

  private ConduitProcess clustered(List<ConduitProcess> started, String name, String bridge, int clusterPort,
                                   String members, String clusterName) throws Exception {
    ConduitProcess p = ConduitProcess.start(dir, name, "serve", "--transport", "io_uring", "--cluster",
        "--cluster-name", clusterName, "--cluster-port", Integer.toString(clusterPort), "--members", members,
        "-a", bridge, "--events", "none", "--data", dir.resolve(name).toString());
    started.add(p);
    return p;
  }

  @Test
  void ioUringRefusesAnIpcEndpointBeforeStarting() throws Exception {
    String ipc = "ipc://" + dir.resolve("bridge.sock");
    ConduitProcess p = ConduitProcess.run(dir, "uring-ipc", "serve", "--transport", "io_uring", "-a", ipc,
        "--events", "none", "-b", "memory", "--data", dir.resolve("data").toString());
    assertRefusedBeforeStarting(p, ipc);
  }

  @Test
  void ioUringRefusesADeploymentFilesIpcBridgeBeforeStarting() throws Exception {
    String ipc = "ipc://" + dir.resolve("events.sock");
    Path plan = dir.resolve("ipc-bridge.json");
    Files.writeString(plan, "{\"services\": [{\"name\": \"bridge\", \"verticle\": "
        + "\"io.conduit.bridge.ZmqBridgeVerticle\", \"config\": {\"endpoint\": \"" + tcp() + "\", "
        + "\"eventsEndpoint\": \"" + ipc + "\"}}]}");
    ConduitProcess p = ConduitProcess.run(dir, "uring-plan-ipc", "serve", "--transport", "io_uring", "-c",
        plan.toString(), "--data", dir.resolve("data").toString());
    assertRefusedBeforeStarting(p, ipc);
  }

  /** The node exited at once, naming the ipc:// endpoint (or, where io_uring cannot run, that first). */
  private static void assertRefusedBeforeStarting(ConduitProcess p, String ipc) {
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
  void theDefaultIsNioWithLoopsThatSpinAndSaysSo() throws Exception {
    String bridge = tcp();
    try (ConduitProcess p = ConduitProcess.start(dir, "nio", "serve", "-a", bridge, "--events", "none", "-b", "memory",
        "--data", dir.resolve("data").toString())) {
      p.awaitOutput("Ready", Duration.ofSeconds(60));
      assertTrue(p.stdout().contains("transport : nio, idle event loops spin 100 µs before they sleep"), p.stdout());
      assertEchoesOneAtATime(bridge);
      p.terminate();
      assertEquals(0, p.awaitExit(Duration.ofSeconds(30)), p.stdout() + p.stderr());
    }
  }

  @Test
  void loopsThatSleepAtOnceSaySoAndServe() throws Exception {
    String bridge = tcp();
    try (ConduitProcess p = ConduitProcess.start(dir, "nio-nospin", "serve", "--loop-spin", "0", "-a", bridge,
        "--events", "none", "-b", "memory", "--data", dir.resolve("data").toString())) {
      p.awaitOutput("Ready", Duration.ofSeconds(60));
      assertTrue(p.stdout().contains("transport : nio\n") || p.stdout().contains("transport : nio\r\n"), p.stdout());
      assertEchoesOneAtATime(bridge);
      p.terminate();
      assertEquals(0, p.awaitExit(Duration.ofSeconds(30)), p.stdout() + p.stderr());
    }
  }

  /** One request at a time: the loop runs out of work after each reply. */
  private static void assertEchoesOneAtATime(String bridge) {
    try (ConduitClient client = ConduitClient.connect(bridge)) {
      for (int i = 0; i < 200; i++) {
        assertEquals("m" + i, client.requestSync("echo", "m" + i, Duration.ofSeconds(10)));
      }
    }
  }

  @Test
  void aLoopSpinOutOfRangeIsRefusedByName() throws Exception {
    ConduitProcess p = ConduitProcess.run(dir, "spin", "serve", "--loop-spin", "1001", "-a", tcp(), "--events", "none",
        "-b", "memory");
    assertTrue(p.exitCode() != 0, "exit code " + p.exitCode());
    assertTrue(p.stderr().contains("--loop-spin: the event loops' spin must be 0 to 1000 µs, not 1001"), p.stderr());
  }
}
