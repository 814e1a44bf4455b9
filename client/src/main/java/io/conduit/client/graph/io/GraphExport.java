package io.conduit.client.graph.io;

import io.conduit.client.graph.Graph;

import java.io.IOException;
import java.io.OutputStream;
import java.util.Objects;

/**
 * Writes a whole graph store to a stream in one of the {@link GraphFormat}s, streaming: the store is
 * read a page at a time (twice for GraphML, whose keys come first), so memory stays flat however
 * large the graph. Blocking: call it from a thread of your own or a Vert.x worker, never an event
 * loop. The graph is read between writes, so a graph that changes meanwhile is not a snapshot.
 *
 * <pre>{@code
 * try (OutputStream out = Files.newOutputStream(Path.of("graph.graphml"))) {
 *   GraphCounts written = GraphExport.write(Graph.overBridge(client, "graph"), GraphFormat.GRAPHML, out);
 * }
 * }</pre>
 */
public final class GraphExport {

  private GraphExport() {
  }

  /**
   * Writes the graph to {@code out} (which it flushes but does not close); what it wrote. Fails with a
   * {@link io.conduit.client.graph.GraphStoreException} when the store does (409 CONFLICT when a
   * GraphML export meets a field type its keys did not declare), an IOException when {@code out} does.
   */
  public static GraphCounts write(Graph graph, GraphFormat format, OutputStream out) throws IOException {
    Objects.requireNonNull(graph, "graph");
    Objects.requireNonNull(out, "out");
    Blocking.refuseOnEventLoop("GraphExport.write");
    GraphCounts counts = format.newFileFormat().export(new StoreReader(graph), out);
    out.flush();
    return counts;
  }
}
