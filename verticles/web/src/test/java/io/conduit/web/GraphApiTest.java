package io.conduit.web;

import io.conduit.client.graph.Entity;
import io.conduit.client.graph.Graph;
import io.conduit.client.graph.NewEdge;
import io.conduit.store.graph.GraphStoreVerticle;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code GET /api/graph/{store}/export} and {@code POST /api/graph/{store}/import} on a console with two graph stores. */
@ExtendWith(VertxExtension.class)
class GraphApiTest {

  private Vertx vertx;
  private WebFixture web;

  @BeforeEach
  void start(Vertx vertx) throws Exception {
    this.vertx = vertx;
    for (String address : List.of("graph", "copy")) {
      WebFixture.await(vertx.deployVerticle(new GraphStoreVerticle(), new DeploymentOptions().setConfig(
          new JsonObject().put("address", address).put("backend", "memory"))));
    }
    Graph g = Graph.overEventBus(vertx, "graph");
    long ann = g.addNode(new JsonObject().put("name", "Ann").put("age", 31).put("tags", List.of("a", "b")))
        .toCompletableFuture().join();
    long bob = g.addNode(new JsonObject().put("name", "Bob").put("height", 1.8)).toCompletableFuture().join();
    g.addEdge(ann, bob, new JsonObject().put("label", "knows").put("weight", 0.5)).toCompletableFuture().join();
    web = new WebFixture(vertx);
    web.deployAndWait(new JsonObject());
  }

  @ParameterizedTest
  @ValueSource(strings = {"graphml", "graphson", "json"})
  void anExportedGraphImportsIntoAnotherStore(String format) throws Exception {
    HttpResponse<Buffer> export = web.getNow("/api/graph/graph/export?format=" + format);
    assertEquals(200, export.statusCode(), export.bodyAsString());
    assertEquals("chunked", export.getHeader("transfer-encoding"));
    assertTrue(export.getHeader("content-disposition").contains("graph."), export.getHeader("content-disposition"));

    HttpResponse<Buffer> imported = upload("copy", format, contentType(format), export.body());

    assertEquals(200, imported.statusCode(), imported.bodyAsString());
    assertEquals(new JsonObject().put("nodes", 2).put("edges", 1), imported.bodyAsJsonObject());
    assertEquals(entities("graph"), entities("copy"));
  }

  @Test
  void anUploadOverTheApisJsonLimitStreams() throws Exception {
    StringBuilder file = new StringBuilder();
    for (int id = 1; id <= 20_000; id++) {
      file.append("{\"id\":").append(id).append(",\"kind\":\"node\",\"data\":{\"text\":\"")
          .append("x".repeat(60)).append("\"}}\n");
    }
    assertTrue(file.length() > WebVerticle.MAX_BODY_BYTES);

    HttpResponse<Buffer> imported = upload("copy", "json", "application/x-ndjson", Buffer.buffer(file.toString()));

    assertEquals(200, imported.statusCode(), imported.bodyAsString());
    assertEquals(20_000, imported.bodyAsJsonObject().getInteger("nodes"));
  }

  @Test
  void aMalformedFileIsABadRequestNamingTheLineAndLoadsNothing() throws Exception {
    HttpResponse<Buffer> r = upload("copy", "graphml", "application/graphml+xml", Buffer.buffer(
        "<graphml xmlns=\"http://graphml.graphdrawing.org/xmlns\">\n<graph>\n<node id=\"1\"/>\n<node id=\"two\"/>\n"
            + "</graph>\n</graphml>\n"));

    assertError(r, 400, "BAD_REQUEST", "line 4: node id 'two' is not a positive whole number");
    assertEquals(List.of(), entities("copy"));
  }

  @Test
  void anIdThatIsTakenIsAConflict() throws Exception {
    HttpResponse<Buffer> export = web.getNow("/api/graph/graph/export?format=json");

    HttpResponse<Buffer> r = upload("graph", "json", "application/x-ndjson", export.body());

    assertError(r, 409, "CONFLICT", "line 1: id 1 is already taken in this graph");
  }

  @Test
  void anAddressWithoutAGraphStoreIsNotFound() throws Exception {
    vertx.eventBus().consumer("echo.like", m -> m.reply("not a graph store"));

    assertError(web.getNow("/api/graph/no.such.store/export?format=json"), 404, "NOT_FOUND",
        "no graph store at 'no.such.store'");
    assertError(web.getNow("/api/graph/echo.like/export?format=json"), 404, "NOT_FOUND",
        "'echo.like' answers, but not as a graph store");
    assertError(upload("no.such.store", "json", "application/x-ndjson", Buffer.buffer("{}")), 404, "NOT_FOUND",
        "no graph store at 'no.such.store'");
  }

