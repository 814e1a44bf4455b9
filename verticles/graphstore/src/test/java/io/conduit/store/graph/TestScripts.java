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

  /** Adds a node, then fails an assertion: an Error, not an exception, which must be undone all the same. */
  public static final class AddThenAssert implements GraphScript {
    static final String NAME = "addThenAssert";

    @Override
    public String name() {
      return NAME;
    }

    @Override
    public Object run(GraphTx graph, JsonObject args) {
      graph.addNode(new JsonObject().put("half", true));
      throw new AssertionError("injected: the script's own check failed");
    }
  }

  /**
   * Adds a node and an edge at each level of a recursion without end, as a script walking a deep
   * graph recursively may: the stack runs out, most likely inside the store's own code.
   */
  public static final class GrowWithoutEnd implements GraphScript {
    static final String NAME = "growWithoutEnd";

    @Override
    public String name() {
      return NAME;
    }

    @Override
    public Object run(GraphTx graph, JsonObject args) {
      return grow(graph, args.getLong("from"));
    }

    private static long grow(GraphTx graph, long from) {
      long next = graph.addNode(new JsonObject().put("name", "n" + from));
      graph.addEdge(from, next, new JsonObject());
      return grow(graph, next) + 1;
    }
  }

  /** Adds a node, then throws a stack overflow of its own: as if the stack had run out inside a change. */
  public static final class AddThenOverflowError implements GraphScript {
    static final String NAME = "addThenOverflowError";

    @Override
    public String name() {
      return NAME;
    }

    @Override
    public Object run(GraphTx graph, JsonObject args) {
      graph.addNode(new JsonObject().put("name", "half"));
      throw new StackOverflowError();
    }
  }

  static io.vertx.core.json.JsonArray all() {
    return new io.vertx.core.json.JsonArray().add(Befriend.class.getName()).add(RemoveThenFail.class.getName())
        .add(AddThenAssert.class.getName()).add(GrowWithoutEnd.class.getName())
        .add(AddThenOverflowError.class.getName());
  }
}
