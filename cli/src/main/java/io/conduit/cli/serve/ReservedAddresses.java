package io.conduit.cli.serve;

import io.conduit.bridge.ZmqBridgeVerticle;
import io.conduit.deploy.DeploymentPlan;
import io.conduit.deploy.ServiceSpec;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/**
 * Keeps external Majordomo workers off what the node serves itself: every bridge service of the
 * deployment gets the plan's own addresses ({@link DeploymentPlan#reservedAddresses()}) and the
 * addresses below them ({@code docs.changes}, {@code tasks.events.<id>}) in its
 * {@code reservedAddresses}, after whatever its config already lists there.
 */
final class ReservedAddresses {

  private ReservedAddresses() {
  }

  static DeploymentPlan applyTo(DeploymentPlan plan) {
    JsonArray own = new JsonArray();
    for (String address : plan.reservedAddresses()) {
      own.add(address).add(new JsonObject().put("regex", literal(address) + "\\..+"));
    }
    DeploymentPlan result = plan;
    for (ServiceSpec spec : plan.services()) {
      if (spec.verticle().equals(ZmqBridgeVerticle.class.getName())) {
        JsonObject config = spec.config().copy();
        Object listed = config.getValue("reservedAddresses");
        JsonArray all = listed instanceof JsonArray a ? a.copy() : new JsonArray();
        if (listed == null || listed instanceof JsonArray) {
          // anything else stays as it is, for the bridge to refuse with its own message
          config.put("reservedAddresses", all.addAll(own));
        }
        result = result.with(spec.withConfig(config));
      }
    }
    return result;
  }

  /** {@code address} as a regex matching exactly itself. */
  static String literal(String address) {
    StringBuilder b = new StringBuilder();
    address.codePoints().forEach(c -> {
      if (!Character.isLetterOrDigit(c) && c != '_') {
        b.append('\\');
      }
      b.appendCodePoint(c);
    });
    return b.toString();
  }
}
