package io.conduit.bridge;

import io.conduit.codec.cbp.CbpFrames;
import io.conduit.codec.cbp.Command;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.zeromq.SocketType;
import org.zeromq.ZMQ;

import static io.conduit.bridge.RawZmqClient.text;
import static io.conduit.bridge.RawZmqClient.utf8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** CURVE with a client allow-list, refusing unprotected exposure, and clear start-up errors. */
@ExtendWith(VertxExtension.class)
class BridgeSecurityTest {

  private static final ZMQ.Curve.KeyPair SERVER = ZMQ.Curve.generateKeyPair();
  private static final ZMQ.Curve.KeyPair ALLOWED = ZMQ.Curve.generateKeyPair();
  private static final ZMQ.Curve.KeyPair STRANGER = ZMQ.Curve.generateKeyPair();

  private static java.util.function.Consumer<ZMQ.Socket> curveClient(ZMQ.Curve.KeyPair client) {
    return s -> {
      s.setCurveServerKey(ZMQ.Curve.z85Decode(SERVER.publicKey));
      s.setCurvePublicKey(ZMQ.Curve.z85Decode(client.publicKey));
      s.setCurveSecretKey(ZMQ.Curve.z85Decode(client.secretKey));
    };
  }

  private static JsonObject curve(JsonArray clientKeys) {
    JsonObject c = new JsonObject().put("publicKey", SERVER.publicKey).put("secretKey", SERVER.secretKey);
    return clientKeys == null ? c : c.put("clientKeys", clientKeys);
  }

  private static void assertRefused(String endpoint, java.util.function.Consumer<ZMQ.Socket> setup) {
    try (RawZmqClient c = RawZmqClient.unproven(endpoint, SocketType.DEALER, setup)) {
      c.send(CbpFrames.request(Command.PING, utf8("p"), "", new byte[0], new byte[0]));
      assertNull(c.receive(1500), "a refused client was answered");
    }
  }

  private static long forbiddenCount(BridgeFixture fixture) {
    return fixture.bridge.stats().toJson().getJsonObject("errors").getLong("FORBIDDEN", 0L);
  }

  @Test
  void onlyListedCurveClientsAreAdmitted(Vertx vertx) throws Exception {
    BridgeFixture fixture = new BridgeFixture();
    fixture.deployAndWait(vertx, new JsonObject().put("curve", curve(new JsonArray().add(ALLOWED.publicKey))));
    try (RawZmqClient ok = RawZmqClient.connect(fixture.endpoint, SocketType.DEALER, curveClient(ALLOWED))) {
      ok.request("echo", "", "\"secret handshake\"");
      assertEquals("\"secret handshake\"", text(ok.reply().get(4)));
    }
    assertRefused(fixture.endpoint, curveClient(STRANGER));
    assertRefused(fixture.endpoint, null);
    // A fresh JeroMQ socket sometimes never completes its handshake (docs/bridge.md), and then
    // never reaches the key check: the stranger tries again, on fresh sockets, a bounded number of times.
    for (int attempt = 0; attempt < 5 && forbiddenCount(fixture) == 0; attempt++) {
      assertRefused(fixture.endpoint, curveClient(STRANGER));
    }
    assertTrue(forbiddenCount(fixture) >= 1, "the refused key is counted");
  }

  @Test
  void withoutAClientListAnyClientKnowingTheServerKeyIsAdmitted(Vertx vertx) throws Exception {
    BridgeFixture fixture = new BridgeFixture();
    fixture.deployAndWait(vertx, new JsonObject().put("curve", curve(null)));
    try (RawZmqClient ok = RawZmqClient.connect(fixture.endpoint, SocketType.DEALER, curveClient(STRANGER))) {
      ok.request("echo", "", "1");
      assertEquals("1", text(ok.reply().get(4)));
    }
    assertRefused(fixture.endpoint, null);
  }

  @Test
  void aNonLoopbackBindWithoutProtectionIsRefusedAndSaysWhichOptionOverrides() {
    var e = assertThrows(IllegalArgumentException.class,
        () -> BridgeOptions.fromJson(new JsonObject().put("endpoint", "tcp://0.0.0.0:5555")));
    assertTrue(e.getMessage().contains("refusing to bind tcp://0.0.0.0:5555 beyond loopback"), e.getMessage());
    assertTrue(e.getMessage().contains("--insecure"), e.getMessage());
    assertThrows(IllegalArgumentException.class,
        () -> BridgeOptions.fromJson(new JsonObject().put("eventsEndpoint", "tcp://192.0.2.1:5556")));
  }

  @Test
  void aNonLoopbackBindIsAllowedWithCurveAnAllowListOrInsecure() {
    JsonObject wide = new JsonObject().put("endpoint", "tcp://0.0.0.0:5555").put("eventsEndpoint", "tcp://0.0.0.0:5556");
    BridgeOptions.fromJson(wide.copy().put("curve", curve(null)));
    BridgeOptions.fromJson(wide.copy().put("inbound", new JsonArray().add("echo")));
    BridgeOptions.fromJson(wide.copy().put("insecure", true));
  }

  @Test
  void badOptionsNameTheField() {
    assertTrue(assertThrows(IllegalArgumentException.class, () -> BridgeOptions.fromJson(
        new JsonObject().put("endpoint", "http://x"))).getMessage().contains("endpoint must be a ZeroMQ endpoint"));
    assertTrue(assertThrows(IllegalArgumentException.class, () -> BridgeOptions.fromJson(
        new JsonObject().put("maxInFlightPerClient", 0))).getMessage().contains("maxInFlightPerClient"));
    assertTrue(assertThrows(IllegalArgumentException.class, () -> BridgeOptions.fromJson(
        new JsonObject().put("inbound", new JsonArray().add(new JsonObject().put("regex", "(")))))
        .getMessage().contains("inbound[0]: invalid regex"));
    assertTrue(assertThrows(IllegalArgumentException.class, () -> BridgeOptions.fromJson(
        new JsonObject().put("curve", new JsonObject().put("publicKey", "short").put("secretKey", "x"))))
        .getMessage().contains("40-character Z85"));
    assertTrue(assertThrows(IllegalArgumentException.class, () -> BridgeOptions.fromJson(
        new JsonObject().put("endpont", "tcp://127.0.0.1:1"))).getMessage().contains("unknown field 'endpont'"));
  }

  @Test
  void aPortInUseFailsTheDeploymentWithTheEndpoint(Vertx vertx, VertxTestContext ctx) throws Exception {
    try (java.net.ServerSocket taken = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      String endpoint = "tcp://127.0.0.1:" + taken.getLocalPort();
      vertx.deployVerticle(new ZmqBridgeVerticle(), new DeploymentOptions().setConfig(
              new JsonObject().put("endpoint", endpoint).putNull("eventsEndpoint")))
          .onComplete(ctx.failing(e -> ctx.verify(() -> {
            assertEquals("cannot bind " + endpoint + ": address already in use", e.getMessage());
            ctx.completeNow();
          })));
      assertTrue(ctx.awaitCompletion(20, java.util.concurrent.TimeUnit.SECONDS));
    }
  }
}
