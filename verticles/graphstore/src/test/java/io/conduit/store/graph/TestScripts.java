package io.conduit.store.graph;

import io.vertx.core.json.JsonObject;

/** Server scripts the tests register. */
final class TestScripts {

  private TestScripts() {
  }

  /** Links two people both ways; gives the number of edges added. */
  public static final class Befriend implements GraphScript {
    static final String NAME = "befriend";

    @Override
    public String name() {
      return NAME;
    }

    @Override
    public Object run(GraphTx graph, JsonObject args) {
      long a = args.getLong("a");
      long b = args.getLong("b");
      graph.addEdge(a, b, new JsonObject().put("rel", "friend"));
      graph.addEdge(b, a, new JsonObject().put("rel", "friend"));
      return 2;
    }
  }

  /** Removes a node (and its edges), then fails: the failure must undo the removal. */
  public static final class RemoveThenFail implements GraphScript {
    static final String NAME = "removeThenFail";

    @Override
    public String name() {
      return NAME;
    }

    @Override
    public Object run(GraphTx graph, JsonObject args) {
      graph.remove(args.getLong("id"));
      throw new IllegalStateException("injected failure after the removal");
    }
  }

  /** Removes a node, then recurses without end, as a script walking a deep graph recursively may. */
  public static final class RemoveThenOverflow implements GraphScript {
    static final String NAME = "removeThenOverflow";

    @Override
    public String name() {
      return NAME;
    }

    @Override
    public Object run(GraphTx graph, JsonObject args) {
      graph.remove(args.getLong("id"));
      return depth(0);
    }

    private static long depth(long n) {
      return depth(n + 1) + 1;
    }
  }

  static io.vertx.core.json.JsonArray all() {
    return new io.vertx.core.json.JsonArray().add(Befriend.class.getName()).add(RemoveThenFail.class.getName())
        .add(RemoveThenOverflow.class.getName());
  }
}
