package io.conduit.web;

import io.conduit.bridge.ZmqBridgeVerticle;
import io.conduit.cluster.TestClusters;
import io.conduit.deploy.NodeLifecycle;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** /metrics scrapes Vert.x's and Conduit's meters; /health and /health/<check> report this node. */
class MetricsAndHealthTest {

  private Vertx vertx;
  private WebFixture web;
  private int bridgePort;

  @BeforeEach
  void start() throws Exception {
    vertx = Vertx.vertx(ConduitMetrics.enable(new VertxOptions()));
    vertx.eventBus().<JsonObject>consumer("echo", m -> m.reply(m.body()));
    bridgePort = TestClusters.freePort();
    WebFixture.await(vertx.deployVerticle(new ZmqBridgeVerticle(), new DeploymentOptions().setConfig(new JsonObject()
        .put("endpoint", "tcp://127.0.0.1:" + bridgePort).putNull("eventsEndpoint"))));
    web = new WebFixture(vertx);
    web.deployAndWait(new JsonObject());
  }

  @AfterEach
  void stop() throws Exception {
    WebFixture.await(vertx.close());
  }

  @Test
  void metricsShowHttpJvmAndConduitServiceMetersButNotPerMessageOnes() throws Exception {
    assertEquals(200, web.postNow("/api/call/echo", new JsonObject().put("n", 1)).statusCode());
    HttpResponse<Buffer> r = web.getNow("/metrics");
    assertEquals(200, r.statusCode());
    String text = r.bodyAsString();
    assertFalse(text.contains("vertx_eventbus_"), "per-address event-bus meters are off by default");
    assertTrue(text.contains("vertx_http_server_"), "HTTP server meters");
    assertTrue(text.contains("jvm_memory_used_bytes"), "JVM meters");
    assertTrue(text.contains("conduit_service_requests_seconds_count{address=\"echo\""), "Conduit per-service meters");
  }

  /** A service with ops, for the meters both of its ops and of its address. */
  public static final class Calc extends io.conduit.service.ServiceVerticle {
    public JsonObject add(JsonObject args) {
      return new JsonObject().put("sum", args.getInteger("a") + args.getInteger("b"));
    }
  }

  @Test
  void aServiceVerticlesOpMetersAndItsAddressMetersAllReachTheScrape() throws Exception {
    WebFixture.await(vertx.deployVerticle(new Calc(), new DeploymentOptions().setConfig(
        new JsonObject().put("address", "calc"))));
    assertEquals(200, web.postNow("/api/call/calc", new JsonObject().put("op", "add").put("a", 1).put("b", 2))
        .statusCode());
    assertEquals(400, web.postNow("/api/call/calc", new JsonObject().put("op", "nope")).statusCode());
    String text = web.getNow("/metrics").bodyAsString();
    assertTrue(text.contains("conduit_service_op_calls_seconds_count{op=\"add\",service=\"calc\"} 1"), text);
    assertTrue(text.contains("conduit_service_requests_seconds_count{address=\"calc\""), text);
    assertTrue(text.lines().anyMatch(l -> l.startsWith("conduit_service_errors_total{address=\"calc\"")
        && l.contains("code=\"BAD_REQUEST\"") && l.endsWith(" 1.0")), text);
  }

  @Test
  void readinessFollowsTheNodesLifecycle() throws Exception {
    assertEquals(200, web.getNow("/health/ready").statusCode(), "no node manages this Vert.x: ready once up");
    NodeLifecycle.set(vertx, NodeLifecycle.State.STARTING);
    HttpResponse<Buffer> starting = web.getNow("/health/ready");
    assertEquals(503, starting.statusCode());
    assertTrue(starting.bodyAsString().contains("still starting"), starting.bodyAsString());
    NodeLifecycle.set(vertx, NodeLifecycle.State.READY);
    assertEquals(200, web.getNow("/health/ready").statusCode());
    assertEquals(200, web.getNow("/health/live").statusCode());
    NodeLifecycle.set(vertx, NodeLifecycle.State.STOPPING);
    assertEquals(503, web.getNow("/health/ready").statusCode());
    assertEquals(200, web.getNow("/health/live").statusCode(), "stopping is not dead");
  }

  @Test
  void perMessageMetersWhenAskedFor() throws Exception {
    WebFixture.await(vertx.close());
    vertx = Vertx.vertx(ConduitMetrics.enable(new VertxOptions(), true));
    vertx.eventBus().<String>consumer("echo", m -> m.reply(m.body()));
    WebFixture.await(vertx.eventBus().request("echo", "x"));
    String text = ConduitMetrics.registry().scrape();
    assertTrue(text.contains("vertx_eventbus_"), "event-bus meters");
  }

