package io.conduit.deploy;

import io.vertx.core.json.JsonObject;

/**
 * What a node tells about one of its services, as {@link NodeControl} answers it and the web console
 * shows it. Its JSON shape:
 * <pre>{@code
 * {"name": "echo", "verticle": "io.conduit.builtin.EchoVerticle", "address": "echo",
 *  "instances": {"now": 2, "min": 1, "max": 4}, "threading": "event-loop",
 *  "state": "running", "scalable": true}
 * }</pre>
 * {@code address} is the service config's {@code address}, or null when it has none;
 * {@code instances.now} is the number of instances deployed at this moment (0 when stopped);
 * {@code scalable} is true when the service has a range ({@code max > min}) the scaler moves in.
 *
 * @param name      the service's name in the deployment
 * @param verticle  the verticle class
 * @param address   the event-bus address from the service's config, or null
 * @param now       instances deployed now
 * @param min       the least instances (for a fixed service, its count)
 * @param max       the most instances (for a fixed service, its count)
 * @param threading how its instances run
 * @param running   false after a stop, until a start
 * @param scalable  whether the scaler moves it between min and max
 */
public record ServiceInfo(String name, String verticle, String address, int now, int min, int max,
                          Threading threading, boolean running, boolean scalable) {

  /** The JSON shape documented on this class. */
  public JsonObject toJson() {
    return new JsonObject()
        .put("name", name)
        .put("verticle", verticle)
        .put("address", address)
        .put("instances", new JsonObject().put("now", now).put("min", min).put("max", max))
        .put("threading", threading.label())
        .put("state", running ? "running" : "stopped")
        .put("scalable", scalable);
  }

  /** Reads the JSON shape written by {@link #toJson()}. */
  public static ServiceInfo fromJson(JsonObject json) {
    JsonObject instances = json.getJsonObject("instances");
    return new ServiceInfo(json.getString("name"), json.getString("verticle"), json.getString("address"),
        instances.getInteger("now"), instances.getInteger("min"), instances.getInteger("max"),
        Threading.parse(json.getString("threading")), "running".equals(json.getString("state")),
        json.getBoolean("scalable"));
  }
}
