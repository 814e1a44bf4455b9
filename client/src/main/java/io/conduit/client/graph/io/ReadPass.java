package io.conduit.client.graph.io;

/**
 * What one reading of a file is for. An import reads its file three times so that it never holds
 * the file in memory: once to check all of it before anything is loaded, once for the nodes, once
 * for the edges (which a file may list before their nodes).
 */
enum ReadPass {
  /** Every node and edge, each fully checked. */
  CHECK,
  /** The nodes only; a reader may skip over edges. */
  NODES,
  /** The edges only; a reader may skip over nodes. */
  EDGES;

  boolean wantsNodes() {
    return this != EDGES;
  }

  boolean wantsEdges() {
    return this != NODES;
  }
}
