package io.conduit.cli.serve;

import io.conduit.deploy.DeploymentPlan;
import io.conduit.deploy.ServiceSpec;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * The node-wide storage settings of {@code conduit serve} ({@code -b}, {@code --data}, {@code -s},
 * {@code key:value} parameters), handed to the services that store data. A service takes part by
 * having {@code "backend"} in its config; {@code "backend": "default"} means "the node's backend".
 * A value the service's own config sets always wins.
 */
record NodeDefaults(String backend, Path dataDir, List<String> scripts, Map<String, String> params) {

  static final String DEFAULT = "default";

  DeploymentPlan applyTo(DeploymentPlan plan) {
    DeploymentPlan result = plan;
    for (ServiceSpec spec : plan.services()) {
      if (spec.config().containsKey("backend")) {
        result = result.with(spec.withConfig(applyTo(spec)));
      }
    }
    return result;
  }

  private JsonObject applyTo(ServiceSpec spec) {
    JsonObject config = spec.config().copy();
    if (DEFAULT.equals(config.getValue("backend"))) {
      config.put("backend", backend);
    }
    if (!config.containsKey("dataDir")) {
      config.put("dataDir", dataDir.resolve(spec.name()).toString());
    }
    JsonObject p = new JsonObject();
    params.forEach(p::put);
    JsonObject own = config.getJsonObject("params", new JsonObject());
    config.put("params", p.mergeIn(own));
    if (!scripts.isEmpty()) {
      JsonArray all = new JsonArray();
      scripts.forEach(all::add);
      config.getJsonArray("scripts", new JsonArray()).forEach(all::add);
      config.put("scripts", all);
    }
    return config;
  }
}
