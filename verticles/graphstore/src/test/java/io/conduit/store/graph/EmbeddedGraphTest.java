package io.conduit.store.graph;

import io.conduit.client.graph.Graph;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterEach;

import java.util.ArrayList;
import java.util.List;

/** The graph contract on a graph embedded in the test's JVM. */
class EmbeddedGraphTest extends GraphContract {

  private final List<EmbeddedGraph> opened = new ArrayList<>();

  @Override
  protected Graph newGraph() {
    EmbeddedGraph embedded = EmbeddedGraph.open(new JsonObject().put("backend", "memory").put("scripts", TestScripts.all()));
    opened.add(embedded);
    return embedded.graph();
  }

  @AfterEach
  void close() {
    opened.forEach(EmbeddedGraph::close);
  }
}
