package io.conduit.store.graph;

import io.vertx.core.json.JsonObject;

/**
 * A node or an edge held in memory. Its data object is never changed in place: an update installs
 * a new one, so a rolled-back operation restores the old object and readers never see half an update.
 */
abstract sealed class Element permits Node, Edge {

  final long id;
  JsonObject data;

  Element(long id, JsonObject data) {
    this.id = id;
    this.data = data;
  }

  abstract String kind();

  /** The reply form: {@code {"id", "kind", "data"}}, edges with {@code "from"} and {@code "to"}. */
  abstract JsonObject toJson();

  Object field(String name) {
    return data.getValue(name);
  }
}
