package io.conduit.store.graph;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/**
 * The graph as a {@link GraphScript} sees it: every request a client could send, applied at once
 * and in order, inside the script's one transaction.
 */
public interface GraphTx {

  /**
   * Runs one request ({@code addNode}, {@code remove}, {@code query}, ...; not {@code script},
   * {@code createIndex} or {@code load}) and gives its reply body.
   *
   * @throws GraphException with the code a client would get; the whole script is then undone unless it catches it
   */
  JsonObject call(JsonObject request);

  default long addNode(JsonObject data) {
    return call(new JsonObject().put("op", "addNode").put("data", data)).getLong("id");
  }

  default long addEdge(long from, long to, JsonObject data) {
    return call(new JsonObject().put("op", "addEdge").put("from", from).put("to", to).put("data", data)).getLong("id");
  }

  /** Merges {@code data} into the entity's data; returns 1. */
  default long update(long id, JsonObject data) {
    return call(new JsonObject().put("op", "update").put("id", id).put("data", data)).getLong("count");
  }

  /** Removes a node (with its edges) or an edge; returns how many entities went. */
  default long remove(long id) {
    return call(new JsonObject().put("op", "remove").put("id", id)).getLong("count");
  }

  /** A query's result, e.g. {@code query(new JsonArray("[[\"V\", {\"name\": \"Ann\"}], [\"ids\"]]"))}. */
  default Object query(JsonArray steps) {
    return call(new JsonObject().put("op", "query").put("steps", steps)).getValue("result");
  }
}
