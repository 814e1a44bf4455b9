package io.conduit.bridge;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.zeromq.ZMQ;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The bridge's access decisions: who may call, subscribe to and serve which address. */
class AccessPolicyTest {

  private static final String KEY_A = ZMQ.Curve.generateKeyPair().publicKey;
  private static final String KEY_B = ZMQ.Curve.generateKeyPair().publicKey;

  private static AccessPolicy policy(JsonObject config) {
    return BridgeOptions.fromJson(config).access();
  }

  private static JsonObject curve(JsonObject serveByKey) {
    ZMQ.Curve.KeyPair server = ZMQ.Curve.generateKeyPair();
    return new JsonObject().put("publicKey", server.publicKey).put("secretKey", server.secretKey)
        .put("serveByKey", serveByKey);
  }

  private static JsonObject regex(String r) {
    return new JsonObject().put("regex", r);
  }

  @Test
  void byDefaultClientsCallAndWorkersServeOrdinaryNames() {
    AccessPolicy p = AccessPolicy.defaults();
    assertEquals(AccessPolicy.Verdict.ALLOWED, p.mayCall("echo"));
    assertEquals(AccessPolicy.Verdict.ALLOWED, p.maySubscribe("news"));
    assertEquals(AccessPolicy.Verdict.ALLOWED, p.mayServe("py.upper", null));
    assertNull(p.mayServe("py.upper", null).reason());
  }

  @Test
  void vertxAndConduitAddressesAreClosedToCallsAndSubscriptionsByDefault() {
    AccessPolicy p = AccessPolicy.defaults();
    for (String own : List.of("__vertx.reply.1", "conduit.node.standalone", "conduit.web.node.x")) {
      AccessPolicy.Verdict call = p.mayCall(own);
      assertFalse(call.allowed(), own);
      assertTrue(call.reason().contains("'" + own + "'") && call.reason().contains("'inbound'"), call.reason());
      AccessPolicy.Verdict subscription = p.maySubscribe(own);
      assertFalse(subscription.allowed(), own);
      assertTrue(subscription.reason().contains("'outbound'"), subscription.reason());
    }
  }

  @Test
  void anOwnAddressOpensOnlyToAnEntryThatNamesIt() {
    AccessPolicy p = policy(new JsonObject().put("inbound", new JsonArray().add("echo").add("conduit.node.standalone")
            .add(regex("__vertx\\.bench\\..+")).add(regex(".*")))
        .put("outbound", new JsonArray().add(regex("^conduit\\.services\\.events"))));
    assertTrue(p.mayCall("conduit.node.standalone").allowed(), "listed by name");
    assertTrue(p.mayCall("__vertx.bench.1").allowed(), "listed by a regex that begins with the namespace");
    assertFalse(p.mayCall("conduit.node.other").allowed(), "a catch-all regex does not count");
    assertFalse(p.mayCall("__vertx.reply.7").allowed(), "a catch-all regex does not count");
    assertTrue(p.mayCall("anything.else").allowed(), "the catch-all still opens ordinary names");
    assertTrue(p.maySubscribe("conduit.services.events").allowed());
    assertFalse(p.maySubscribe("conduit.node.standalone").allowed());
  }

  @Test
  void noWorkerServesVertxConduitOrMmiNamesEvenWhenListed() {
    AccessPolicy p = policy(new JsonObject()
        .put("inbound", new JsonArray().add("conduit.node.x").add(regex("__vertx\\..+")))
        .put("serve", new JsonArray().add("conduit.node.x").add("conduit.web.node.x").add(regex("__vertx\\..+"))
            .add("mmi.service")));
    for (String name : List.of("conduit.node.x", "conduit.web.node.x", "__vertx.reply.1", "mmi.service")) {
      AccessPolicy.Verdict v = p.mayServe(name, null);
      assertFalse(v.allowed(), name);
      assertTrue(v.reason().contains(name.substring(0, 4)), v.reason());
    }
  }

  @Test
  void reservedAddressesAreNeverTakenOverByWorkers() {
    AccessPolicy p = policy(new JsonObject().put("reservedAddresses", new JsonArray().add("docs").add(regex("docs\\..+"))));
    AccessPolicy.Verdict v = p.mayServe("docs", null);
    assertFalse(v.allowed());
    assertTrue(v.reason().contains("'docs'") && v.reason().contains("externalWorkers"), v.reason());
    assertFalse(p.mayServe("docs.changes", null).allowed());
    assertTrue(p.mayServe("docsearch", null).allowed());
    assertTrue(p.mayCall("docs").allowed(), "clients still call the service");
  }

