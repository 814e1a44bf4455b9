package io.conduit.store.graph;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;

/**
 * Dijkstra from one node to another, following edges from→to (or both ways). An edge costs its
 * weight field (1 without a weight field); a negative or non-numeric weight is a 400 naming the edge.
 * Gives the path's nodes in order, or nothing when there is no path.
 */
final class ShortestPath {

  private record Reached(long node, double cost) {
  }

  private final GraphData graph;
  private final Budget budget;
  private final Step step;

  ShortestPath(GraphData graph, Budget budget, Step step) {
    this.graph = graph;
    this.budget = budget;
    this.step = step;
  }

  List<Node> find() {
    Step.PathRequest p = step.path();
    Node from = graph.nodes.get(p.from());
    Node to = graph.nodes.get(p.to());
    if (from == null || to == null) {
      throw GraphException.missing(step.where() + ": no node with id " + (from == null ? p.from() : p.to()));
    }
    Map<Long, Double> best = new HashMap<>();
    Map<Long, Long> previous = new HashMap<>();
    PriorityQueue<Reached> queue = new PriorityQueue<>((a, b) -> Double.compare(a.cost, b.cost));
    best.put(from.id, 0.0);
    queue.add(new Reached(from.id, 0));
    while (!queue.isEmpty()) {
      Reached r = queue.poll();
      if (r.cost > best.get(r.node)) {
        continue; // a stale entry: a cheaper way was found after it was queued
      }
      if (r.node == to.id) {
        return path(previous, from.id, to.id);
      }
      Node node = graph.nodes.get(r.node);
      relax(node.out, r, true, best, previous, queue);
      if (p.bothWays()) {
        relax(node.in, r, false, best, previous, queue);
      }
    }
    return List.of();
  }

  private void relax(LongList edgeIds, Reached r, boolean forward, Map<Long, Double> best, Map<Long, Long> previous,
                     PriorityQueue<Reached> queue) {
    for (int i = 0; i < edgeIds.size(); i++) {
      budget.tick(step);
      Edge edge = graph.edges.get(edgeIds.get(i));
      long next = forward ? edge.to : edge.from;
      double cost = r.cost + weight(edge);
      Double known = best.get(next);
      if (known == null || cost < known) {
        best.put(next, cost);
        previous.put(next, r.node);
        queue.add(new Reached(next, cost));
      }
    }
  }

  private double weight(Edge edge) {
    String field = step.path().weight();
    if (field == null) {
      return 1;
    }
    Object w = edge.field(field);
    if (w == null) {
      return 1;
    }
    if (!(w instanceof Number n) || n.doubleValue() < 0 || Double.isNaN(n.doubleValue())) {
      throw GraphException.bad(step.where() + ": edge " + edge.id + " has weight " + field + " = " + w
          + "; weights must be numbers of 0 or more");
    }
    return n.doubleValue();
  }

  private List<Node> path(Map<Long, Long> previous, long from, long to) {
    List<Node> nodes = new ArrayList<>();
    for (Long at = to; at != null; at = at == from ? null : previous.get(at)) {
      nodes.add(graph.nodes.get(at));
    }
    Collections.reverse(nodes);
    return nodes;
  }
}
