package io.conduit.bridge;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.zeromq.ZMQ;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A bridge config that could never work is refused when the bridge starts, naming what is wrong. */
class BridgeOptionsTest {

  private static final ZMQ.Curve.KeyPair SERVER = ZMQ.Curve.generateKeyPair();
  private static final ZMQ.Curve.KeyPair OTHER = ZMQ.Curve.generateKeyPair();

  private static String refusal(JsonObject config) {
    return assertThrows(IllegalArgumentException.class, () -> BridgeOptions.fromJson(config)).getMessage();
  }

  private static JsonObject curve(String publicKey, String secretKey) {
    return new JsonObject().put("curve", new JsonObject().put("publicKey", publicKey).put("secretKey", secretKey));
  }

  @Test
  void aServerKeyPairThatDoesNotBelongTogetherIsRefused() {
    assertDoesNotThrow(() -> BridgeOptions.fromJson(curve(SERVER.publicKey, SERVER.secretKey)));
    String why = refusal(curve(OTHER.publicKey, SERVER.secretKey));
    assertTrue(why.contains("curve.publicKey is not the public key of curve.secretKey"), why);
  }

  @Test
  void aKeyThatIsNotZ85IsRefusedNamingItsField() {
    String bad = "~".repeat(40);
    String why = refusal(curve(SERVER.publicKey, bad));
    assertTrue(why.contains("curve.secretKey is not a Z85 key"), why);
    JsonObject withClients = curve(SERVER.publicKey, SERVER.secretKey);
    withClients.getJsonObject("curve").put("clientKeys", new JsonArray().add(OTHER.publicKey).add(bad));
    why = refusal(withClients);
    assertTrue(why.contains("curve.clientKeys entry '" + bad + "' is not a Z85 key"), why);
  }

  @Test
  void requestsAndEventsOnOneEndpointAreRefused() {
    String why = refusal(new JsonObject().put("endpoint", "tcp://127.0.0.1:5795").put("eventsEndpoint",
        "tcp://127.0.0.1:5795"));
    assertTrue(why.contains("endpoint and eventsEndpoint are both tcp://127.0.0.1:5795"), why);
  }

  @Test
  void aReceiveBudgetTooSmallForTheLargestMessageIsRefused() {
    String why = refusal(new JsonObject().put("maxMessageBytes", 1 << 20).put("receiveBudgetBytes", 1 << 19));
    assertTrue(why.contains("receiveBudgetBytes (524288) must be at least maxMessageBytes (1048576)"), why);
    JsonObject underCurve = curve(SERVER.publicKey, SERVER.secretKey).put("maxMessageBytes", 1 << 20)
        .put("receiveBudgetBytes", 3 << 20);
    why = refusal(underCurve);
    assertTrue(why.contains("3 × (maxMessageBytes + 33) under CURVE"), why);
    assertDoesNotThrow(() -> BridgeOptions.fromJson(underCurve.put("receiveBudgetBytes", (3 << 20) + 99)));
  }

  @Test
  void anUnsetReceiveBudgetGrowsToHoldTheLargestMessage() {
    BridgeOptions o = BridgeOptions.fromJson(curve(SERVER.publicKey, SERVER.secretKey).put("maxMessageBytes", 200 << 20));
    assertEquals(3L * ((200 << 20) + 33), o.transport().receiveBudgetBytes());
    assertEquals(256L << 20, BridgeOptions.fromJson(new JsonObject()).transport().receiveBudgetBytes());
  }

  @Test
  void aMessageLimitOverOneGibibyteIsRefused() {
    String why = refusal(new JsonObject().put("maxMessageBytes", (1 << 30) + 1));
    assertTrue(why.contains("maxMessageBytes must be at most 1073741824"), why);
  }

  @Test
  void inFlightByteLimitsDefaultToHoldTheLargestMessageAndAreRefusedBelowIt() {
    InFlightBytes defaults = InFlightBytes.fromJson(new JsonObject(), 16 << 20, 8L << 30);
    assertEquals(64L << 20, defaults.perClient());
    assertEquals(512L << 20, defaults.node(), "at most 512 MiB");
    assertEquals(256L << 20, InFlightBytes.fromJson(new JsonObject(), 16 << 20, 1L << 30).node(), "a quarter of the heap");
    InFlightBytes grown = InFlightBytes.fromJson(new JsonObject(), 600 << 20, 1L << 30);
    assertEquals(600L << 20, grown.perClient());
    assertEquals(600L << 20, grown.node());
    String why = refusal(new JsonObject().put("maxMessageBytes", 1 << 20).put("maxInFlightBytesPerClient", 1 << 19));
    assertTrue(why.contains("maxInFlightBytesPerClient (524288) must be at least maxMessageBytes (1048576)"), why);
    why = refusal(new JsonObject().put("maxMessageBytes", 1 << 20).put("maxInFlightBytes", 1000));
    assertTrue(why.contains("maxInFlightBytes (1000) must be at least maxMessageBytes (1048576)"), why);
    why = refusal(new JsonObject().put("maxInFlightBytes", "lots"));
    assertTrue(why.contains("maxInFlightBytes must be a whole number"), why);
    BridgeOptions set = BridgeOptions.fromJson(new JsonObject().put("maxMessageBytes", 1 << 20)
        .put("maxInFlightBytesPerClient", 3L << 20).put("maxInFlightBytes", 5_000_000_000L));
    assertEquals(new InFlightBytes(3L << 20, 5_000_000_000L), set.inFlightBytes());
  }
}
