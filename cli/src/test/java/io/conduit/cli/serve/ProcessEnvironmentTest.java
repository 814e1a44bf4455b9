package io.conduit.cli.serve;

import io.conduit.deploy.DeploymentPlan;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/** Where a supervised process is told the node's bridge is: an address it can connect to. */
class ProcessEnvironmentTest {

  private static String endpointGiven(String bridgeEndpoint, String processEnv) {
    DeploymentPlan plan = DeploymentPlan.parse("{\"services\": ["
        + "{\"name\": \"bridge\", \"verticle\": \"io.conduit.bridge.ZmqBridgeVerticle\", \"config\": {\"endpoint\": \""
        + bridgeEndpoint + "\"}},"
        + "{\"name\": \"w\", \"process\": {\"command\": [\"python3\"], \"env\": {" + processEnv + "}}}]}", "test");
    return ProcessEnvironment.applyTo(plan).service("w").config().getJsonObject("process").getJsonObject("env")
        .getString(ProcessEnvironment.ENDPOINT);
  }

  @Test
  void aProcessIsToldTheBridgesEndpoint() {
    assertEquals("tcp://127.0.0.1:6001", endpointGiven("tcp://127.0.0.1:6001", ""));
    assertEquals("ipc:///tmp/conduit.sock", endpointGiven("ipc:///tmp/conduit.sock", ""));
  }

  @Test
  void aBridgeOnEveryInterfaceIsReachedOnLoopback() {
    // no socket is bound here: each wildcard host the bridge may be given maps to its loopback
    assertEquals(3, ProcessEnvironment.EVERY_INTERFACE.size());
    ProcessEnvironment.EVERY_INTERFACE.forEach((wildcard, loopback) ->
        assertEquals("tcp://" + loopback + ":6001", endpointGiven("tcp://" + wildcard + ":6001", "")));
    assertEquals(java.util.Set.of("127.0.0.1", "[::1]"), java.util.Set.copyOf(ProcessEnvironment.EVERY_INTERFACE.values()));
  }

  @Test
  void aPortTheSystemChoosesIsNotGivenAndAnEndpointTheEntrySetsIsKept() {
    assertNull(endpointGiven("tcp://127.0.0.1:*", ""));
    assertEquals("tcp://10.0.0.5:7000", endpointGiven("tcp://127.0.0.1:6001", "\"CONDUIT_ENDPOINT\": \"tcp://10.0.0.5:7000\""));
  }
}