  @Test
  void anUnknownOrMissingFormatIsABadRequest() throws Exception {
    assertError(web.getNow("/api/graph/graph/export?format=csv"), 400, "BAD_REQUEST",
        "unknown graph format 'csv' (expected graphml, graphson or json)");
    assertError(web.getNow("/api/graph/graph/export"), 400, "BAD_REQUEST", "the format parameter is needed");
  }

  @Test
  void anUploadOfATypeAFormCanSendIsRefused() throws Exception {
    HttpResponse<Buffer> r = upload("copy", "json", "text/plain", Buffer.buffer("{\"id\":1,\"kind\":\"node\"}\n"));

    assertError(r, 400, "BAD_REQUEST", "this upload must have a Content-Type of ");
    assertEquals(List.of(), entities("copy"));
  }

  @Test
  void conduitsOwnAddressesAreForbidden() throws Exception {
    assertError(web.getNow("/api/graph/conduit.node.control/export?format=json"), 403, "FORBIDDEN",
        "address 'conduit.node.control' is not permitted");
  }

  @Test
  void aLargeExportStreamsEveryEntity() throws Exception {
    Graph g = Graph.overEventBus(vertx, "copy");
    List<JsonObject> nodes = new ArrayList<>();
    for (int i = 0; i < 30_000; i++) {
      nodes.add(new JsonObject().put("i", i).put("text", "y".repeat(40)));
    }
    List<Long> ids = g.addNodes(nodes).toCompletableFuture().join();
    List<NewEdge> edges = new ArrayList<>();
    for (int i = 0; i < 10_000; i++) {
      edges.add(new NewEdge(ids.get(i), ids.get(i + 1), new JsonObject()));
    }
    g.addEdges(edges).toCompletableFuture().join();

    HttpResponse<Buffer> export = web.getNow("/api/graph/copy/export?format=graphson");

    assertEquals(200, export.statusCode());
    assertEquals(30_000, export.bodyAsString().lines().count());
  }

  @Test
  void anImportThatLoadsLongerThanTheIdleTimeoutIsAnsweredAllTheSame() throws Exception {
    // a store that takes 2.5 s to load, behind a console that closes connections idle for 1 s
    vertx.eventBus().<JsonObject>consumer("slow", m -> {
      if ("info".equals(m.body().getString("op"))) {
        m.reply(new JsonObject().put("nodes", 0).put("edges", 0).put("indexes", 0).put("nextId", 1));
      } else {
        vertx.setTimer(2_500, t -> m.reply(new JsonObject().put("count", m.body().getJsonArray("items").size())));
      }
    });
    WebFixture quick = new WebFixture(vertx);
    quick.deployAndWait(new JsonObject().put("idleTimeoutMs", 1_000).put("callTimeoutMs", 500));

    HttpResponse<Buffer> r = WebFixture.await(quick.client.post("/api/graph/slow/import?format=json")
        .putHeader("Content-Type", "application/x-ndjson").sendBuffer(Buffer.buffer("{\"id\":1,\"kind\":\"node\"}\n")));

    assertEquals(200, r.statusCode(), r.bodyAsString());
    assertEquals(new JsonObject().put("nodes", 1).put("edges", 0), r.bodyAsJsonObject());
  }

  private HttpResponse<Buffer> upload(String store, String format, String type, Buffer body) throws Exception {
    return WebFixture.await(web.client.post("/api/graph/" + store + "/import?format=" + format)
        .putHeader("Content-Type", type).sendBuffer(body));
  }

  private static String contentType(String format) {
    return format.equals("graphml") ? "application/graphml+xml" : "application/x-ndjson";
  }

  private List<JsonObject> entities(String address) {
    List<JsonObject> all = new ArrayList<>();
    for (Entity e : Graph.overEventBus(vertx, address).exportPage(0, 1000).toCompletableFuture().join().entities()) {
      all.add(e.toJson());
    }
    return all;
  }

  private static void assertError(HttpResponse<Buffer> r, int status, String code, String messageStart) {
    assertEquals(status, r.statusCode(), r.bodyAsString());
    JsonObject body = r.bodyAsJsonObject();
    assertEquals(code, body.getString("code"), body.encode());
    assertTrue(body.getString("message").startsWith(messageStart), body.encode());
  }
}
