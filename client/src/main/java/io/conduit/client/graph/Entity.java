package io.conduit.client.graph;

import io.vertx.core.json.JsonObject;

/**
 * A node or an edge as a query returns it.
 *
 * @param id   unique across the graph's nodes and edges
 * @param kind {@code "node"} or {@code "edge"}
 * @param from for an edge, the node it leaves; null for a node
 * @param to   for an edge, the node it reaches; null for a node
 * @param data its fields
 */
public record Entity(long id, String kind, Long from, Long to, JsonObject data) {

  public boolean isNode() {
    return "node".equals(kind);
  }

  static Entity fromJson(JsonObject o) {
    return new Entity(o.getLong("id"), o.getString("kind"), o.getLong("from"), o.getLong("to"),
        o.getJsonObject("data", new JsonObject()));
  }
}