  @Test
  void askedForTcpMetersCountTheBytesTheBridgeWrites() throws Exception {
    WebFixture.await(vertx.close());
    vertx = Vertx.vertx(ConduitMetrics.enable(new VertxOptions(), true));
    vertx.eventBus().<JsonObject>consumer("echo", m -> m.reply(m.body()));
    WebFixture.await(vertx.deployVerticle(new ZmqBridgeVerticle(), new DeploymentOptions().setConfig(new JsonObject()
        .put("endpoint", "tcp://127.0.0.1:" + bridgePort).putNull("eventsEndpoint"))));
    String padding = "x".repeat(5_000);
    try (io.conduit.client.ConduitClient client = io.conduit.client.ConduitClient.connect("tcp://127.0.0.1:" + bridgePort)) {
      for (int i = 0; i < 4; i++) {
        client.requestSync("echo", new JsonObject().put("padding", padding));
      }
    }
    String text = ConduitMetrics.registry().scrape();
    double written = text.lines().filter(l -> l.startsWith("vertx_net_server_bytes_written_total"))
        .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))).sum();
    assertTrue(written >= 4 * 5_000, "the four replies' bytes are counted: " + written + "\n" + text);
  }

  @Test
  void theBridgesAndTheEnginesCountersReachTheScrape() throws Exception {
    WebFixture.await(vertx.deployVerticle(new io.conduit.store.doc.DocStoreVerticle(), new DeploymentOptions()
        .setConfig(new JsonObject().put("address", "metered.docs").put("backend", "memory"))));
    try (io.conduit.client.ConduitClient client = io.conduit.client.ConduitClient.connect("tcp://127.0.0.1:" + bridgePort)) {
      client.requestSync("echo", new JsonObject().put("n", 1));
      org.junit.jupiter.api.Assertions.assertThrows(io.conduit.client.ConduitException.class,
          () -> client.requestSync("nobody.here", new JsonObject()));
    }
    String text = web.getNow("/metrics").bodyAsString();
    String endpoint = "endpoint=\"tcp://127.0.0.1:" + bridgePort + "\"";
    assertTrue(value(text, "conduit_bridge_messages_received_total{" + endpoint + "}") >= 2, text);
    assertTrue(text.contains("conduit_bridge_replies_total{" + endpoint + "}"), text);
    assertEquals(1.0, value(text, "conduit_bridge_errors_total{code=\"NO_HANDLERS\"," + endpoint + "}"), text);
    assertTrue(text.contains("conduit_bridge_connections{" + endpoint + "}"), text);
    assertTrue(text.contains("conduit_engine_batches_total{store=\"metered.docs\"}"), text);
    assertTrue(text.contains("conduit_engine_batches_pending{store=\"metered.docs\"}"), text);
  }

  /** The value of one series in a Prometheus scrape. */
  private static double value(String scrape, String series) {
    return scrape.lines().filter(l -> l.startsWith(series + " ")).mapToDouble(l -> Double.parseDouble(
        l.substring(series.length() + 1).trim())).findFirst().orElseThrow(() -> new AssertionError("no " + series));
  }

  @Test
  void connectionsTheBridgeClosesAreCountedByReason() throws Exception {
    try (java.net.Socket s = new java.net.Socket("127.0.0.1", bridgePort)) {
      s.getOutputStream().write("GET / HTTP/1.1\r\n\r\n".getBytes());
      s.setSoTimeout(5_000);
      byte[] greeting = new byte[64];
      int got = 0;
      int n = 0;
      while (n >= 0 && got <= 64) {
        n = s.getInputStream().read(greeting, 0, greeting.length); // the bridge's greeting, then the close
        got += Math.max(n, 0);
      }
      assertEquals(-1, n, "a stream that is not ZMTP is closed");
    }
    String text = web.getNow("/metrics").bodyAsString();
    assertTrue(text.contains("conduit_bridge_connections_closed_total{reason=\"BAD_GREETING\"}"), text);
  }

  @Test
  void healthIsUpWithEveryCheck() throws Exception {
    HttpResponse<Buffer> r = web.getNow("/health");
    assertEquals(200, r.statusCode(), r.bodyAsString());
    JsonObject body = r.bodyAsJsonObject();
    assertEquals("UP", body.getString("status"));
    JsonArray checks = body.getJsonArray("checks");
    assertEquals(5, checks.size(), body.encode()); // cluster, bridge, live, stores, ready
  }

  @Test
  void oneCheckByName() throws Exception {
    HttpResponse<Buffer> r = web.getNow("/health/bridge");
    assertEquals(200, r.statusCode(), r.bodyAsString());
    assertEquals(1, r.bodyAsJsonObject().getJsonObject("data").getInteger("bridges"));
  }

  @Test
  void theLivenessProbeIsUpWhileTheBridgeServes() throws Exception {
    HttpResponse<Buffer> r = web.getNow("/health/live");
    assertEquals(200, r.statusCode(), r.bodyAsString());
    assertEquals(0, r.bodyAsJsonObject().getJsonObject("data").getInteger("dead"));
  }

  @Test
  void unknownCheckIsNotFound() throws Exception {
    assertEquals(404, web.getNow("/health/nothing").statusCode());
  }
}
