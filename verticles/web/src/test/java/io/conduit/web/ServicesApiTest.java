package io.conduit.web;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import static io.conduit.web.CallApiTest.assertError;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** GET /api/services and the scale/stop/start controls, against a node's real service registry. */
@ExtendWith(VertxExtension.class)
class ServicesApiTest {

  private ConduitNodeFixture node;
  private WebFixture web;

  @BeforeEach
  void start(Vertx vertx) throws Exception {
    node = ConduitNodeFixture.start(vertx);
    web = node.web;
  }

  @Test
  void listsEachNodesServicesWithTheirMeters(Vertx vertx) throws Exception {
    for (int i = 0; i < 5; i++) {
      WebFixture.await(vertx.eventBus().request("chatty", "hello"));
    }
    WebFixture.await(vertx.eventBus().request("chatty", "fail").otherwiseEmpty());
    JsonObject body = web.getNow("/api/services").bodyAsJsonObject();
    JsonObject standalone = body.getJsonArray("nodes").getJsonObject(0);
    assertEquals("standalone", standalone.getString("node"));
    JsonObject chatty = service(body, "chatty");
    assertEquals("chatty", chatty.getString("address"));
    assertEquals(new JsonObject().put("now", 1).put("min", 1).put("max", 3), chatty.getJsonObject("instances"));
    assertEquals("event-loop", chatty.getString("threading"));
    assertEquals("running", chatty.getString("state"));
    JsonObject meters = chatty.getJsonObject("meters");
    assertEquals(6L, meters.getLong("requests"));
    assertEquals(1L, meters.getJsonObject("errorsByCode").getLong("CONFLICT"));
    assertTrue(meters.getDouble("p99Ms") > 0 && meters.getDouble("perSecond") > 0, meters.encode());
  }

  @Test
  void scaleChangesTheDeployedInstanceCount() throws Exception {
    HttpResponse<Buffer> r = web.postNow("/api/services/chatty/scale", new JsonObject().put("instances", 3));
    assertEquals(200, r.statusCode(), r.bodyAsString());
    JsonObject result = r.bodyAsJsonObject().getJsonArray("results").getJsonObject(0);
    assertEquals("standalone", result.getString("node"));
    assertEquals(3, result.getJsonObject("service").getJsonObject("instances").getInteger("now"));
    assertEquals(3, node.services.deploymentsOf("chatty").size());
    assertEquals(3, service(web.getNow("/api/services").bodyAsJsonObject(), "chatty")
        .getJsonObject("instances").getInteger("now"));
  }

  @Test
  void stopUndeploysAndStartRedeploys(Vertx vertx) throws Exception {
    HttpResponse<Buffer> stopped = web.postNow("/api/services/chatty/stop", new JsonObject());
    assertEquals("stopped", stopped.bodyAsJsonObject().getJsonArray("results").getJsonObject(0)
        .getJsonObject("service").getString("state"));
    assertEquals(0, node.services.deploymentsOf("chatty").size());
    assertError(web.postNow("/api/call/chatty", "x"), 404, "NO_HANDLERS");

    HttpResponse<Buffer> started = web.postNow("/api/services/chatty/start", new JsonObject());
    assertEquals(200, started.statusCode(), started.bodyAsString());
    assertEquals(200, web.postNow("/api/call/chatty", "x").statusCode());
  }

  @Test
  void unknownServiceIsNotFound() throws Exception {
    assertError(web.postNow("/api/services/nothing/scale", new JsonObject().put("instances", 2)), 404, "NOT_FOUND");
    assertError(web.postNow("/api/services/nothing/stop", new JsonObject()), 404, "NOT_FOUND");
  }

  @Test
  void unknownNodeIsNotFound() throws Exception {
    assertError(web.postNow("/api/services/chatty/stop", new JsonObject().put("node", "elsewhere")), 404, "NOT_FOUND");
  }

  @Test
  void scaleWithoutAWholeNumberIsBadRequest() throws Exception {
    assertError(web.postNow("/api/services/chatty/scale", new JsonObject()), 400, "BAD_REQUEST");
    assertError(web.postNow("/api/services/chatty/scale", new JsonObject().put("instances", "3")), 400, "BAD_REQUEST");
  }

  @Test
  void scaleOutsideTheRangeIsBadRequestNamingIt() throws Exception {
    HttpResponse<Buffer> r = web.postNow("/api/services/chatty/scale", new JsonObject().put("instances", 7));
    assertError(r, 400, "BAD_REQUEST");
    assertTrue(r.bodyAsJsonObject().getString("message").contains("1..3"), r.bodyAsString());
  }

  @Test
  void scalingAStoppedServiceIsConflict() throws Exception {
    web.postNow("/api/services/chatty/stop", new JsonObject());
    assertError(web.postNow("/api/services/chatty/scale", new JsonObject().put("instances", 2)), 409, "CONFLICT");
  }

  @Test
  void invalidNameIsBadRequest() throws Exception {
    assertError(web.postNow("/api/services/9lives/stop", new JsonObject()), 400, "BAD_REQUEST");
  }

  @Test
  void bodyThatIsNotAnObjectIsBadRequest() throws Exception {
    assertError(web.postNow("/api/services/chatty/scale", new io.vertx.core.json.JsonArray().add(3)), 400, "BAD_REQUEST");
  }

  @Test
  void controlsArePostOnly() throws Exception {
    assertError(web.getNow("/api/services/chatty/stop"), 404, "NOT_FOUND");
    assertEquals(1, node.services.deploymentsOf("chatty").size());
  }

  static JsonObject service(JsonObject body, String name) {
    for (Object n : body.getJsonArray("nodes")) {
      for (Object s : ((JsonObject) n).getJsonArray("services")) {
        if (((JsonObject) s).getString("name").equals(name)) {
          return (JsonObject) s;
        }
      }
    }
    throw new AssertionError(name + " not listed in " + body.encode());
  }
}
