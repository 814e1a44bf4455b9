package io.conduit.examples.graph;

import io.conduit.store.graph.GraphScript;
import io.conduit.store.graph.GraphTx;
import io.vertx.core.json.JsonObject;

/**
 * A server script: links two nodes both ways in one transaction (both edges or neither).
 * Register it with {@code bin/conduit serve --classpath examples/target/conduit-examples-0.1.0.jar -s io.conduit.examples.graph.Befriend}, then call
 * {@code {"op": "script", "name": "befriend", "args": {"a": 1, "b": 2}}} on {@code graph}.
 */
public final class Befriend implements GraphScript {

  @Override
  public String name() {
    return "befriend";
  }

  @Override
  public Object run(GraphTx graph, JsonObject args) {
    long a = graph.addEdge(args.getLong("a"), args.getLong("b"), new JsonObject().put("rel", "friend"));
    long b = graph.addEdge(args.getLong("b"), args.getLong("a"), new JsonObject().put("rel", "friend"));
    return new JsonObject().put("edges", new io.vertx.core.json.JsonArray().add(a).add(b));
  }
}
