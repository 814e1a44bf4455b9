package io.conduit.store.graph;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Evaluates a query's steps, up to its result step, into the list of entities they reach. Hops keep
 * duplicates (two paths to a node give it twice) until a {@code dedup}. For an edge from A to B the
 * edge's {@code outV} is B and its {@code inV} is A, so {@code outE().outV()} reaches what
 * {@code outV()} does. Every step pays its query's {@link Budget} for the work it does: the clock
 * is read as each step starts and after each batch of entities visited, compared or passed on.
 */
final class Traversal {

  private final GraphData graph;
  private final Budget budget;

  Traversal(GraphData graph, Budget budget) {
    this.graph = graph;
    this.budget = budget;
  }

  List<Item> run(Query query) {
    List<Item> current = List.of();
    List<Step> steps = query.steps();
    for (int i = 0; i < steps.size(); i++) {
      Step step = steps.get(i);
      if (Query.RESULTS.contains(step.name())) {
        break;
      }
      budget.check(step);
      // V/E followed by limit stop scanning once they have enough (remove [["V"], ["limit", 1]] is O(1))
      long cap = i + 1 < steps.size() && "limit".equals(steps.get(i + 1).name()) ? steps.get(i + 1).number()
          : Long.MAX_VALUE;
      current = "V".equals(step.name()) || "E".equals(step.name()) ? scan(step, step.name().equals("V") ? "node" : "edge", cap)
          : apply(step, current);
    }
    return current;
  }

  private List<Item> apply(Step step, List<Item> in) {
    return switch (step.name()) {
      case "v", "e" -> byIds(step);
      case "shortestPath" -> new ShortestPath(graph, budget, step).find().stream().map(n -> new Item(n, null)).toList();
      case "outV", "inV", "bothV", "outE", "inE", "bothE", "both" -> hops(step, in);
      case "limit" -> in.subList(0, (int) Math.min(in.size(), step.number()));
      case "skip" -> in.subList((int) Math.min(in.size(), step.number()), in.size());
      case "dedup" -> dedup(step, in);
      case "without" -> without(step, in);
      case "orderBy" -> orderBy(step, in);
      case "random" -> random(step, in);
      case "aka" -> aka(step, in);
      case "collect" -> collect(step, in);
      default -> combine(step, in);
    };
  }

  private List<Item> scan(Step step, String kind, long cap) {
    List<Item> out = new ArrayList<>();
    long[] candidates = graph.indexes.candidates(kind, step.filters());
    if (candidates != null) {
      for (long id : candidates) {
        if (out.size() >= cap) {
          break;
        }
        Element e = graph.element(id);
        if (e != null && Filter.all(step.filters(), e, budget, step)) {
          out.add(new Item(e, null));
        }
      }
      return out;
    }
    for (Element e : "node".equals(kind) ? graph.nodes.values() : graph.edges.values()) {
      if (out.size() >= cap) {
        break;
      }
      if (Filter.all(step.filters(), e, budget, step)) {
        out.add(new Item(e, null));
      }
    }
    return out;
  }

  private List<Item> byIds(Step step) {
    boolean nodes = "v".equals(step.name());
    List<Item> out = new ArrayList<>(step.ids().length);
    for (long id : step.ids()) {
      Element e = nodes ? graph.nodes.get(id) : graph.edges.get(id);
      if (e == null) {
        throw GraphException.missing(step.where() + ": no " + (nodes ? "node" : "edge") + " with id " + id);
      }
      out.add(new Item(e, null));
    }
    return out;
  }

  private List<Item> hops(Step step, List<Item> in) {
    List<Item> current = in;
    for (long round = 0; round < Math.max(1, step.number()); round++) {
      List<Item> next = new ArrayList<>();
      for (Item item : current) {
        budget.tick(step);
        hop(step, item, next);
      }
      current = next;
    }
    return current;
  }

