package io.conduit.store.graph.io;

import io.conduit.client.graph.Graph;
import io.conduit.client.graph.io.GraphCounts;
import io.conduit.client.graph.io.GraphFormat;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

/**
 * Each format, both ways: a graph exported and imported into an empty store comes back with the
 * same ids, ends and data, every value of the same JSON type.
 */
class GraphFormatRoundTripTest {

  private final GraphFiles files;

  GraphFormatRoundTripTest() throws IOException {
    files = new GraphFiles();
  }

  @AfterEach
  void cleanUp() throws IOException {
    files.close();
  }

  @ParameterizedTest
  @EnumSource(GraphFormat.class)
  void aGraphComesBackWithItsIdsAndTypedData(GraphFormat format) throws IOException {
    Graph original = files.emptyGraph();
    fill(original);
    List<String> before = GraphFiles.entities(original);

    Path file = files.export(original, format);
    Graph copy = files.emptyGraph();
    GraphCounts loaded = GraphFiles.load(copy, format, file);

    assertEquals(before, GraphFiles.entities(copy), format + " file:\n" + java.nio.file.Files.readString(file));
    assertEquals(new GraphCounts(6, 6), loaded);
  }

  @ParameterizedTest
  @EnumSource(GraphFormat.class)
  void anEmptyGraphRoundTrips(GraphFormat format) throws IOException {
    Path file = files.export(files.emptyGraph(), format);
    Graph copy = files.emptyGraph();

    assertEquals(new GraphCounts(0, 0), GraphFiles.load(copy, format, file));
    assertEquals(0, GraphFiles.count(copy));
  }

  @ParameterizedTest
  @EnumSource(GraphFormat.class)
  void aLargerGraphRoundTripsAcrossManyPagesAndRequests(GraphFormat format) throws IOException {
    Graph original = files.emptyGraph();
    List<JsonObject> nodes = new java.util.ArrayList<>();
    for (int i = 0; i < 2_500; i++) {
      nodes.add(new JsonObject().put("n", i).put("name", "node " + i).put("w", i / 7.0));
    }
    List<Long> ids = original.addNodes(nodes).toCompletableFuture().join();
    List<io.conduit.client.graph.NewEdge> edges = new java.util.ArrayList<>();
    for (int i = 0; i < 3_000; i++) {
      edges.add(new io.conduit.client.graph.NewEdge(ids.get(i % 2_500), ids.get((i * 7 + 3) % 2_500),
          new JsonObject().put("i", i).put("label", i % 3 == 0 ? "likes" : "knows")));
    }
    original.addEdges(edges).toCompletableFuture().join();
    List<String> before = GraphFiles.entities(original);

    Graph copy = files.emptyGraph();
    GraphCounts loaded = GraphFiles.load(copy, format, files.export(original, format));

    assertEquals(new GraphCounts(2_500, 3_000), loaded);
    assertEquals(before, GraphFiles.entities(copy));
  }

  @ParameterizedTest
  @EnumSource(GraphFormat.class)
  void newIdsContinueAfterTheLargestOneLoaded(GraphFormat format) throws IOException {
    Graph original = files.emptyGraph();
    fill(original);
    Graph copy = files.emptyGraph();
    GraphFiles.load(copy, format, files.export(original, format));

    long next = copy.addNode(new JsonObject()).toCompletableFuture().join();

    long largest = copy.info().toCompletableFuture().join().getLong("nextId") - 1;
    assertEquals(largest, next);
    assertNotEquals(0, next);
  }

  /**
   * Nodes and edges with every kind of value: text XML cannot carry as it is, whole numbers of both
   * sizes, fractions, booleans, null, objects and lists, a field with values of several types,
   * labels of each kind, a removed node (a gap in the ids), a self-loop and parallel edges.
   */
  static void fill(Graph g) {
    long ann = node(g, new JsonObject().put("name", "Ann").put("age", 31).put("height", 1.68).put("admin", true)
        .put("label", "person").put("tags", new JsonArray().add("a").add(2).add(new JsonObject().put("x", 1.0)))
        .put("address", new JsonObject().put("city", "Zürich").put("zip", 8001).put("none", (Object) null))
        .put("big", 9_007_199_254_740_993L).put("note", "line 1\nline 2\ttabbed <&> ]]> \"quoted\" 'single'"));
    long gone = node(g, new JsonObject().put("name", "gone"));
    long bob = node(g, new JsonObject().put("name", "Bob").put("age", "forty").put("height", 2).put("admin", false)
        .put("label", 7).put("crlf", "a\r\nb").put("control", "bell \u0007 and \uFFFE").put("emoji", "\uD83D\uDE00")
        .put("empty", "").put("spaces", "  padded  ").put("nothing", (Object) null).put("zero", -0.0));
    long cy = node(g, new JsonObject().put("label", "vertex").put("with space", 1).put("quote\"amp&", "v"));
    long dee = node(g, new JsonObject());
    long eve = node(g, new JsonObject().put("list", new JsonArray()).put("map", new JsonObject())
        .put("nested", new JsonArray().add(new JsonArray().add(1).add(2)).add(new JsonObject().put("deep", new JsonObject()))));
    long fay = node(g, new JsonObject().put("age", 5_000_000_000L).put("name", "Fay"));
    g.remove(gone).toCompletableFuture().join();
    edge(g, ann, bob, new JsonObject().put("label", "knows").put("weight", 0.5).put("since", 2019));
    edge(g, ann, bob, new JsonObject().put("label", "knows").put("weight", 1));
    edge(g, bob, ann, new JsonObject().put("label", "likes"));
    edge(g, cy, cy, new JsonObject().put("label", "edge").put("loop", true));
    edge(g, dee, eve, new JsonObject());
    edge(g, fay, ann, new JsonObject().put("label", 2).put("meta", new JsonObject().put("k", "v")));
  }

  private static long node(Graph g, JsonObject data) {
    return g.addNode(data).toCompletableFuture().join();
  }

  private static void edge(Graph g, long from, long to, JsonObject data) {
    g.addEdge(from, to, data).toCompletableFuture().join();
  }
}
