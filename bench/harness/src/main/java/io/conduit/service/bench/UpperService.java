package io.conduit.service.bench;

import io.conduit.service.ServiceVerticle;
import io.vertx.core.json.JsonObject;

/**
 * The Java side of the Python worker benchmark (bench/python.py): the same {@code upper} op a
 * Python {@code conduit.Worker} serves, as a {@link ServiceVerticle}, so the two are measured
 * through the same bridge with the same load.
 */
public class UpperService extends ServiceVerticle {

  public JsonObject upper(JsonObject args) {
    return new JsonObject().put("text", args.getString("text").toUpperCase());
  }
}
