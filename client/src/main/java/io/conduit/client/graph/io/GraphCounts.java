package io.conduit.client.graph.io;

/** How many nodes and edges an export wrote or an import loaded. */
public record GraphCounts(long nodes, long edges) {

  public long entities() {
    return nodes + edges;
  }

  @Override
  public String toString() {
    return nodes + (nodes == 1 ? " node and " : " nodes and ") + edges + (edges == 1 ? " edge" : " edges");
  }
}
