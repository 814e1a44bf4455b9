package io.conduit.cli.serve;

import io.conduit.bridge.ZmqBridgeVerticle;
import io.conduit.deploy.DeploymentPlan;
import io.conduit.deploy.ServiceSpec;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/**
 * The bridge flags of {@code conduit serve}, applied to every bridge service of the deployment.
 * A flag that was given wins over the deployment file; one that was not leaves the file's value.
 */
record BridgeFlags(String endpoint, String eventsEndpoint, boolean insecure, Path curveKeys, Path curveClients,
                   List<String> inbound, List<String> outbound, List<String> serve) {

  static final String REGEX_PREFIX = "re:";

  DeploymentPlan applyTo(DeploymentPlan plan) {
    DeploymentPlan result = plan;
    for (ServiceSpec spec : plan.services()) {
      if (spec.verticle().equals(ZmqBridgeVerticle.class.getName())) {
        result = result.with(spec.withConfig(applyTo(spec.config().copy())));
      }
    }
    return result;
  }

  /** The endpoints every bridge of the plan listens on (requests and events), as configured. */
  static String[] endpoints(DeploymentPlan plan) {
    return plan.services().stream()
        .filter(spec -> spec.verticle().equals(ZmqBridgeVerticle.class.getName()))
        .flatMap(spec -> Stream.of(spec.config().getValue("endpoint"),
            spec.config().getValue("eventsEndpoint")))
        .filter(String.class::isInstance)
        .map(String.class::cast)
        .toArray(String[]::new);
  }

  private JsonObject applyTo(JsonObject config) {
    if (endpoint != null) {
      config.put("endpoint", endpoint);
    }
    if (eventsEndpoint != null) {
      config.put("eventsEndpoint", eventsEndpoint.equals("none") ? null : eventsEndpoint);
    }
    if (insecure) {
      config.put("insecure", true);
    }
    if (curveKeys != null) {
      JsonObject curve = new JsonObject().put("keyFile", curveKeys.toString());
      if (curveClients != null) {
        curve.put("clientKeys", curveClients.toString());
      }
      config.put("curve", curve);
    }
    if (!inbound.isEmpty()) {
      config.put("inbound", permissions(inbound));
    }
    if (!outbound.isEmpty()) {
      config.put("outbound", permissions(outbound));
    }
    if (!serve.isEmpty()) {
      config.put("serve", permissions(serve));
    }
    return config;
  }

  /** {@code echo} is an address, {@code re:docs\..*} a regular expression. */
  private static JsonArray permissions(List<String> entries) {
    JsonArray list = new JsonArray();
    for (String e : entries) {
      list.add(e.startsWith(REGEX_PREFIX) ? new JsonObject().put("regex", e.substring(REGEX_PREFIX.length())) : e);
    }
    return list;
  }
}