  @Test
  void aServiceTheNodeServesIsNotSubscribedToButItsEventsAre() {
    AccessPolicy p = policy(new JsonObject().put("reservedAddresses", new JsonArray().add("docs").add(regex("docs\\..+"))));
    AccessPolicy.Verdict v = p.maySubscribe("docs");
    assertFalse(v.allowed());
    assertTrue(v.reason().contains("'docs'") && v.reason().contains("reservedAddresses"), v.reason());
    assertTrue(p.maySubscribe("docs.changes").allowed(), "a service's own events stay open");
    assertTrue(p.maySubscribe("news").allowed());
  }

  @Test
  void aServeListDecidesWhatWorkersMayRegister() {
    AccessPolicy p = policy(new JsonObject().put("serve", new JsonArray().add(regex("py\\..+"))));
    assertTrue(p.mayServe("py.upper", null).allowed());
    AccessPolicy.Verdict v = p.mayServe("payments", null);
    assertFalse(v.allowed());
    assertTrue(v.reason().contains("'payments'") && v.reason().contains("'serve'") && v.reason().contains("--serve"),
        v.reason());
    assertTrue(p.mayCall("payments").allowed(), "serving and calling are separate permissions");
  }

  @Test
  void withoutAServeListAnInboundListAlsoBoundsWorkers() {
    AccessPolicy p = policy(new JsonObject().put("inbound", new JsonArray().add("echo").add(regex("work\\..+"))));
    assertTrue(p.mayServe("work.resize", null).allowed());
    AccessPolicy.Verdict v = p.mayServe("payments", null);
    assertFalse(v.allowed());
    assertTrue(v.reason().contains("'serve'"), v.reason());
    AccessPolicy own = policy(new JsonObject().put("inbound", new JsonArray().add("echo"))
        .put("serve", new JsonArray().add("payments")));
    assertTrue(own.mayServe("payments", null).allowed(), "a serve list replaces the inbound one for workers");
  }

  @Test
  void aCurveKeyWithItsOwnListServesExactlyThat() {
    AccessPolicy p = policy(new JsonObject().put("serve", new JsonArray().add("shared"))
        .put("curve", curve(new JsonObject().put(KEY_A, new JsonArray().add(regex("py\\..+")).add("shared"))
            .put(KEY_B, new JsonArray().add("shared")))));
    assertTrue(p.mayServe("py.upper", KEY_A).allowed());
    assertFalse(p.mayServe("py.upper", KEY_B).allowed());
    assertTrue(p.mayServe("py.upper", KEY_B).reason().contains("curve.serveByKey"));
    String other = ZMQ.Curve.generateKeyPair().publicKey;
    assertFalse(p.mayServe("py.upper", other).allowed(), "a key without a list is held to 'serve'");
    assertTrue(p.mayServe("shared", other).allowed());
    assertFalse(p.mayServe("py.upper", null).allowed(), "an unknown key gets what every list admits");
    assertTrue(p.mayServe("shared", null).allowed());
  }

  @Test
  void badListsAreRefusedNamingTheField() {
    ZMQ.Curve.KeyPair server = ZMQ.Curve.generateKeyPair();
    JsonObject keys = new JsonObject().put("publicKey", server.publicKey).put("secretKey", server.secretKey);
    List<List<Object>> cases = List.of(
        List.of(new JsonObject().put("serve", "py.upper"), "serve must be an array"),
        List.of(new JsonObject().put("serve", new JsonArray().add(regex("("))), "serve[0]: invalid regex"),
        List.of(new JsonObject().put("reservedAddresses", new JsonArray().add(3)), "reservedAddresses[0]"),
        List.of(new JsonObject().put("curve", keys.copy().put("serveByKey", new JsonArray())), "curve.serveByKey must be"),
        List.of(new JsonObject().put("curve", keys.copy().put("serveByKey", new JsonObject().put("short", new JsonArray()))),
            "curve.serveByKey['short'] must be a 40-character Z85 key"),
        List.of(new JsonObject().put("curve", keys.copy().put("serveByKey", new JsonObject().put(KEY_A, "py"))),
            "curve.serveByKey['" + KEY_A + "'] must be an array"),
        List.of(new JsonObject().put("curve", keys.copy().put("clientKeys", new JsonArray().add(KEY_B))
            .put("serveByKey", new JsonObject().put(KEY_A, new JsonArray()))), "is not in curve.clientKeys"));
    for (List<Object> c : cases) {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
          () -> BridgeOptions.fromJson((JsonObject) c.get(0)), c.get(0).toString());
      assertTrue(e.getMessage().contains((String) c.get(1)), e.getMessage());
    }
  }
}
