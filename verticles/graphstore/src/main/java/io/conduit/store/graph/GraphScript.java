package io.conduit.store.graph;

import io.vertx.core.json.JsonObject;

/**
 * A server script: Java code run inside the graph store, against the graph, all or nothing. Register
 * the class by name in the store's {@code "scripts"} config (or with {@code conduit serve -s}); it
 * needs a public no-argument constructor. Clients call it with
 * {@code {"op": "script", "name": <name()>, "args": {...}}} and get {@code {"result": <run's value>}}.
 *
 * <p>{@link #run} runs on the store's thread while no other request runs: keep it short, and do not
 * block. If it throws, every change it made is undone and the caller gets the error (a
 * {@link GraphException} keeps its code; anything else is a 500 naming the script).
 */
public interface GraphScript {

  /** The name clients call the script by. */
  String name();

  /**
   * Does the script's work through {@code graph}.
   *
   * @param args the request's {@code args} object (empty when absent)
   * @return the reply's {@code result}: a JSON value (JsonObject, JsonArray, String, Number, Boolean or null)
   */
  Object run(GraphTx graph, JsonObject args);
}
