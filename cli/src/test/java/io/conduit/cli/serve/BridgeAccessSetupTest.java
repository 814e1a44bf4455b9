package io.conduit.cli.serve;

import io.conduit.bridge.AccessPolicy;
import io.conduit.bridge.BridgeOptions;
import io.conduit.bridge.ZmqBridgeVerticle;
import io.conduit.deploy.DeploymentPlan;
import io.conduit.deploy.ServiceSpec;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What {@code conduit serve} hands the bridge: the deployment's own addresses as reserved (unless a
 * service admits external workers), the {@code --serve} list, and the console's token for node control.
 */
class BridgeAccessSetupTest {

  private static final DeploymentPlan PLAN = DeploymentPlan.parse("""
      {"services": [
        {"name": "bridge", "verticle": "io.conduit.bridge.ZmqBridgeVerticle",
         "config": {"reservedAddresses": ["legacy.svc"]}},
        {"name": "docs", "verticle": "io.conduit.store.doc.DocStoreVerticle", "config": {"address": "docs"}},
        {"name": "upper", "verticle": "a.Upper", "config": {"address": "py.upper"}, "externalWorkers": true},
        {"name": "web", "verticle": "io.conduit.web.WebVerticle", "config": {"token": "0123456789abcdef-token"}}]}
      """, "test");

  private static AccessPolicy bridgeAccess(DeploymentPlan plan) {
    ServiceSpec bridge = plan.services().stream()
        .filter(s -> s.verticle().equals(ZmqBridgeVerticle.class.getName())).findFirst().orElseThrow();
    return BridgeOptions.fromJson(bridge.config()).access();
  }

  @Test
  void theBridgeKeepsWorkersOffWhatTheNodeServesItself() {
    AccessPolicy access = bridgeAccess(ReservedAddresses.applyTo(PLAN));
    assertFalse(access.mayServe("docs", null).allowed());
    assertFalse(access.mayServe("docs.changes", null).allowed(), "and the addresses below it");
    assertFalse(access.mayServe("legacy.svc", null).allowed(), "the file's own entries stay");
    assertTrue(access.mayServe("py.upper", null).allowed(), "a service with externalWorkers admits them");
    assertTrue(access.mayServe("docsearch", null).allowed());
  }

  @Test
  void addressesBecomeRegexesMatchingOnlyThemselves() {
    assertEquals("pipeline\\.wc\\-1", ReservedAddresses.literal("pipeline.wc-1"));
  }

  @Test
  void theServeFlagBecomesTheBridgesServeList() {
    DeploymentPlan plan = new BridgeFlags(null, null, false, null, null, List.of(), List.of(),
        List.of("re:py\\..+", "resize")).applyTo(PLAN);
    ServiceSpec bridge = plan.service("bridge");
    assertEquals(new JsonArray().add(new JsonObject().put("regex", "py\\..+")).add("resize"),
        bridge.config().getJsonArray("serve"));
    AccessPolicy access = bridgeAccess(plan);
    assertTrue(access.mayServe("resize", null).allowed());
    assertFalse(access.mayServe("payments", null).allowed());
  }

  @Test
  void nodeControlTakesTheConsolesToken() {
    assertEquals("0123456789abcdef-token", Node.consoleToken(PLAN));
    assertNull(Node.consoleToken(DeploymentPlan.parse(
        "{\"services\": [{\"name\": \"e\", \"verticle\": \"a.B\"}]}", "test")));
  }
}
