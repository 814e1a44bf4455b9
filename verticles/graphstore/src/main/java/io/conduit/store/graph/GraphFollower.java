package io.conduit.store.graph;

import io.conduit.store.engine.WriteBatch;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executor;

/**
 * Keeps a standby's graph in memory equal to its owner's: applies each replicated write batch
 * (the entity-level batches {@link GraphJournal} writes) to a {@link GraphData}, so that a standby
 * answers reads without reloading its copy. A batch is one committed group of the owner's, whole:
 * nodes first, then edge removals, edges, node removals (a node goes only once its edges have),
 * index definitions (a new index filled by {@link IndexBuild}, as on the owner), and the next id.
 */
final class GraphFollower {

  private GraphFollower() {
  }

  /** Applies {@code batch}, on {@code owner} (the standby's thread), which also fills new indexes. */
  static void apply(GraphData graph, WriteBatch batch, Executor owner) {
    // a batch holds final states in key order, so two entities that swapped unique keys would clash
    // half-way through it; the owner checked the keys before writing them
    graph.checksUnique = false;
    List<Long> removed = new ArrayList<>();
    List<Edge> edges = new ArrayList<>();
    List<byte[]> indexChanges = new ArrayList<>();
    List<byte[]> indexValues = new ArrayList<>();
    long[] nextId = {-1};
    batch.forEach((key, value) -> {
      switch (key[0]) {
        case GraphJournal.NODE -> {
          if (value == null) {
            removed.add(GraphJournal.id(key));
          } else {
            putNode(graph, GraphJournal.id(key), json(value));
          }
        }
        case GraphJournal.EDGE -> {
          if (value == null) {
            removed.add(GraphJournal.id(key));
          } else {
            JsonObject e = json(value);
            edges.add(new Edge(GraphJournal.id(key), e.getLong("from"), e.getLong("to"), e.getJsonObject("data")));
          }
        }
        case GraphJournal.INDEX -> {
          indexChanges.add(key);
          indexValues.add(value);
        }
        case GraphJournal.NEXT -> nextId[0] = ByteBuffer.wrap(value).getLong();
        default -> throw new IllegalArgumentException("a graph batch has a key of unknown kind " + key[0]);
      }
    });
    for (long id : removed) {
      Edge edge = graph.edges.get(id);
      if (edge != null) {
        graph.deleteEdge(edge);
      }
    }
    for (Edge edge : edges) {
      Edge existing = graph.edges.get(edge.id);
      if (existing != null) {
        graph.setData(existing, edge.data); // an edge's ends never change
      } else {
        graph.insertEdge(edge);
      }
    }
    for (long id : removed) {
      Node node = graph.nodes.get(id);
      if (node != null) {
        graph.deleteNode(node);
      }
    }
    for (int i = 0; i < indexChanges.size(); i++) {
      String name = new String(indexChanges.get(i), 1, indexChanges.get(i).length - 1, StandardCharsets.UTF_8);
      if (graph.indexes.get(name) != null) {
        graph.indexes.drop(name);
      }
      if (indexValues.get(i) != null) {
        // filled a slice at a time, as on the owner: queries do not use it until it is complete
        Index index = graph.indexes.create(IndexDefinition.parse(json(indexValues.get(i)), FilterLimits.NONE));
        new IndexBuild(graph, index, owner, () -> { }).start();
      }
    }
    if (nextId[0] > 0) {
      graph.reserveIdsThrough(nextId[0] - 1);
    }
    graph.commit(); // nothing to undo or to journal: the owner did both
    graph.takeTouched();
  }

  private static void putNode(GraphData graph, long id, JsonObject data) {
    Node existing = graph.nodes.get(id);
    if (existing != null) {
      graph.setData(existing, data);
    } else {
      graph.insertNode(new Node(id, data));
    }
  }

  private static JsonObject json(byte[] value) {
    return new JsonObject(Buffer.buffer(value));
  }
}