  private void hop(Step step, Item item, List<Item> out) {
    String name = step.name();
    if (item.element() instanceof Edge edge) {
      switch (name) {
        case "outV" -> add(step, item, graph.nodes.get(edge.to), out);
        case "inV" -> add(step, item, graph.nodes.get(edge.from), out);
        case "bothV" -> {
          add(step, item, graph.nodes.get(edge.from), out);
          add(step, item, graph.nodes.get(edge.to), out);
        }
        default -> throw new IllegalStateException(step.where() + ": the parser lets " + name + " follow nodes only");
      }
      return;
    }
    Node node = (Node) item.element();
    if ("both".equals(name)) {
      neighbours(step, item, node, out);
      return;
    }
    boolean toNodes = name.endsWith("V");
    LongList outs = node.out;
    LongList ins = node.in;
    int outCount = name.startsWith("in") ? 0 : outs.size();
    int inCount = name.startsWith("out") ? 0 : ins.size();
    // both ways: the two (ascending) lists merged in edge-id order, creation order, as GrapheekDB gave them
    int o = 0;
    int i = 0;
    while (o < outCount || i < inCount) {
      boolean outNext = i == inCount || (o < outCount && outs.get(o) < ins.get(i));
      Edge edge = graph.edges.get(outNext ? outs.get(o++) : ins.get(i++));
      add(step, item, !toNodes ? edge : graph.nodes.get(outNext ? edge.to : edge.from), out);
    }
  }

  /**
   * GrapheekDB's {@code both_}: the nodes at the other end of the node's edges that match the filters,
   * over its out-edges, then its in-edges; a loop back to the node itself is not a neighbour.
   */
  private void neighbours(Step step, Item item, Node node, List<Item> out) {
    for (int i = 0; i < node.out.size(); i++) {
      Edge edge = graph.edges.get(node.out.get(i));
      if (edge.to != node.id && Filter.all(step.filters(), edge, budget, step)) {
        out.add(item.to(graph.nodes.get(edge.to)));
      }
    }
    for (int i = 0; i < node.in.size(); i++) {
      Edge edge = graph.edges.get(node.in.get(i));
      if (edge.from != node.id && Filter.all(step.filters(), edge, budget, step)) {
        out.add(item.to(graph.nodes.get(edge.from)));
      }
    }
  }

  private void add(Step step, Item from, Element reached, List<Item> out) {
    if (Filter.all(step.filters(), reached, budget, step)) {
      out.add(from.to(reached));
    }
  }

  /** Each entity once; with aka names, once per combination of the entities they named on its way. */
  private List<Item> dedup(Step step, List<Item> in) {
    if (!step.fields().isEmpty()) {
      Set<List<Element>> seen = new HashSet<>();
      List<Item> out = new ArrayList<>();
      for (Item i : in) {
        budget.tick(step);
        List<Element> key = new ArrayList<>(step.fields().size() + 1);
        for (String name : step.fields()) {
          key.add(Item.Marks.find(i.marks(), name));
        }
        key.add(i.element());
        if (seen.add(key)) {
          out.add(i);
        }
      }
      return out;
    }
    Set<Element> seen = Collections.newSetFromMap(new java.util.IdentityHashMap<>());
    List<Item> out = new ArrayList<>();
    for (Item i : in) {
      budget.tick(step);
      if (seen.add(i.element())) {
        out.add(i);
      }
    }
    return out;
  }

  /** Drops the listed ids, and each entity that one of the aka names named on its own way. */
  private List<Item> without(Step step, List<Item> in) {
    Set<Long> excluded = new HashSet<>();
    for (long id : step.ids()) {
      excluded.add(id);
    }
    List<Item> out = new ArrayList<>();
    for (Item i : in) {
      budget.tick(step);
      if (!excluded.contains(i.element().id) && !namedOnItsWay(step.fields(), i)) {
        out.add(i);
      }
    }
    return out;
  }

  private static boolean namedOnItsWay(List<String> names, Item item) {
    for (String name : names) {
      if (Item.Marks.find(item.marks(), name) == item.element()) {
        return true;
      }
    }
    return false;
  }

  private List<Item> aka(Step step, List<Item> in) {
    String name = step.fields().get(0);
    List<Item> out = new ArrayList<>(in.size());
    for (Item i : in) {
      budget.tick(step);
      out.add(new Item(i.element(), new Item.Marks(name, i.element(), i.marks())));
    }
    return out;
  }

