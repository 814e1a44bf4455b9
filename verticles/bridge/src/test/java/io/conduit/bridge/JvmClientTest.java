package io.conduit.bridge;

import io.conduit.Conditions;

import io.conduit.client.ClientOptions;
import io.conduit.client.ConduitClient;
import io.conduit.client.ConduitException;
import io.conduit.client.CurveKeys;
import io.conduit.client.Subscription;
import io.conduit.codec.ErrorCode;
import io.conduit.codec.zmtp.ZmtpSecurity;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The JVM client against the real bridge: both speak ZMTP through the same codec, from opposite ends. */
@ExtendWith(VertxExtension.class)
@Timeout(60)
class JvmClientTest {

  private static final String[] SERVER = ZmtpSecurity.newKeyPair();
  private static final String[] ADMITTED = ZmtpSecurity.newKeyPair();

  private static JsonObject curve() {
    return new JsonObject().put("curve", new JsonObject().put("publicKey", SERVER[0]).put("secretKey", SERVER[1])
        .put("clientKeys", new JsonArray().add(ADMITTED[0])));
  }

  private static ClientOptions options(BridgeFixture fixture) {
    return ClientOptions.defaults().withEventsEndpoint(fixture.eventsEndpoint);
  }

  @Test
  void theRequestsTimeoutReachesTheConsumerAsItsDeadline(Vertx vertx) throws Exception {
    BridgeFixture fixture = new BridgeFixture();
    fixture.deployAndWait(vertx, new JsonObject());
    try (ConduitClient client = ConduitClient.connect(fixture.endpoint, options(fixture))) {
      // the deadline the consumer sees is the one the bridge enforces, whatever the client claimed
      // in the header itself
      io.conduit.client.Reply reply = client.requestReply("deadline", "x",
          java.util.Map.of(io.conduit.codec.RequestHeaders.TIMEOUT_MS, "999999"), java.time.Duration.ofMillis(4321))
          .get(10, TimeUnit.SECONDS);
      assertEquals("4321", reply.body());
      // an echo of the request's headers brings back the client's own, not the deadline the bridge stamped
      io.conduit.client.Reply echoed = client.requestReply("echo", "x", java.util.Map.of("trace-id", "t-1"),
          java.time.Duration.ofMillis(4321)).get(10, TimeUnit.SECONDS);
      assertEquals(java.util.Map.of("trace-id", "t-1", "content-type", "application/json"), echoed.headers());
    }
  }

  @Test
  void requestsAndASubscriptionFromStartToEnd(Vertx vertx) throws Exception {
    BridgeFixture fixture = new BridgeFixture();
    fixture.deployAndWait(vertx, new JsonObject());
    try (ConduitClient client = ConduitClient.connect(fixture.endpoint, options(fixture))) {
      assertEquals(new JsonObject().put("a", 1), client.requestSync("echo", new JsonObject().put("a", 1)));
      CompletableFuture<Object> delivered = new CompletableFuture<>();
      Subscription s = client.subscribe("news", (headers, body) -> delivered.complete(body));
      Conditions.await(10_000, () -> subscribed(fixture) == 1, () -> "the bridge registered the subscription");
      vertx.eventBus().publish("news", new JsonObject().put("title", "hi"));
      assertEquals(new JsonObject().put("title", "hi"), delivered.get(10, TimeUnit.SECONDS));
      s.close();
      Conditions.await(10_000, () -> subscribed(fixture) == 0, () -> "the bridge dropped the subscription");
    }
  }

  @Test
  void tenThousandPipelinedRequestsLoseNothing(Vertx vertx) throws Exception {
    BridgeFixture fixture = new BridgeFixture();
    fixture.deployAndWait(vertx, new JsonObject());
    try (ConduitClient client = ConduitClient.connect(fixture.endpoint, options(fixture))) {
      List<CompletableFuture<Object>> replies = new ArrayList<>();
      for (int i = 0; i < 10_000; i++) {
        replies.add(client.request("echo", i));
      }
      CompletableFuture.allOf(replies.toArray(CompletableFuture[]::new)).get(30, TimeUnit.SECONDS);
      for (int i = 0; i < 10_000; i++) {
        assertEquals(i, replies.get(i).get());
      }
    }
  }

  @Test
  void anAdmittedCurveKeyIsServedAndAStrangerIsRefused(Vertx vertx) throws Exception {
    BridgeFixture fixture = new BridgeFixture();
    fixture.deployAndWait(vertx, curve());
    try (ConduitClient client = ConduitClient.connect(fixture.endpoint,
        options(fixture).withCurve(new CurveKeys(SERVER[0], ADMITTED[0], ADMITTED[1])))) {
      assertEquals("sealed", client.requestSync("echo", "sealed"));
    }
    CurveKeys stranger = CurveKeys.withNewClientKeys(SERVER[0]);
    ConduitException refused = assertThrows(ConduitException.class,
        () -> ConduitClient.connect(fixture.endpoint, options(fixture).withCurve(stranger)));
    assertEquals(ErrorCode.FORBIDDEN, refused.code(), refused.getMessage());
    assertTrue(refused.getMessage().contains("refused this client"), refused.getMessage());
    assertTrue(refused.getMessage().contains(stranger.clientPublicKey()), refused.getMessage());
  }

  @Test
  void aClientWithoutCurveIsToldTheBridgeRequiresIt(Vertx vertx) throws Exception {
    BridgeFixture fixture = new BridgeFixture();
    fixture.deployAndWait(vertx, curve());
    ConduitException e = assertThrows(ConduitException.class,
        () -> ConduitClient.connect(fixture.endpoint, options(fixture)));
    assertEquals(ErrorCode.UNAVAILABLE, e.code(), e.getMessage());
    assertTrue(e.getMessage().contains("CURVE"), e.getMessage());
  }

  @Test
  void theClientRedialsABridgeThatWasRestarted(Vertx vertx) throws Exception {
    BridgeFixture fixture = new BridgeFixture();
    String deployment = fixture.deploy(vertx, new JsonObject()).toCompletionStage().toCompletableFuture()
        .get(20, TimeUnit.SECONDS);
    try (ConduitClient client = ConduitClient.connect(fixture.endpoint,
        options(fixture).withTimeout(Duration.ofSeconds(20)))) {
      assertEquals(1, client.requestSync("echo", 1));
      vertx.undeploy(deployment).toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
      vertx.deployVerticle(new ZmqBridgeVerticle(), new DeploymentOptions().setConfig(fixture.config()))
          .toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
      Object second;
      try {
        second = client.requestSync("echo", 2);
      } catch (ConduitException e) {
        // sent on the old connection before its close reached the client (a loaded machine): lost
        // with it, as documented; the client has redialed for the next one
        assertEquals(ErrorCode.UNAVAILABLE, e.code(), e.getMessage());
        assertTrue(e.getMessage().contains("was lost before the reply"), e.getMessage());
        second = client.requestSync("echo", 2);
      }
      assertEquals(2, second);
    }
  }

  private static int subscribed(BridgeFixture fixture) {
    return fixture.bridge.stats().toJson().getInteger("subscribedAddresses");
  }
}
