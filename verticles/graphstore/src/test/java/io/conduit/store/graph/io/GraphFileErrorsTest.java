package io.conduit.store.graph.io;

import io.conduit.client.graph.Graph;
import io.conduit.client.graph.GraphStoreException;
import io.conduit.client.graph.io.GraphFileException;
import io.conduit.client.graph.io.GraphFormat;
import io.conduit.codec.ErrorCode;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A file that is malformed, holds a value of the wrong type, or says something a Conduit graph cannot
 * hold is refused with its line and the problem, and nothing of it is loaded; the store's own refusals
 * (an id taken, an edge's node missing) name the file's line too.
 */
class GraphFileErrorsTest {

  private static final String GRAPHML = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
      + "<graphml xmlns=\"http://graphml.graphdrawing.org/xmlns\">\n"
      + "  <key id=\"d0\" for=\"node\" attr.name=\"age\" attr.type=\"int\"/>\n"
      + "  <graph edgedefault=\"directed\">\n";

  private final GraphFiles files;
  private final Graph graph;

  GraphFileErrorsTest() throws IOException {
    files = new GraphFiles();
    graph = files.emptyGraph();
  }

  @AfterEach
  void cleanUp() throws IOException {
    files.close();
  }

  // ---- GraphML

  @Test
  void malformedXmlIsRefusedWithItsLine() throws IOException {
    GraphFileException e = refused(GraphFormat.GRAPHML, GRAPHML + "    <node id=\"1\">\n  </graph>\n</graphml>\n");

    assertEquals(6, e.line());
    assertTrue(e.getMessage().startsWith("line 6: malformed XML: "), e.getMessage());
  }

  @Test
  void aValueThatIsNotOfItsKeysTypeIsRefused() throws IOException {
    GraphFileException e = refused(GraphFormat.GRAPHML, GRAPHML
        + "    <node id=\"1\"><data key=\"d0\">31</data></node>\n"
        + "    <node id=\"2\"><data key=\"d0\">thirty</data></node>\n  </graph>\n</graphml>\n");

    assertEquals("line 6: node 2: key 'd0' (age, int): 'thirty' is not a whole number (int)", e.getMessage());
  }

  @Test
  void anEdgeWithoutItsTargetIsRefused() throws IOException {
    GraphFileException e = refused(GraphFormat.GRAPHML, GRAPHML
        + "    <node id=\"1\"/>\n    <edge source=\"1\"/>\n  </graph>\n</graphml>\n");

    assertEquals("line 6: <edge> without its 'target' attribute", e.getMessage());
  }

  @Test
  void dataOfTheWholeGraphIsRefusedRatherThanDropped() throws IOException {
    GraphFileException e = refused(GraphFormat.GRAPHML, GRAPHML.replace("for=\"node\"", "for=\"graph\"")
        + "    <data key=\"d0\">3</data>\n    <node id=\"1\"/>\n  </graph>\n</graphml>\n");

    assertTrue(e.getMessage().startsWith("line 5: data for the graph (key 'd0')"), e.getMessage());
  }

  @Test
  void dataHoldingXmlElementsIsRefused() throws IOException {
    GraphFileException e = refused(GraphFormat.GRAPHML, GRAPHML.replace("attr.type=\"int\"", "attr.type=\"string\"")
        + "    <node id=\"1\"><data key=\"d0\"><y:ShapeNode xmlns:y=\"http://www.yworks.com/xml/graphml\"/></data></node>\n"
        + "  </graph>\n</graphml>\n");

    assertTrue(e.getMessage().contains("holds an XML element <ShapeNode>"), e.getMessage());
  }

  @Test
  void anExternalEntityIsNeverRead() throws IOException {
    Path secret = files.file("secret.txt", "do not read");
    GraphFileException e = refused(GraphFormat.GRAPHML, "<?xml version=\"1.0\"?>\n"
        + "<!DOCTYPE graphml [<!ENTITY secret SYSTEM \"" + secret.toUri() + "\">]>\n"
        + "<graphml xmlns=\"http://graphml.graphdrawing.org/xmlns\">\n"
        + "  <key id=\"d0\" for=\"node\" attr.name=\"x\" attr.type=\"string\"/>\n"
        + "  <graph><node id=\"1\"><data key=\"d0\">&secret;</data></node></graph>\n</graphml>\n");

    assertTrue(e.getMessage().startsWith("line 5: malformed XML: "), e.getMessage());
  }

  @Test
  void aFieldNameTheStoreWouldRefuseIsRefusedAtItsKey() throws IOException {
    GraphFileException e = refused(GraphFormat.GRAPHML, GRAPHML.replace("attr.name=\"age\"", "attr.name=\"_age\"")
        + "  </graph>\n</graphml>\n");

    assertTrue(e.getMessage().startsWith("line 3: key 'd0': '_age' is not a field name"), e.getMessage());
  }

  @Test
  void anEdgeWhoseIdIsNotAboveItsNodesIsRefused() throws IOException {
    GraphFileException e = refused(GraphFormat.GRAPHML, GRAPHML
        + "    <node id=\"1\"/>\n    <node id=\"5\"/>\n    <edge id=\"3\" source=\"1\" target=\"5\"/>\n"
        + "  </graph>\n</graphml>\n");

    assertTrue(e.getMessage().startsWith("line 7: edge 3 joins node 5: "), e.getMessage());
  }

  @Test
  void aBadLineAtTheEndLeavesTheStoreAsItWas() throws IOException {
    StringBuilder file = new StringBuilder(GRAPHML);
    for (int i = 1; i <= 2_500; i++) {
      file.append("    <node id=\"").append(i).append("\"><data key=\"d0\">").append(i).append("</data></node>\n");
    }
    file.append("    <node id=\"2501\"><data key=\"d0\">1.5</data></node>\n  </graph>\n</graphml>\n");

    GraphFileException e = refused(GraphFormat.GRAPHML, file.toString());

    assertEquals(2_505, e.line());
  }

  // ---- GraphSON

  @Test
  void malformedJsonIsRefusedWithItsLine() throws IOException {
    GraphFileException e = refused(GraphFormat.GRAPHSON,
        "{\"id\":{\"@type\":\"g:Int64\",\"@value\":1},\"label\":\"vertex\"}\n{\"id\":{\"@type\":\"g:Int64\",\"@value\":2},}\n"
            + "{\"id\":{\"@type\":\"g:Int64\",\"@value\":3}}\n");

    assertEquals(2, e.line());
    assertTrue(e.getMessage().startsWith("line 2: malformed JSON: "), e.getMessage());
  }

  @Test
  void aGraphSONTypeWithNoJsonFormIsRefused() throws IOException {
    GraphFileException e = refused(GraphFormat.GRAPHSON, "{\"id\":{\"@type\":\"g:Int64\",\"@value\":1},\"label\":\"vertex\","
        + "\"properties\":{\"born\":[{\"id\":{\"@type\":\"g:Int64\",\"@value\":0},\"value\":{\"@type\":\"g:Date\",\"@value\":0}}]}}\n");

    assertTrue(e.getMessage().startsWith("line 1: vertex 1: a value of GraphSON type 'g:Date' has no JSON form"),
        e.getMessage());
  }

  @Test
  void aPropertyWithSeveralValuesIsRefused() throws IOException {
    GraphFileException e = refused(GraphFormat.GRAPHSON, "{\"id\":{\"@type\":\"g:Int64\",\"@value\":1},\"label\":\"vertex\","
        + "\"properties\":{\"name\":[{\"id\":{\"@type\":\"g:Int64\",\"@value\":0},\"value\":\"a\"},"
        + "{\"id\":{\"@type\":\"g:Int64\",\"@value\":1},\"value\":\"b\"}]}}\n");

    assertTrue(e.getMessage().contains("vertex property 'name' has several values"), e.getMessage());
  }

  @Test
  void aWrongTypeForAnIdIsRefused() throws IOException {
    GraphFileException e = refused(GraphFormat.GRAPHSON,
        "{\"id\":{\"@type\":\"g:UUID\",\"@value\":\"c0ffee00-0000-0000-0000-000000000000\"},\"label\":\"vertex\"}\n");

    assertTrue(e.getMessage().contains("g:UUID"), e.getMessage());
  }

  @Test
  void inEAndOutEListsThatDisagreeAreRefused() throws IOException {
    GraphFileException e = refused(GraphFormat.GRAPHSON,
        "{\"id\":{\"@type\":\"g:Int64\",\"@value\":1},\"label\":\"vertex\",\"outE\":{\"edge\":["
            + "{\"id\":{\"@type\":\"g:Int64\",\"@value\":3},\"inV\":{\"@type\":\"g:Int64\",\"@value\":2}}]}}\n"
            + "{\"id\":{\"@type\":\"g:Int64\",\"@value\":2},\"label\":\"vertex\",\"inE\":{\"edge\":["
            + "{\"id\":{\"@type\":\"g:Int64\",\"@value\":4},\"outV\":{\"@type\":\"g:Int64\",\"@value\":1}}]}}\n");

    assertTrue(e.getMessage().contains("inE and outE lists do not hold the same edges"), e.getMessage());
  }

  @Test
  void aFileWithOnlyOutEListsLoadsItsEdgesFromThem() throws IOException {
    Path file = files.file("out-only.graphson",
        "{\"id\":{\"@type\":\"g:Int64\",\"@value\":1},\"label\":\"person\",\"outE\":{\"knows\":["
            + "{\"id\":{\"@type\":\"g:Int64\",\"@value\":3},\"inV\":{\"@type\":\"g:Int64\",\"@value\":2},"
            + "\"properties\":{\"weight\":{\"@type\":\"g:Double\",\"@value\":0.5}}}]}}\n"
            + "{\"id\":{\"@type\":\"g:Int32\",\"@value\":2},\"label\":\"vertex\"}\n");

    GraphFiles.load(graph, GraphFormat.GRAPHSON, file);

    assertEquals(java.util.List.of("{\"data\":{\"label\":\"person\"},\"id\":1,\"kind\":\"node\"}",
        "{\"data\":{},\"id\":2,\"kind\":\"node\"}",
        "{\"data\":{\"label\":\"knows\",\"weight\":0.5},\"from\":1,\"id\":3,\"kind\":\"edge\",\"to\":2}"),
        GraphFiles.entities(graph));
  }

  // ---- JSON lines

  @Test
  void aLineThatIsNotAnEntityIsRefused() throws IOException {
    GraphFileException e = refused(GraphFormat.JSON, "{\"id\":1,\"kind\":\"node\",\"data\":{}}\n\n"
        + "{\"id\":2,\"kind\":\"vertex\",\"data\":{}}\n");

    assertEquals("line 3: 'kind' must be \"node\" or \"edge\", got vertex", e.getMessage());
  }

  @Test
  void anEdgeWithoutItsEndsIsRefused() throws IOException {
    GraphFileException e = refused(GraphFormat.JSON, "{\"id\":1,\"kind\":\"node\",\"data\":{}}\n"
        + "{\"id\":2,\"kind\":\"edge\",\"from\":1,\"data\":{}}\n");

    assertEquals("line 2: 'to' must be a positive whole number, got null", e.getMessage());
  }

  // ---- what the store refuses

  @Test
  void anIdTakenInTheStoreIsAConflictNamingTheLine() throws IOException {
    graph.addNode(new JsonObject().put("name", "already here")).toCompletableFuture().join();
    Path file = files.file("taken.jsonl", "{\"id\":5,\"kind\":\"node\",\"data\":{}}\n{\"id\":1,\"kind\":\"node\",\"data\":{}}\n");

    GraphStoreException e = assertThrows(GraphStoreException.class, () -> GraphFiles.load(graph, GraphFormat.JSON, file));

    assertEquals(409, e.status());
    assertEquals(ErrorCode.CONFLICT, e.code());
    assertEquals("line 2: id 1 is already taken in this graph", e.getMessage());
    assertEquals(1, GraphFiles.count(graph)); // the request with the taken id loaded none of its nodes
  }

  @Test
  void anEdgeWhoseNodeIsNowhereIsNotFoundNamingTheLine() throws IOException {
    Path file = files.file("dangling.graphml", GRAPHML
        + "    <node id=\"1\"/>\n    <edge source=\"1\" target=\"9\"/>\n  </graph>\n</graphml>\n");

    GraphStoreException e = assertThrows(GraphStoreException.class, () -> GraphFiles.load(graph, GraphFormat.GRAPHML, file));

    assertEquals(404, e.status());
    assertEquals("line 6: 'to' node 9 is in neither the request nor the graph", e.getMessage());
  }

  @Test
  void aMissingFileIsSaidSo() {
    assertThrows(NoSuchFileException.class,
        () -> GraphFiles.load(graph, GraphFormat.JSON, files.dir.resolve("no-such-file.jsonl")));
  }

  private GraphFileException refused(GraphFormat format, String text) throws IOException {
    Path file = files.file("bad" + format.extension(), text);
    GraphFileException e = assertThrows(GraphFileException.class, () -> GraphFiles.load(graph, format, file));
    assertEquals(400, e.status());
    assertEquals(ErrorCode.BAD_REQUEST, e.code());
    assertEquals(0, GraphFiles.count(graph), "nothing of a refused file is loaded");
    return e;
  }
}
