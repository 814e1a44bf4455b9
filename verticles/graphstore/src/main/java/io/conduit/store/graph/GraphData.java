package io.conduit.store.graph;

import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.TreeMap;
import java.util.List;
import java.util.Set;

/**
 * The graph in memory: nodes and edges by id (in id order), each node's edge lists, and the
 * indexes, kept in step by every change. Every change records its inverse, so an operation that fails
 * halfway is undone completely ({@link #rollbackTo}), and the ids it touched, so the journal writes
 * exactly those ({@link #takeTouched}). Owned by one thread.
 */
final class GraphData {

  final TreeMap<Long, Node> nodes = new TreeMap<>();
  final TreeMap<Long, Edge> edges = new TreeMap<>();
  final Indexes indexes = new Indexes();
  private long nextId = 1;
  private final List<Runnable> undo = new ArrayList<>();
  private Set<Long> touched = new HashSet<>();
  private Set<String> touchedIndexes = new HashSet<>();
  private boolean replaying;
  /** Whether writes are checked against unique indexes: not on a standby, which copies what its owner checked. */
  boolean checksUnique = true;
  /** Called before each node or edge is removed; tests inject a failure in the middle of a removal here. */
  java.util.function.LongConsumer beforeRemove = id -> { };

  long nextId() {
    return nextId;
  }

  /** Lets ids continue after the largest one a restart or a load found. */
  void reserveIdsThrough(long id) {
    if (id >= nextId) {
      long before = nextId;
      nextId = id + 1;
      record(() -> nextId = before);
    }
  }

  Element element(long id) {
    Node n = nodes.get(id);
    return n != null ? n : edges.get(id);
  }

  Node addNode(JsonObject data) {
    return insertNode(new Node(allocateId(), data));
  }

  Edge addEdge(long from, long to, JsonObject data) {
    Node source = requireNode(from, "from");
    Node target = requireNode(to, "to");
    return insertEdge(new Edge(allocateId(), source.id, target.id, data));
  }

  /** Adds a node with a given id (a load or a restart); the id must be free. */
  Node insertNode(Node node) {
    requireUnique(node);
    nodes.put(node.id, node);
    indexes.added(node);
    touched.add(node.id);
    record(() -> deleteNode(node));
    return node;
  }

  /** Adds an edge with a given id between existing nodes; the id must be free. */
  Edge insertEdge(Edge edge) {
    requireUnique(edge);
    edges.put(edge.id, edge);
    nodes.get(edge.from).out.add(edge.id);
    nodes.get(edge.to).in.add(edge.id);
    indexes.added(edge);
    touched.add(edge.id);
    record(() -> deleteEdge(edge));
    return edge;
  }

  /** Installs new data on a node or an edge, keeping indexes in step. */
  void setData(Element element, JsonObject data) {
    JsonObject old = element.data;
    indexes.removed(element);
    element.data = data;
    try {
      requireUnique(element);
    } catch (GraphException e) {
      element.data = old;
      indexes.added(element);
      throw e;
    }
    indexes.added(element);
    touched.add(element.id);
    record(() -> setData(element, old));
  }

  /** Removes a node and, first, every edge at it; returns how many entities went. */
  int removeNode(Node node) {
    int removed = 1;
    for (long edgeId : node.out.toArray()) {
      removed += removeEdgeIfPresent(edgeId);
    }
    for (long edgeId : node.in.toArray()) {
      removed += removeEdgeIfPresent(edgeId);
    }
    deleteNode(node);
    return removed;
  }

  private int removeEdgeIfPresent(long edgeId) {
    Edge edge = edges.get(edgeId);
    if (edge == null) {
      return 0; // a self-loop appears in both lists
    }
    deleteEdge(edge);
    return 1;
  }

  /** Removes a node that has no edges left. */
  void deleteNode(Node node) {
    if (node.out.size() + node.in.size() > 0) {
      throw new IllegalStateException("node " + node.id + " still has edges");
    }
    beforeRemove(node.id);
    nodes.remove(node.id);
    indexes.removed(node);
    touched.add(node.id);
    record(() -> insertNode(node));
  }

  void deleteEdge(Edge edge) {
    beforeRemove(edge.id);
    edges.remove(edge.id);
    nodes.get(edge.from).out.remove(edge.id);
    nodes.get(edge.to).in.remove(edge.id);
    indexes.removed(edge);
    touched.add(edge.id);
    record(() -> insertEdge(edge));
  }

  /** Removes a node (with its edges) or an edge; returns how many entities went. */
  int remove(Element element) {
    if (element instanceof Node n) {
      return removeNode(n);
    }
    deleteEdge((Edge) element);
    return 1;
  }

  /** Refuses (409) an entity that would share a unique index's key with another; checked before any change. */
  private void requireUnique(Element e) {
    if (checksUnique && !replaying) {
      indexes.requireUnique(e);
    }
  }

  /** Adds an index (in the building state); its entries are filled by {@link IndexBuild}. */
  Index createIndex(IndexDefinition definition) {
    Index index = indexes.create(definition);
    touchedIndexes.add(definition.name());
    record(() -> {
      indexes.drop(definition.name());
      touchedIndexes.add(definition.name());
    });
    return index;
  }

  void dropIndex(String name) {
    Index index = indexes.drop(name);
    touchedIndexes.add(name);
    record(() -> {
      indexes.restore(index);
      touchedIndexes.add(name);
    });
  }

  private void beforeRemove(long id) {
    if (!replaying) {
      beforeRemove.accept(id);
    }
  }

  // ---- transactions

  /** A point to roll back to. */
  int mark() {
    return undo.size();
  }

  /** Undoes every change since {@code mark}, newest first. */
  void rollbackTo(int mark) {
    replaying = true;
    try {
      for (int i = undo.size() - 1; i >= mark; i--) {
        undo.remove(i).run();
      }
    } finally {
      replaying = false;
    }
  }

  /** Forgets the undo information: the changes so far are final. */
  void commit() {
    undo.clear();
  }

  /** What changed since the last call: the next journal batch writes these entities and index definitions. */
  record Touched(Set<Long> ids, Set<String> indexes) {
    boolean isEmpty() {
      return ids.isEmpty() && indexes.isEmpty();
    }
  }

  Touched takeTouched() {
    Touched t = new Touched(touched, touchedIndexes);
    touched = new HashSet<>();
    touchedIndexes = new HashSet<>();
    return t;
  }

  private long allocateId() {
    long id = nextId;
    nextId = id + 1;
    record(() -> nextId = id);
    return id;
  }

  private void record(Runnable inverse) {
    if (!replaying) {
      undo.add(inverse);
    }
  }

  Node requireNode(long id, String role) {
    Node n = nodes.get(id);
    if (n == null) {
      throw GraphException.missing(edges.containsKey(id) ? role + " " + id + " is an edge, not a node"
          : "no node with id " + id + " (" + role + ")");
    }
    return n;
  }
}
