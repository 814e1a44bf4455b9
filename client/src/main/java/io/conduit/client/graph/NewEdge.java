package io.conduit.client.graph;

import io.vertx.core.json.JsonObject;

/** An edge to add with {@link Graph#addEdges}: from one node id to another, with its data. */
public record NewEdge(long from, long to, JsonObject data) {

  JsonObject toJson() {
    return new JsonObject().put("from", from).put("to", to).put("data", data == null ? new JsonObject() : data);
  }
}
