package io.conduit.store.graph;

import io.vertx.core.json.JsonObject;

/** An edge from one node to another. Its endpoints never change; its data may. */
final class Edge extends Element {

  final long from;
  final long to;

  Edge(long id, long from, long to, JsonObject data) {
    super(id, data);
    this.from = from;
    this.to = to;
  }

  @Override
  String kind() {
    return "edge";
  }

  @Override
  JsonObject toJson() {
    return new JsonObject().put("id", id).put("kind", "edge").put("from", from).put("to", to).put("data", data);
  }
}
