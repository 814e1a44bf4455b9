package io.conduit.store.graph.io;

import io.conduit.client.graph.Graph;
import io.conduit.client.graph.io.GraphCounts;
import io.conduit.client.graph.io.GraphFileException;
import io.conduit.client.graph.io.GraphFormat;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * GraphML with NetworkX (Debian's python3-networkx, run as /usr/bin/python3): a file NetworkX writes
 * loads into Conduit with its values typed, and a file Conduit writes is read by
 * {@code networkx.read_graphml} with the same values and types.
 */
class NetworkXInteropTest {

  private static final String PYTHON = "/usr/bin/python3";
  private static final long DEADLINE_SECONDS = 60;

  private final GraphFiles files;

  NetworkXInteropTest() throws IOException {
    files = new GraphFiles();
  }

  @AfterEach
  void cleanUp() throws IOException {
    files.close();
  }

  @Test
  void aGraphNetworkXWritesLoadsWithTypedValuesAndNewEdgeIds() throws Exception {
    Path file = files.dir.resolve("networkx.graphml");
    python(String.join("\n",
        "import sys, networkx as nx",
        "g = nx.DiGraph()",
        "g.add_node(1, name='Ann', age=31, height=1.68, admin=True)",
        "g.add_node(2, name='Bob', age=5000000000, admin=False)",
        "g.add_node(3)",
        "g.add_edge(1, 2, weight=0.5, label='knows')",
        "g.add_edge(2, 3, weight=2.0)",
        "g.add_edge(3, 1)",
        "nx.write_graphml(g, sys.argv[1])"), file.toString());
    Graph graph = files.emptyGraph();

    GraphCounts loaded = GraphFiles.load(graph, GraphFormat.GRAPHML, file);

    assertEquals(new GraphCounts(3, 3), loaded);
    assertEquals(List.of(
        "{\"data\":{\"admin\":true,\"age\":31,\"height\":1.68,\"name\":\"Ann\"},\"id\":1,\"kind\":\"node\"}",
        "{\"data\":{\"admin\":false,\"age\":5000000000,\"name\":\"Bob\"},\"id\":2,\"kind\":\"node\"}",
        "{\"data\":{},\"id\":3,\"kind\":\"node\"}",
        "{\"data\":{\"label\":\"knows\",\"weight\":0.5},\"from\":1,\"id\":4,\"kind\":\"edge\",\"to\":2}",
        "{\"data\":{\"weight\":2.0},\"from\":2,\"id\":5,\"kind\":\"edge\",\"to\":3}",
        "{\"data\":{},\"from\":3,\"id\":6,\"kind\":\"edge\",\"to\":1}"), GraphFiles.entities(graph),
        Files.readString(file));
  }

  @Test
  void aNetworkXGraphWithNamedNodesIsRefusedWithHowToRelabelIt() throws Exception {
    Path file = files.dir.resolve("named.graphml");
    python(String.join("\n",
        "import sys, networkx as nx",
        "g = nx.Graph()",
        "g.add_edge('alice', 'bob')",
        "nx.write_graphml(g, sys.argv[1])"), file.toString());
    Graph graph = files.emptyGraph();

    GraphFileException e = assertThrows(GraphFileException.class, () -> GraphFiles.load(graph, GraphFormat.GRAPHML, file));

    assertTrue(e.getMessage().contains("node id 'alice' is not a positive whole number"), e.getMessage());
    assertTrue(e.getMessage().contains("convert_node_labels_to_integers"), e.getMessage());
    assertEquals(0, GraphFiles.count(graph));
  }

  @Test
  void networkXReadsAConduitExportWithTheSameValuesAndTypes() throws Exception {
    Graph graph = files.emptyGraph();
    long ann = graph.addNode(new JsonObject().put("name", "Ann").put("age", 31).put("height", 1.68).put("admin", true)
        .put("tags", new JsonArray().add("a").add("b"))).toCompletableFuture().join();
    long bob = graph.addNode(new JsonObject().put("name", "Bob <&> \"B\"").put("age", 5_000_000_000L))
        .toCompletableFuture().join();
    graph.addEdge(ann, bob, new JsonObject().put("weight", 0.5).put("label", "knows")).toCompletableFuture().join();
    Path file = files.export(graph, GraphFormat.GRAPHML);

    String read = python(String.join("\n",
        "import sys, json, networkx as nx",
        "g = nx.read_graphml(sys.argv[1], node_type=int)",
        "typed = lambda d: {k: [type(v).__name__, v] for k, v in sorted(d.items())}",
        "print(json.dumps({'directed': g.is_directed(),",
        "  'nodes': [[n, typed(d)] for n, d in sorted(g.nodes(data=True))],",
        "  'edges': [[u, v, typed(d)] for u, v, d in sorted(g.edges(data=True))]}, sort_keys=True))"), file.toString());

    assertEquals(new JsonObject()
        .put("directed", true)
        .put("nodes", new JsonArray()
            .add(new JsonArray().add(1).add(new JsonObject().put("admin", pair("bool", true)).put("age", pair("int", 31))
                .put("height", pair("float", 1.68)).put("name", pair("str", "Ann")).put("tags", pair("str", "[\"a\",\"b\"]"))))
            .add(new JsonArray().add(2).add(new JsonObject().put("age", pair("int", 5_000_000_000L))
                .put("name", pair("str", "Bob <&> \"B\"")))))
        .put("edges", new JsonArray().add(new JsonArray().add(1).add(2).add(new JsonObject()
            .put("id", pair("str", "3")).put("label", pair("str", "knows")).put("weight", pair("float", 0.5))))),
        new JsonObject(read.trim()), Files.readString(file));
  }

  private static JsonArray pair(String type, Object value) {
    return new JsonArray().add(type).add(value);
  }

  /** Runs a Python program with NetworkX, within the deadline; what it printed. */
  private String python(String program, String... args) throws IOException, InterruptedException {
    Path script = files.dir.resolve("script-" + System.nanoTime() + ".py");
    Files.writeString(script, program, StandardCharsets.UTF_8);
    Path output = files.dir.resolve("output-" + System.nanoTime() + ".txt");
    List<String> command = new ArrayList<>(List.of(PYTHON, script.toString()));
    command.addAll(List.of(args));
    Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(output.toFile()).start();
    try {
      boolean exited = process.waitFor(DEADLINE_SECONDS, TimeUnit.SECONDS);
      String text = Files.readString(output, StandardCharsets.UTF_8);
      assertTrue(exited, "python did not finish within " + DEADLINE_SECONDS + " s: " + text);
      assertEquals(0, process.exitValue(), "python failed (is python3-networkx installed?): " + text);
      return text;
    } finally {
      process.destroyForcibly();
    }
  }
}
