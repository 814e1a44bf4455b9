package io.conduit.examples.graph;

import io.conduit.client.ConduitClient;
import io.conduit.client.graph.Graph;
import io.conduit.client.graph.NewEdge;
import io.vertx.core.json.JsonObject;

import java.util.List;
import java.util.concurrent.CompletionStage;

/**
 * GrapheekDB's tutorial on Conduit: a few people and books, hops, filters, an index and a shortest
 * path, through the bridge of a running {@code bin/conduit serve}.
 *
 * <pre>java -cp cli/target/conduit.jar:examples/target/conduit-examples-0.1.0.jar io.conduit.examples.graph.GraphTutorial [tcp://127.0.0.1:5555]</pre>
 */
public final class GraphTutorial {

  private GraphTutorial() {
  }

  public static void main(String[] args) {
    try (ConduitClient client = ConduitClient.connect(args.length > 0 ? args[0] : "tcp://127.0.0.1:5555")) {
      Graph g = Graph.overBridge(client, "graph");

      // Nodes carry JSON data; ids are numbers, unique across nodes and edges.
      List<Long> people = join(g.addNodes(List.of(person("Ann", 31), person("Bob", 25), person("Cid", 42))));
      long ann = people.get(0);
      long bob = people.get(1);
      long cid = people.get(2);
      long book = join(g.addNode(new JsonObject().put("kind", "book").put("title", "Python")));

      // Edges go from one node to another; bulk adds are all or nothing.
      join(g.addEdges(List.of(new NewEdge(ann, bob, rel("knows", 1)), new NewEdge(bob, cid, rel("knows", 1)),
          new NewEdge(ann, cid, rel("knows", 5)), new NewEdge(cid, book, rel("reads", 1)))));

      // Hops: whom does Ann know, and what do they read?
      System.out.println("Ann knows: " + join(g.v(ann).outE(new JsonObject().put("rel", "knows")).outV().data("name")));
      System.out.println("read by Ann's friends: " + join(g.v(ann).outV().outV(new JsonObject().put("kind", "book"))
          .dedup().data("title")));

      // Filters are field__lookup, as in Django.
      System.out.println("over 30: " + join(g.V(new JsonObject().put("age__gt", 30)).orderBy("age", true).data("name")));

      // An index makes V(name=...) a lookup instead of a scan; queries use it automatically.
      try {
        System.out.println("index: " + join(g.createIndex("node", List.of("name"), null)));
      } catch (RuntimeException e) {
        System.out.println("index: " + e.getMessage()); // 409 on a second run: it exists
      }
      System.out.println("Bob's id: " + join(g.V(new JsonObject().put("name", "Bob")).ids()));

      // The cheapest path from Ann to Cid by the edges' weight field.
      System.out.println("Ann to Cid: " + join(g.shortestPath(ann, cid, "w").data("name")));

      // Removing a node removes its edges, atomically.
      System.out.println("removed with Bob: " + join(g.remove(bob)) + " entities; edges left: " + join(g.E().count()));
    }
  }

  private static JsonObject person(String name, int age) {
    return new JsonObject().put("kind", "person").put("name", name).put("age", age);
  }

  private static JsonObject rel(String rel, int weight) {
    return new JsonObject().put("rel", rel).put("w", weight);
  }

  private static <T> T join(CompletionStage<T> stage) {
    return stage.toCompletableFuture().join();
  }
}
