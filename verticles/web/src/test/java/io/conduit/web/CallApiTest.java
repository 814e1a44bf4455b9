package io.conduit.web;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** POST /api/call/{address}: a permitted address answers with its reply; everything else with a coded error. */
@ExtendWith(VertxExtension.class)
class CallApiTest {

  private WebFixture web;

  @BeforeEach
  void deploy(Vertx vertx) throws Exception {
    vertx.eventBus().<JsonObject>consumer("echo", m -> m.reply(m.body()));
    vertx.eventBus().consumer("locked", m -> m.fail(409, "the resource is locked"));
    vertx.eventBus().consumer("silent", m -> { });
    vertx.eventBus().consumer("secret", m -> m.reply("never"));
    vertx.eventBus().consumer("deadline", m -> m.reply(m.headers().get(io.conduit.codec.RequestHeaders.TIMEOUT_MS)));
    vertx.eventBus().consumer("headers", m -> {
      JsonObject seen = new JsonObject();
      m.headers().forEach(seen::put);
      m.reply(seen, new io.vertx.core.eventbus.DeliveryOptions().addHeader("served-by", "test"));
    });
    web = new WebFixture(vertx);
    web.deployAndWait(new JsonObject().put("inbound", new JsonArray().add("echo").add("locked").add("silent").add("deadline").add("headers")
        .add(new JsonObject().put("regex", "nobody\\..*"))));
  }

  @Test
  void permittedAddressAnswersWithItsReply() throws Exception {
    HttpResponse<Buffer> r = web.postNow("/api/call/echo", new JsonObject().put("x", 1));
    assertEquals(200, r.statusCode());
    assertEquals(new JsonObject().put("x", 1), r.bodyAsJsonObject());
  }

  @Test
  void addressOutsideTheInboundListIsForbidden() throws Exception {
    assertError(web.postNow("/api/call/secret", new JsonObject()), 403, "FORBIDDEN");
  }

  @Test
  void vertxAndConduitAddressesAreRefusedByTheBridgesRules() throws Exception {
    for (String address : new String[] {"__vertx.reply.1", "conduit.node.control"}) {
      HttpResponse<Buffer> r = web.postNow("/api/call/" + address, new JsonObject());
      assertError(r, 403, "FORBIDDEN");
      // the same sentence as the bridge's, naming this front door's list
      assertEquals(io.conduit.bridge.AccessPolicy.defaults().mayCall(address).reason()
              .replace("the bridge's", "the web service's").replace(" (--inbound)", ""),
          r.bodyAsJsonObject().getString("message"));
    }
  }

  @Test
  void theRequestsTimeoutReachesTheConsumerAsItsDeadline() throws Exception {
    HttpResponse<Buffer> r = web.postNow("/api/call/deadline?timeoutMs=1234", new JsonObject());
    assertEquals(200, r.statusCode(), r.bodyAsString());
    assertEquals("\"1234\"", r.bodyAsString());
  }

  @Test
  void permittedAddressWithoutConsumerIsNoHandlers() throws Exception {
    assertError(web.postNow("/api/call/nobody.here", new JsonObject()), 404, "NO_HANDLERS");
  }

  @Test
  void aStoresAddressWithNoOwnerServingIsRetriablyUnavailable(Vertx vertx) throws Exception {
    // the cluster knows 'nobody.store' as a store's address (an owner's claim), but nothing serves it now
    WebFixture.await(vertx.sharedData().<String, JsonObject>getAsyncMap("conduit.store.owners")
        .compose(m -> m.put("nobody.store", new JsonObject().put("node", "gone").put("epoch", 1))));
    long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(10);
    HttpResponse<Buffer> r = web.postNow("/api/call/nobody.store", new JsonObject());
    while (r.statusCode() == 404 && System.nanoTime() < deadline) { // until the claims are read (every second)
      java.util.concurrent.locks.LockSupport.parkNanos(100_000_000);
      r = web.postNow("/api/call/nobody.store", new JsonObject());
    }
    assertError(r, 503, "UNAVAILABLE");
    assertEquals("1", r.getHeader("retry-after"));
    assertTrue(r.bodyAsJsonObject().getString("message").contains("no owner serving it right now"), r.bodyAsString());
  }

  @Test
  void aStoresReplicaReadsOnANodeOutsideAClusterAreNoHandlersSayingWhy(Vertx vertx) throws Exception {
    WebFixture.await(vertx.sharedData().<String, JsonObject>getAsyncMap("conduit.store.owners")
        .compose(m -> m.put("nobody.store", new JsonObject().put("node", "gone").put("epoch", 1))));
    HttpResponse<Buffer> r = CallApiTest.untilSaid(web, "/api/call/nobody.store.ro", "replica reads");
    assertError(r, 404, "NO_HANDLERS");
    assertEquals(io.conduit.store.owner.StoreOwnership.noReplicaReads("nobody.store", false),
        r.bodyAsJsonObject().getString("message"));
  }

