package io.conduit.cli.serve;

import io.conduit.deploy.ServiceSpec;
import io.conduit.process.ProcessVerticle;
import io.conduit.web.WebOptions;
import io.conduit.web.WebVerticle;
import io.vertx.core.json.JsonObject;

/** The part of a service's config a person wants in the banner: where it listens, what it stores in. */
final class ServiceSummary {

  private ServiceSummary() {
  }

  static String describe(ServiceSpec spec) {
    JsonObject c = spec.config();
    StringBuilder b = new StringBuilder();
    append(b, "address", c.getValue("address"));
    append(b, "endpoint", c.getValue("endpoint"));
    append(b, "events", c.getValue("eventsEndpoint"));
    append(b, "url", c.getValue("url"));
    append(b, "backend", c.getValue("backend"));
    if (spec.verticle().equals(ProcessVerticle.class.getName())) {
      append(b, "process", String.join(" ", c.getJsonObject("process").getJsonArray("command").stream()
          .map(String::valueOf).toList()));
    }
    if (spec.verticle().equals(WebVerticle.class.getName())) {
      append(b, "console", "http://" + c.getString("host", WebOptions.DEFAULT_HOST) + ":"
          + c.getValue("port", WebOptions.DEFAULT_PORT) + "/");
    }
    return b.length() == 0 ? "" : "  (" + b + ")";
  }

  private static void append(StringBuilder b, String label, Object value) {
    if (value == null) {
      return;
    }
    if (b.length() > 0) {
      b.append(", ");
    }
    b.append(label).append(' ').append(value);
  }
}
