package io.conduit.cli.serve;

import io.conduit.bridge.BridgeOptions;
import io.conduit.bridge.ZmqBridgeVerticle;
import io.conduit.deploy.DeploymentPlan;
import io.conduit.deploy.ServiceSpec;
import io.conduit.process.ProcessVerticle;
import io.vertx.core.json.JsonObject;

/**
 * Tells the processes a deployment runs where this node's bridge listens: each process service
 * gets {@code CONDUIT_ENDPOINT} (the first bridge's request endpoint, after the flags) in its
 * environment unless its entry sets one, so a worker started as
 * {@code python3 -m conduit.worker shop:worker} finds its node without flags.
 */
final class ProcessEnvironment {

  static final String ENDPOINT = "CONDUIT_ENDPOINT";
  /** Hosts that bind every interface, and the loopback address a local process reaches them on. */
  static final java.util.Map<String, String> EVERY_INTERFACE = java.util.Map.of("*", "127.0.0.1",
      "0.0.0.0", "127.0.0.1", "[::]", "[::1]");

  private ProcessEnvironment() {
  }

  /**
   * The endpoint a process on this machine connects to: a bridge bound to every interface
   * ({@code *}, {@code 0.0.0.0}, {@code [::]}) is reached on loopback; a port the system chose
   * ({@code *}) cannot be told in advance, so no endpoint is given then (null).
   */
  static String reachable(String bound) {
    java.util.regex.Matcher m = java.util.regex.Pattern.compile("tcp://(.+):([^:]+)").matcher(bound);
    if (!m.matches()) {
      return bound; // ipc://... as it is
    }
    if (m.group(2).equals("*")) {
      return null;
    }
    return "tcp://" + EVERY_INTERFACE.getOrDefault(m.group(1), m.group(1)) + ":" + m.group(2);
  }

  static DeploymentPlan applyTo(DeploymentPlan plan) {
    String endpoint = plan.services().stream()
        .filter(s -> s.verticle().equals(ZmqBridgeVerticle.class.getName()))
        .map(s -> s.config().getValue("endpoint", BridgeOptions.DEFAULT_ENDPOINT))
        .filter(String.class::isInstance).map(String.class::cast)
        .findFirst().map(ProcessEnvironment::reachable).orElse(null);
    if (endpoint == null) {
      return plan;
    }
    DeploymentPlan result = plan;
    for (ServiceSpec spec : plan.services()) {
      if (spec.verticle().equals(ProcessVerticle.class.getName())) {
        JsonObject config = spec.config().copy();
        JsonObject env = config.getJsonObject("process").getJsonObject("env");
        if (!env.containsKey(ENDPOINT)) {
          env.put(ENDPOINT, endpoint);
          result = result.with(spec.withConfig(config));
        }
      }
    }
    return result;
  }
}
