package io.conduit.store.graph;

import java.util.concurrent.Executor;

/**
 * Fills a new index from the entities already in the graph, a slice at a time on the store's thread,
 * so other requests run between slices and the event loop is never held for long. Writes during the
 * build keep the index current themselves; the backfill only adds entities still present, as they
 * are now, so it can never file a stale value.
 */
final class IndexBuild {

  private static final int SLICE = 20_000;

  private final GraphData graph;
  private final Index index;
  private final long[] ids;
  private final Executor owner;
  private final Runnable done;
  private int next;

  IndexBuild(GraphData graph, Index index, Executor owner, Runnable done) {
    this.graph = graph;
    this.index = index;
    // the ids are copied once; entities added later are filed by the writes that add them
    this.ids = ("node".equals(index.definition.on()) ? graph.nodes : graph.edges).keySet().stream()
        .mapToLong(Long::longValue).toArray();
    this.owner = owner;
    this.done = done;
  }

  void start() {
    owner.execute(this::slice);
  }

  private void slice() {
    if (graph.indexes.get(index.definition.name()) != index) {
      done.run(); // dropped while building
      return;
    }
    int end = Math.min(ids.length, next + SLICE);
    for (; next < end; next++) {
      Element e = graph.element(ids[next]);
      if (e != null) {
        index.add(e);
      }
    }
    if (next < ids.length) {
      owner.execute(this::slice);
    } else {
      index.building = false;
      done.run();
    }
  }
}
