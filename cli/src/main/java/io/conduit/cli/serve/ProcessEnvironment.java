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

  private ProcessEnvironment() {
  }

  static DeploymentPlan applyTo(DeploymentPlan plan) {
    String endpoint = plan.services().stream()
        .filter(s -> s.verticle().equals(ZmqBridgeVerticle.class.getName()))
        .map(s -> s.config().getValue("endpoint", BridgeOptions.DEFAULT_ENDPOINT))
        .filter(String.class::isInstance).map(String.class::cast)
        .findFirst().orElse(null);
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
