package io.conduit.web;

import io.conduit.bridge.ZmqBridgeVerticle;
import io.conduit.client.ConduitClient;
import io.conduit.cluster.TestClusters;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static io.conduit.web.CallApiTest.assertError;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Nodes, bridge, logs, the live stream and unknown endpoints. */
@ExtendWith(VertxExtension.class)
class ConsoleApiTest {

  private ConduitNodeFixture node;
  private WebFixture web;

  @BeforeEach
  void start(Vertx vertx) throws Exception {
    node = ConduitNodeFixture.start(vertx);
    web = node.web;
  }

  @Test
  void nodesShowVersionUptimeHeapAndEventLoops() throws Exception {
    JsonObject body = web.getNow("/api/nodes").bodyAsJsonObject();
    assertEquals("standalone", body.getString("self"));
    assertEquals(false, body.getBoolean("clustered"));
    JsonObject n = body.getJsonArray("nodes").getJsonObject(0);
    assertEquals(io.conduit.codec.ConduitVersion.get(), n.getString("version"));
    assertTrue(n.getLong("uptimeMs") >= 0);
    assertTrue(n.getJsonObject("heap").getLong("usedBytes") > 0);
    JsonObject loops = n.getJsonObject("eventLoops");
    assertTrue(loops.getInteger("loops") >= 1, loops.encode());
    assertTrue(loops.getDouble("busy") >= 0 && loops.getDouble("busy") <= 1, loops.encode());
  }

  @Test
  void viewsListThePanelsTheCapabilitiesRegister() throws Exception {
    JsonArray views = web.getNow("/api/views").bodyAsJsonObject().getJsonArray("views");
    // the bridge's panel, the task queue's (its API extension) and the test's own extension's;
    // the extension's second panel wanted the id "bridge", which is taken, and was left out
    assertEquals(java.util.List.of("bridge", "tasks", "inventory"),
        views.stream().map(v -> ((JsonObject) v).getString("id")).toList());
    JsonObject tasks = views.getJsonObject(1);
    assertEquals("tasks?newest=true&limit=20", tasks.getString("path"));
    assertEquals("Bridge", views.getJsonObject(0).getString("title"));
    JsonObject inventory = views.getJsonObject(2);
    assertEquals("json", inventory.getString("renderer"));
    // each panel's path answers under /api
    assertEquals("north", web.getNow("/api/" + inventory.getString("path")).bodyAsJsonObject().getString("warehouse"));
    assertEquals(200, web.getNow("/api/" + views.getJsonObject(0).getString("path")).statusCode());
  }

  @Test
  void bridgeShowsEachBridgesCounters(Vertx vertx) throws Exception {
    WebFixture.await(vertx.deployVerticle(new ZmqBridgeVerticle(), new DeploymentOptions().setConfig(new JsonObject()
        .put("endpoint", "tcp://127.0.0.1:" + TestClusters.freePort()).putNull("eventsEndpoint"))));
    JsonObject body = web.getNow("/api/bridge").bodyAsJsonObject();
    JsonArray bridges = body.getJsonArray("nodes").getJsonObject(0).getJsonArray("bridges");
    assertEquals(1, bridges.size());
    JsonObject b = bridges.getJsonObject(0);
    assertEquals(0, b.getInteger("inFlight"));
    assertTrue(b.getBoolean("alive"));
    assertTrue(b.containsKey("errors") && b.containsKey("clientsWithRequestsInFlight"), b.encode());
  }

  @Test
  void bridgeCountsItsConnectedClients(Vertx vertx, @TempDir java.nio.file.Path dir) throws Exception {
    // a Unix socket of this test's own: a TCP port, even a probed free one, may be the old endpoint
    // of a client some earlier test left reconnecting, which would join the count
    String endpoint = "ipc://" + dir.resolve("bridge.sock");
    WebFixture.await(vertx.deployVerticle(new ZmqBridgeVerticle(), new DeploymentOptions().setConfig(new JsonObject()
        .put("endpoint", endpoint).putNull("eventsEndpoint"))));
    try (ConduitClient first = ConduitClient.connect(endpoint)) {
      try (ConduitClient second = ConduitClient.connect(endpoint)) {
        awaitConnected(2);
      }
      awaitConnected(1);
    }
    awaitConnected(0);
  }

