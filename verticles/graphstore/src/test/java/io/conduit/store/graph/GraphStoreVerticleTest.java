package io.conduit.store.graph;

import io.vertx.core.DeploymentOptions;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import static io.conduit.store.graph.GraphCalls.await;
import static io.conduit.store.graph.GraphCalls.call;
import static io.conduit.store.graph.GraphCalls.failure;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The graph store's wire: request and reply shapes, and the coded errors at the edge. */
@ExtendWith(VertxExtension.class)
class GraphStoreVerticleTest {

  private static final String G = "g";

  @BeforeEach
  void deploy(Vertx vertx) throws Exception {
    await(vertx.deployVerticle(new GraphStoreVerticle(), new DeploymentOptions().setConfig(
        new JsonObject().put("address", G).put("backend", "memory").put("maxResults", 50)
            .put("queryTimeLimitMs", 20))));
  }

  private static void assertFails(ReplyException e, int code, String text) {
    assertEquals(code, e.failureCode(), e.getMessage());
    assertTrue(e.getMessage().contains(text), e.getMessage());
  }

  @Test
  void repliesHaveTheDocumentedShapes(Vertx vertx) throws Exception {
    assertEquals(new JsonObject().put("id", 1), call(vertx, G, "{\"op\":\"addNode\",\"data\":{\"name\":\"Ann\"}}"));
    assertEquals(new JsonObject().put("ids", new JsonArray().add(2).add(3)),
        call(vertx, G, "{\"op\":\"addNodes\",\"items\":[{},{}]}"));
    assertEquals(new JsonObject().put("id", 4), call(vertx, G, "{\"op\":\"addEdge\",\"from\":1,\"to\":2}"));
    assertEquals(new JsonObject().put("count", 1), call(vertx, G, "{\"op\":\"update\",\"id\":4,\"data\":{\"w\":2}}"));
    assertEquals(new JsonObject("{\"result\":[{\"id\":4,\"kind\":\"edge\",\"from\":1,\"to\":2,\"data\":{\"w\":2}}]}"),
        call(vertx, G, "{\"op\":\"query\",\"steps\":[[\"E\"]]}"));
    assertEquals(new JsonObject("{\"result\":[{\"id\":2,\"kind\":\"node\",\"data\":{}}]}"),
        call(vertx, G, "{\"op\":\"query\",\"steps\":[[\"V\",{\"name__contains\":\"n\"}],[\"outV\"]]}"));
    assertEquals(new JsonObject().put("result", 1),
        call(vertx, G, "{\"op\":\"query\",\"steps\":[[\"V\",{\"name__contains\":\"n\"}],[\"outV\"],[\"count\"]]}"));
    assertEquals(new JsonObject().put("count", 2), call(vertx, G, "{\"op\":\"remove\",\"id\":1}"));
  }

  @Test
  void aSecondDeploymentStandsByAndItsReadAddressSaysWhatItCannotDo(Vertx vertx) throws Exception {
    await(vertx.deployVerticle(new GraphStoreVerticle(), new DeploymentOptions().setConfig(
        new JsonObject().put("address", G).put("backend", "memory"))));
    // a memory store's standby has no copy to read from: 503 naming where to read
    assertFails(failure(vertx, G + ".ro", "{\"op\":\"info\"}"), 503, "read from 'g'");
    assertFails(failure(vertx, G + ".ro", "{\"op\":\"addNode\",\"data\":{}}"), 400,
        "send 'addNode' to 'g'");
    assertEquals(new JsonObject().put("id", 1), call(vertx, G, "{\"op\":\"addNode\",\"data\":{}}"));
  }

  @Test
  void aRequestWithoutAKnownOpIsA400ListingTheOps(Vertx vertx) {
    assertFails(failure(vertx, G, "{\"op\":\"__class__\"}"), 400, "one of addNode");
    assertFails(failure(vertx, G, "just text"), 400, "got no op");
  }