  /** Numbers before strings before other values; entities without the field last, in either direction. */
  private List<Item> orderBy(Step step, List<Item> in) {
    String field = step.fields().get(0);
    Comparator<Object> values = (a, b) -> {
      int ra = rank(a);
      int rb = rank(b);
      if (ra != rb) {
        return Integer.compare(ra, rb);
      }
      if (a instanceof Number x) {
        return Double.compare(x.doubleValue(), ((Number) b).doubleValue());
      }
      return a instanceof String x ? x.compareTo((String) b) : 0;
    };
    Comparator<Object> directed = step.descending() ? values.reversed() : values;
    Comparator<Item> byField = Comparator.comparing((Item i) -> i.element().field(field),
        Comparator.nullsLast(directed));
    List<Item> out = new ArrayList<>(in);
    // each comparison is charged, so a long sort stops at the time limit too
    out.sort((a, b) -> {
      budget.tick(step);
      return byField.compare(a, b);
    });
    return out;
  }

  private static int rank(Object v) {
    return v instanceof Number ? 0 : v instanceof String ? 1 : 2;
  }

  /** n entities picked at random, or (with a hop) one neighbour of each picked at random. */
  private List<Item> random(Step step, List<Item> in) {
    return step.fields().isEmpty() ? pick(step, in) : randomNeighbours(step, in);
  }

  /** For each entity, one of the entities its hop reaches (filtered), at random; none when it reaches none. */
  private List<Item> randomNeighbours(Step step, List<Item> in) {
    Step hop = new Step(step.index(), step.fields().get(0), step.filters(), 0, null, List.of(), false, null, null, null);
    ThreadLocalRandom random = ThreadLocalRandom.current();
    List<Item> out = new ArrayList<>();
    List<Item> reached = new ArrayList<>();
    for (Item item : in) {
      budget.tick(step);
      reached.clear();
      hop(hop, item, reached);
      if (!reached.isEmpty()) {
        out.add(reached.get(random.nextInt(reached.size())));
      }
    }
    return out;
  }

  /** n entities picked at random: a shuffle of the first n places only, so it costs n picks. */
  private List<Item> pick(Step step, List<Item> in) {
    List<Item> out = new ArrayList<>(in);
    int n = (int) Math.min(out.size(), step.number());
    ThreadLocalRandom random = ThreadLocalRandom.current();
    for (int i = 0; i < n; i++) {
      budget.tick(step);
      Collections.swap(out, i, i + random.nextInt(out.size() - i));
    }
    return out.subList(0, n);
  }

  /** Back to the entities an earlier aka named (the parser checked there is one). */
  private List<Item> collect(Step step, List<Item> in) {
    String name = step.fields().get(0);
    Set<Element> seen = Collections.newSetFromMap(new java.util.IdentityHashMap<>());
    List<Item> out = new ArrayList<>();
    for (Item i : in) {
      budget.tick(step);
      Element marked = Item.Marks.find(i.marks(), name);
      if (marked != null && seen.add(marked)) {
        out.add(new Item(marked, i.marks()));
      }
    }
    return out;
  }

  /** union, intersection, difference, symmetricDifference: each entity once, this query's order first. */
  private List<Item> combine(Step step, List<Item> in) {
    List<Item> mine = dedup(step, in);
    List<Item> theirs = dedup(step, new Traversal(graph, budget).run(step.other()));
    Set<Element> inMine = identities(mine);
    Set<Element> inTheirs = identities(theirs);
    List<Item> out = new ArrayList<>();
    String op = step.name();
    for (Item i : mine) {
      budget.tick(step);
      // union keeps all of mine, intersection the shared ones, the differences the others
      if ("union".equals(op) || "intersection".equals(op) == inTheirs.contains(i.element())) {
        out.add(i);
      }
    }
    if ("union".equals(op) || "symmetricDifference".equals(op)) {
      for (Item i : theirs) {
        budget.tick(step);
        if (!inMine.contains(i.element())) {
          out.add(i);
        }
      }
    }
    return out;
  }

  private static Set<Element> identities(List<Item> items) {
    Set<Element> set = Collections.newSetFromMap(new java.util.IdentityHashMap<>());
    items.forEach(i -> set.add(i.element()));
    return set;
  }
}