  /** The answer to {@code path} once its message says {@code words} (the claims are read every second). */
  static HttpResponse<Buffer> untilSaid(WebFixture web, String path, String words) throws Exception {
    long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(10);
    HttpResponse<Buffer> r = web.postNow(path, new JsonObject());
    while (!r.bodyAsString().contains(words) && System.nanoTime() < deadline) {
      java.util.concurrent.locks.LockSupport.parkNanos(100_000_000);
      r = web.postNow(path, new JsonObject());
    }
    return r;
  }

  @Test
  void consumerFailureKeepsItsCode() throws Exception {
    HttpResponse<Buffer> r = web.postNow("/api/call/locked", new JsonObject());
    assertError(r, 409, "CONFLICT");
    assertEquals("the resource is locked", r.bodyAsJsonObject().getString("message"));
  }

  @Test
  void noReplyInTimeIsTimeout() throws Exception {
    assertError(web.postNow("/api/call/silent?timeoutMs=200", new JsonObject()), 504, "TIMEOUT");
  }

  @Test
  void badTimeoutIsBadRequest() throws Exception {
    assertError(web.postNow("/api/call/echo?timeoutMs=soon", new JsonObject()), 400, "BAD_REQUEST");
  }

  @Test
  void aTimeoutAtOrAboveTheIdleTimeoutIsCappedBelowIt() throws Exception {
    HttpResponse<Buffer> r = web.postNow("/api/call/deadline?timeoutMs=" + WebOptions.DEFAULT_IDLE_TIMEOUT_MS, new JsonObject());
    assertEquals(200, r.statusCode(), r.bodyAsString());
    assertEquals("\"" + (WebOptions.DEFAULT_IDLE_TIMEOUT_MS - 1) + "\"", r.bodyAsString());
    r = web.postNow("/api/call/echo?timeoutMs=0", new JsonObject());
    assertError(r, 400, "BAD_REQUEST");
    assertEquals("timeoutMs must be a positive number of milliseconds, got '0'", r.bodyAsJsonObject().getString("message"));
  }

  @Test
  void conduitHeadersTravelBothWaysAndConduitsOwnAreNotForwarded() throws Exception {
    HttpResponse<Buffer> r = WebFixture.await(web.post("/api/call/headers?timeoutMs=1500")
        .putHeader("Conduit-Header-Trace-Id", "t-7").putHeader("Conduit-Header-conduit-pipeline-next", "elsewhere")
        .putHeader("Conduit-Header-conduit-timeout-ms", "999999").putHeader("X-Other", "not forwarded")
        .sendBuffer(Buffer.buffer("{}")));
    assertEquals(200, r.statusCode(), r.bodyAsString());
    assertEquals(new JsonObject().put("trace-id", "t-7").put("conduit-timeout-ms", "1500"), r.bodyAsJsonObject());
    assertEquals("test", r.getHeader("Conduit-Header-served-by"));
  }

  @Test
  void malformedJsonIsBadRequest() throws Exception {
    HttpResponse<Buffer> r = WebFixture.await(web.post("/api/call/echo").sendBuffer(Buffer.buffer("{\"x\": ")));
    assertError(r, 400, "BAD_REQUEST");
  }

  @Test
  void postWithoutJsonContentTypeIsRefused() throws Exception {
    HttpResponse<Buffer> r = WebFixture.await(web.client.post("/api/call/echo")
        .putHeader("Content-Type", "text/plain").sendBuffer(Buffer.buffer("{}")));
    assertError(r, 400, "BAD_REQUEST");
  }

  @Test
  void postFromAForeignOriginIsRefused() throws Exception {
    HttpResponse<Buffer> r = WebFixture.await(web.post("/api/call/echo").putHeader("Origin", "https://evil.example")
        .sendBuffer(Buffer.buffer("{}")));
    assertError(r, 403, "FORBIDDEN");
  }

  @Test
  void callIsPostOnly() throws Exception {
    assertError(web.getNow("/api/call/echo"), 404, "NOT_FOUND");
  }

  static void assertError(HttpResponse<Buffer> r, int status, String code) {
    assertEquals(status, r.statusCode(), r.bodyAsString());
    JsonObject body = r.bodyAsJsonObject();
    assertEquals(code, body.getString("code"), r.bodyAsString());
    assertTrue(body.getString("message") != null && !body.getString("message").isBlank());
  }
}
