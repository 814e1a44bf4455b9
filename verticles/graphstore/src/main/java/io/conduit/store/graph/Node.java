package io.conduit.store.graph;

import io.vertx.core.json.JsonObject;

/** A node and the ids of the edges leaving it ({@code out}) and reaching it ({@code in}). */
final class Node extends Element {

  final LongList out = new LongList();
  final LongList in = new LongList();

  Node(long id, JsonObject data) {
    super(id, data);
  }

  @Override
  String kind() {
    return "node";
  }

  @Override
  JsonObject toJson() {
    return new JsonObject().put("id", id).put("kind", "node").put("data", data);
  }
}