  @Test
  void malformedStepsAreA400NamingTheStep(Vertx vertx) {
    assertFails(failure(vertx, G, "{\"op\":\"query\",\"steps\":[[\"outV\"]]}"), 400, "a query starts with V");
    assertFails(failure(vertx, G, "{\"op\":\"query\",\"steps\":[[\"V\"],[\"count\"],[\"ids\"]]}"), 400,
        "step 2 (count): count gives the result, so it must be the last step");
    assertFails(failure(vertx, G, "{\"op\":\"query\",\"steps\":[[\"V\"],[\"limit\",-1]]}"), 400,
        "step 2 (limit): takes a whole number");
    assertFails(failure(vertx, G, "{\"op\":\"query\",\"steps\":[[\"V\"],[\"outV\", 1000]]}"), 400,
        "step 2 (outV): takes a whole number from 1 to 100");
    assertFails(failure(vertx, G, "{\"op\":\"query\",\"steps\":[[\"V\"],[\"collect\",\"x\"]]}"), 400,
        "step 2 (collect): no earlier aka step named 'x'");
    assertFails(failure(vertx, G, "{\"op\":\"query\",\"steps\":\"V\"}"), 400, "'steps' must be a non-empty list");
    assertFails(failure(vertx, G, "{\"op\":\"remove\",\"steps\":[[\"V\"],[\"count\"]]}"), 400,
        "the query must end with entities");
  }

  @Test
  void aResultOverMaxResultsIsA413(Vertx vertx) throws Exception {
    JsonArray items = new JsonArray();
    for (int i = 0; i < 60; i++) {
      items.add(new JsonObject());
    }
    call(vertx, G, new JsonObject().put("op", "addNodes").put("items", items).encode());
    assertFails(failure(vertx, G, "{\"op\":\"query\",\"steps\":[[\"V\"]]}"), 413, "add a limit step");
    assertEquals(60, call(vertx, G, "{\"op\":\"query\",\"steps\":[[\"V\"],[\"count\"]]}").getInteger("result"));
    assertEquals(50, call(vertx, G, "{\"op\":\"query\",\"steps\":[[\"V\"],[\"limit\",50]]}")
        .getJsonArray("result").size());
  }

  @Test
  void aQueryPastTheTimeLimitIsA413AndTheStoreServesOn(Vertx vertx) throws Exception {
    JsonArray items = new JsonArray();
    for (int i = 0; i < 2_000; i++) {
      items.add(new JsonObject().put("i", i));
    }
    call(vertx, G, new JsonObject().put("op", "addNodes").put("items", items).encode());
    // a complete graph of 2,000 nodes would be 4M edges; a ring with chords is enough to explode a 6-hop walk
    JsonArray edges = new JsonArray();
    for (int i = 1; i <= 2_000; i++) {
      for (int k = 1; k <= 10; k++) {
        edges.add(new JsonObject().put("from", i).put("to", (i + k * 37) % 2_000 + 1));
      }
    }
    call(vertx, G, new JsonObject().put("op", "addEdges").put("items", edges).encode());
    assertFails(failure(vertx, G, "{\"op\":\"query\",\"steps\":[[\"V\"],[\"outV\",6],[\"count\"]]}"), 413,
        "ran past its time limit of 20 ms at step 2 (outV)");
    assertEquals(1, call(vertx, G, "{\"op\":\"query\",\"steps\":[[\"v\",1],[\"count\"]]}").getInteger("result"));
  }

  @Test
  void badConfigFailsTheDeploymentWithASentence(Vertx vertx) {
    for (var bad : new JsonObject[] {new JsonObject().put("backend", "kyoto"),
        new JsonObject().put("colour", "red"), new JsonObject().put("scripts", new JsonArray().add("no.such.Script")),
        new JsonObject().put("scripts", new JsonArray().add(String.class.getName())),
        new JsonObject().put("maxResults", 0), new JsonObject().put("maxFilterValues", 0),
        new JsonObject().put("maxFilterStringLength", "long"), new JsonObject().put("ackReplicas", 2)}) {
      Exception e = assertThrows(Exception.class, () -> await(vertx.deployVerticle(new GraphStoreVerticle(),
          new DeploymentOptions().setConfig(bad.put("address", "bad")))));
      assertTrue(e.getMessage().startsWith("graph store"), e.getMessage());
    }
  }