  private void awaitConnected(int expected) throws Exception {
    long deadline = System.nanoTime() + java.time.Duration.ofSeconds(10).toNanos();
    int seen = -1;
    while (System.nanoTime() < deadline) {
      seen = web.getNow("/api/bridge").bodyAsJsonObject().getJsonArray("nodes").getJsonObject(0)
          .getJsonArray("bridges").getJsonObject(0).getInteger("clientsConnected");
      if (seen == expected) {
        return;
      }
      java.util.concurrent.locks.LockSupport.parkNanos(java.time.Duration.ofMillis(20).toNanos());
    }
    assertEquals(expected, seen, "clients connected to the bridge");
  }

  @Test
  void logsTailAServicesRecordsIncludingItsStartUp(Vertx vertx) throws Exception {
    WebFixture.await(vertx.eventBus().request("chatty", "one"));
    WebFixture.await(vertx.eventBus().request("chatty", "two"));
    WebFixture.await(vertx.eventBus().request("fixed", "elsewhere"));
    JsonArray all = web.getNow("/api/services/chatty/logs").bodyAsJsonObject().getJsonArray("records");
    assertEquals("chatty starting on chatty", all.getJsonObject(0).getString("message"));
    assertEquals(3, all.size(), all.encode());
    JsonArray last = web.getNow("/api/services/chatty/logs?tail=1").bodyAsJsonObject().getJsonArray("records");
    assertEquals(1, last.size());
    JsonObject record = last.getJsonObject(0);
    assertEquals("handled two", record.getString("message"));
    assertEquals("INFO", record.getString("level"));
    assertEquals(Chatty.class.getName(), record.getString("logger"));
    assertEquals("standalone", record.getString("node"));
  }

  @Test
  void logsOfAScaledServiceComeFromEveryInstance(Vertx vertx) throws Exception {
    web.postNow("/api/services/chatty/scale", new JsonObject().put("instances", 2));
    JsonArray records = web.getNow("/api/services/chatty/logs").bodyAsJsonObject().getJsonArray("records");
    assertEquals(2, records.stream().filter(r -> ((JsonObject) r).getString("message").startsWith("chatty starting")).count());
  }

  @Test
  void logsWithABadTailAreBadRequest() throws Exception {
    assertError(web.getNow("/api/services/chatty/logs?tail=0"), 400, "BAD_REQUEST");
    assertError(web.getNow("/api/services/chatty/logs?tail=many"), 400, "BAD_REQUEST");
    assertError(web.getNow("/api/services/chatty/logs?tail=100000"), 400, "BAD_REQUEST");
  }

  @Test
  void logsOfAnUnknownServiceAreNotFound() throws Exception {
    assertError(web.getNow("/api/services/nothing/logs"), 404, "NOT_FOUND");
  }

  @Test
  void unknownEndpointIsNotFoundWithTheErrorBody() throws Exception {
    assertError(web.getNow("/api/nothing"), 404, "NOT_FOUND");
  }

  @Test
  void liveStreamSendsServiceSnapshotsAndScaleEvents(Vertx vertx) throws Exception {
    HttpClient client = vertx.createHttpClient();
    StringBuilder received = new StringBuilder();
    CompletableFuture<String> sawBoth = new CompletableFuture<>();
    HttpClientResponse response = WebFixture.await(client.request(new RequestOptions().setMethod(HttpMethod.GET)
        .setHost("127.0.0.1").setPort(web.port).setURI("/api/events")).compose(req -> req.send()));
    assertEquals("text/event-stream", response.getHeader("content-type"));
    response.handler(chunk -> {
      synchronized (received) {
        received.append(chunk.toString());
        if (received.indexOf("event: services") >= 0 && received.indexOf("event: scale") >= 0) {
          sawBoth.complete(received.toString());
        }
      }
    });
    HttpResponse<Buffer> scaled = web.postNow("/api/services/chatty/scale", new JsonObject().put("instances", 2));
    assertEquals(200, scaled.statusCode());
    String stream = sawBoth.get(10, TimeUnit.SECONDS);
    assertTrue(stream.contains("\"service\":\"chatty\",\"from\":1,\"to\":2"), stream);
    client.close();
  }
}
