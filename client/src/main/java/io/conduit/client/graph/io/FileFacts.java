package io.conduit.client.graph.io;

import io.conduit.client.graph.Entity;

/**
 * What the check pass learns of a file while it checks each entity on its own: the largest id it
 * names (edges without an id get ids after it), in constant memory.
 */
final class FileFacts {

  private long maxId;

  /** Checks what one entity can be checked for alone. */
  void check(Entity e, long line) {
    maxId = Math.max(maxId, e.id());
    if (e.isNode()) {
      return;
    }
    maxId = Math.max(maxId, Math.max(e.from(), e.to()));
    if (e.id() != 0 && (e.id() <= e.from() || e.id() <= e.to())) {
      throw new GraphFileException(line, "edge " + e.id() + " joins node " + Math.max(e.from(), e.to())
          + ": Conduit keeps ids, and an edge's id must be greater than the ids of both its nodes (a GraphML edge "
          + "without an id gets a new one)");
    }
  }

  long maxId() {
    return maxId;
  }
}