  @Test
  void scriptsGetTheirArgsAndBadArgsAreA400(Vertx vertx) throws Exception {
    await(vertx.deployVerticle(new GraphStoreVerticle(), new DeploymentOptions().setConfig(new JsonObject()
        .put("address", "scripted").put("scripts", TestScripts.all()))));
    call(vertx, "scripted", "{\"op\":\"addNodes\",\"items\":[{},{}]}");
    assertEquals(2, call(vertx, "scripted", "{\"op\":\"script\",\"name\":\"befriend\",\"args\":{\"a\":1,\"b\":2}}")
        .getInteger("result"));
    assertFails(failure(vertx, "scripted", "{\"op\":\"script\",\"name\":\"befriend\",\"args\":[1]}"), 400,
        "'args' must be an object");
    assertFails(failure(vertx, "scripted", "{\"op\":\"script\",\"name\":\"befriend\",\"args\":{\"a\":1,\"b\":99}}"), 404,
        "no node with id 99");
  }

  @Test
  void exportPagesThroughTheGraphInIdOrder(Vertx vertx) throws Exception {
    call(vertx, G, "{\"op\":\"addNodes\",\"items\":[{},{},{}]}");
    call(vertx, G, "{\"op\":\"addEdge\",\"from\":1,\"to\":3}");
    JsonObject first = call(vertx, G, "{\"op\":\"export\",\"limit\":3}");
    assertEquals(3L, first.getLong("next"));
    JsonObject second = call(vertx, G, "{\"op\":\"export\",\"after\":3,\"limit\":3}");
    assertEquals(new JsonArray("[{\"id\":4,\"kind\":\"edge\",\"from\":1,\"to\":3,\"data\":{}}]"),
        second.getJsonArray("items"));
    assertTrue(second.containsKey("next") && second.getValue("next") == null, "the last page says so");
    assertFails(failure(vertx, G, "{\"op\":\"export\",\"limit\":0}"), 400, "'limit' must be 1 to 10000");
  }

  @Test
  void anIndexBuildOnExistingDataLetsOtherRequestsThrough(Vertx vertx) throws Exception {
    // a store of its own with the default time limit: the 20 ms of the others is no test of slicing,
    // and a garbage-collection pause on a busy machine could exceed it
    String gi = "gi";
    await(vertx.deployVerticle(new GraphStoreVerticle(), new DeploymentOptions().setConfig(
        new JsonObject().put("address", gi).put("backend", "memory"))));
    JsonArray items = new JsonArray();
    for (int i = 0; i < 60_000; i++) {
      items.add(new JsonObject().put("k", i % 100));
    }
    call(vertx, gi, new JsonObject().put("op", "addNodes").put("items", items).encode());
    java.util.List<String> order = java.util.Collections.synchronizedList(new java.util.ArrayList<>());
    // Both sent in one event-loop task, so the query is queued at the store before the build's first
    // slice can run, however the machine schedules the test thread.
    java.util.concurrent.CompletableFuture<Void> both = new java.util.concurrent.CompletableFuture<>();
    vertx.runOnContext(v -> {
      var build = vertx.eventBus().request(gi, new JsonObject("{\"op\":\"createIndex\",\"on\":\"node\",\"fields\":[\"k\"]}"))
          .onSuccess(m -> order.add("index built"));
      var query = vertx.eventBus().request(gi, new JsonObject("{\"op\":\"query\",\"steps\":[[\"v\",1],[\"count\"]]}"))
          .onSuccess(m -> order.add("query answered"));
      io.vertx.core.Future.all(build, query).onComplete(r -> both.complete(null));
    });
    both.get(30, java.util.concurrent.TimeUnit.SECONDS);
    assertEquals(java.util.List.of("query answered", "index built"), order, "the build runs in slices");
    assertEquals(600, call(vertx, gi, "{\"op\":\"query\",\"steps\":[[\"V\",{\"k\":7}],[\"count\"]]}")
        .getInteger("result"));
  }
}
