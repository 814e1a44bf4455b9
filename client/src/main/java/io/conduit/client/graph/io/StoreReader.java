package io.conduit.client.graph.io;

import io.conduit.client.graph.Entity;
import io.conduit.client.graph.EntityPage;
import io.conduit.client.graph.Graph;
import io.conduit.client.graph.GraphStoreException;
import io.conduit.codec.ErrorCode;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionStage;

/**
 * Reads a graph store for an export, a page at a time, waiting on the caller's thread: never more of
 * the graph in memory than a page (and, for GraphSON, the edges of a page's nodes).
 */
final class StoreReader {

  /** Entities per export page: a request's reply stays well under the bridge's message limit. */
  static final int PAGE = 1_000;
  /** Edges per request when one node has more than the store returns at once. */
  private static final int EDGE_PAGE = 50_000;

  /** Takes each entity of the graph in turn. */
  interface EntitySink {
    void accept(Entity entity) throws IOException;
  }

  private final Graph graph;

  StoreReader(Graph graph) {
    this.graph = graph;
  }

  /** Every node and edge in id order (an edge after both its nodes); the next page is asked for while this one is written. */
  void forEach(EntitySink sink) throws IOException {
    CompletionStage<EntityPage> pending = graph.exportPage(0, PAGE);
    while (pending != null) {
      EntityPage page = Blocking.await(pending);
      pending = page.next() == null ? null : graph.exportPage(page.next(), PAGE);
      for (Entity e : page.entities()) {
        sink.accept(e);
      }
    }
  }

  /**
   * The edges leaving ({@code out}) or reaching each of {@code nodes}, by node, each node's in edge-id
   * order. A request the store finds too large (413) is split, down to one node's edges in pages; a
   * node removed since its page was read has none.
   */
  Map<Long, List<Entity>> edges(List<Long> nodes, boolean out) {
    Map<Long, List<Entity>> byNode = new LinkedHashMap<>();
    nodes.forEach(n -> byNode.put(n, new ArrayList<>()));
    collect(nodes, out, byNode);
    return byNode;
  }

  private void collect(List<Long> nodes, boolean out, Map<Long, List<Entity>> byNode) {
    if (nodes.isEmpty()) {
      return;
    }
    try {
      for (Entity e : Blocking.await(hop(nodes, out, 0, 0))) {
        byNode.get(out ? e.from() : e.to()).add(e);
      }
    } catch (GraphStoreException e) {
      // too large: split; not found: a node removed since its page was read, which then has no edges
      if (e.code() != ErrorCode.TOO_LARGE && e.code() != ErrorCode.NOT_FOUND) {
        throw e;
      }
      if (nodes.size() == 1) {
        if (e.code() == ErrorCode.TOO_LARGE) {
          byNode.get(nodes.get(0)).addAll(pagedEdges(nodes.get(0), out));
        }
        return;
      }
      int half = nodes.size() / 2;
      collect(nodes.subList(0, half), out, byNode);
      collect(nodes.subList(half, nodes.size()), out, byNode);
    }
  }

  /** One node's edges, for a node with more than a reply may hold. */
  private List<Entity> pagedEdges(long node, boolean out) {
    List<Entity> all = new ArrayList<>();
    int pageSize = EDGE_PAGE;
    while (true) {
      List<Entity> page;
      try {
        page = Blocking.await(hop(List.of(node), out, all.size(), pageSize));
      } catch (GraphStoreException e) {
        if (e.code() != ErrorCode.TOO_LARGE || pageSize == 1) {
          throw e;
        }
        pageSize = Math.max(1, pageSize / 2);
        continue;
      }
      all.addAll(page);
      if (page.size() < pageSize) {
        return all;
      }
    }
  }

  private CompletionStage<List<Entity>> hop(List<Long> nodes, boolean out, long skip, int limit) {
    long[] ids = nodes.stream().mapToLong(Long::longValue).toArray();
    var query = out ? graph.v(ids).outE() : graph.v(ids).inE();
    if (limit > 0) {
      query = query.skip(skip).limit(limit);
    }
    return query.entities();
  }

  Graph graph() {
    return graph;
  }
}
