package io.conduit.deploy;

import io.vertx.core.json.JsonObject;

import java.time.Instant;

/**
 * A change of a service's instance count on one node, published on {@link #ADDRESS}:
 * <pre>{@code
 * {"node": "3f0c...", "service": "echo", "from": 1, "to": 2,
 *  "reason": "in-flight 9.5 per instance over target 4 for 2000 ms", "at": "2026-11-22T10:15:30.123Z"}
 * }</pre>
 *
 * @param node    the node id ({@link NodeControl#nodeId})
 * @param service the service's name
 * @param from    instances before
 * @param to      instances after
 * @param reason  why, in a sentence: a request, the scaler's measurement, a crash replacement
 * @param at      when the change completed
 */
public record ScaleEvent(String node, String service, int from, int to, String reason, Instant at) {

  /** The event-bus address every node publishes its scale events on. */
  public static final String ADDRESS = "conduit.services.events";

  /** "up" or "down" (the {@code direction} tag of the {@code conduit.scale.events} counter). */
  public String direction() {
    return to > from ? "up" : "down";
  }

  public JsonObject toJson() {
    return new JsonObject().put("node", node).put("service", service).put("from", from).put("to", to)
        .put("reason", reason).put("at", at.toString());
  }

  public static ScaleEvent fromJson(JsonObject json) {
    return new ScaleEvent(json.getString("node"), json.getString("service"), json.getInteger("from"),
        json.getInteger("to"), json.getString("reason"), Instant.parse(json.getString("at")));
  }
}
