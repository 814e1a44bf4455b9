package io.conduit.client.graph;

import io.vertx.core.json.JsonObject;

/**
 * A node or an edge as a query or an export returns it, and as {@link Graph#load} takes it.
 *
 * @param id   unique across the graph's nodes and edges
 * @param kind {@code "node"} or {@code "edge"}
 * @param from for an edge, the node it leaves; null for a node
 * @param to   for an edge, the node it reaches; null for a node
 * @param data its fields
 */
public record Entity(long id, String kind, Long from, Long to, JsonObject data) {

  /** A node with this id and data. */
  public static Entity node(long id, JsonObject data) {
    return new Entity(id, "node", null, null, data);
  }

  /** An edge with this id from one node to another. */
  public static Entity edge(long id, long from, long to, JsonObject data) {
    return new Entity(id, "edge", from, to, data);
  }

  public boolean isNode() {
    return "node".equals(kind);
  }

  /** The store's form: {@code {"id", "kind", "from"?, "to"?, "data"}}, as {@code export} gives and {@code load} takes. */
  public JsonObject toJson() {
    JsonObject json = new JsonObject().put("id", id).put("kind", kind);
    if (!isNode()) {
      json.put("from", from).put("to", to);
    }
    return json.put("data", data == null ? new JsonObject() : data);
  }

  static Entity fromJson(JsonObject o) {
    return new Entity(o.getLong("id"), o.getString("kind"), o.getLong("from"), o.getLong("to"),
        o.getJsonObject("data", new JsonObject()));
  }
}
