package io.conduit.store.graph;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * What each step takes and gives, nodes or edges, checked over a whole query before it runs: an edge
 * step after edges ({@code outE().inE()}) or a set operation between nodes and edges is a 400 naming
 * the step and the kind it got, whether or not the graph holds anything it would reach. The aka names
 * other steps refer to are checked here too.
 */
final class StepKinds {

  enum Kind {
    NODES, EDGES;

    String word() {
      return this == NODES ? "nodes" : "edges";
    }
  }

  private StepKinds() {
  }

  /**
   * The kind of entities the query's steps end with (before a result step).
   *
   * @throws GraphException 400 naming the first step that gets a kind it does not take, or an aka name
   *                        no earlier step gave
   */
  static Kind check(List<Step> steps) {
    Kind current = null;
    Step previous = null;
    Map<String, Kind> named = new HashMap<>();
    for (Step step : steps) {
      requireNamed(step, named);
      current = switch (step.name()) {
        case "V", "v", "shortestPath" -> Kind.NODES;
        case "E", "e" -> Kind.EDGES;
        case "outV", "inV", "bothV", "outE", "inE", "bothE" -> hop(step, step.name(), previous, current);
        case "both" -> {
          if (current == Kind.EDGES) {
            throw GraphException.bad(step.where() + ": both takes nodes (it follows their edges to the other end), but "
                + previous.where() + " gives edges");
          }
          yield Kind.NODES;
        }
        case "random" -> step.fields().isEmpty() ? current : hop(step, step.fields().get(0), previous, current);
        case "aka" -> {
          named.put(step.fields().get(0), current);
          yield current;
        }
        case "collect" -> named.get(step.fields().get(0));
        case "union", "intersection", "difference", "symmetricDifference" -> {
          Kind other = check(step.other().steps());
          if (other != current) {
            throw GraphException.bad(step.where() + ": combines " + current.word() + " with " + other.word()
                + "; a set operation takes two queries of the same kind");
          }
          yield current;
        }
        default -> current; // shaping and result steps keep what they get
      };
      previous = step;
    }
    return current;
  }

  /** What a hop gives, after checking that it may start from {@code current}. */
  private static Kind hop(Step step, String hop, Step previous, Kind current) {
    if (hop.endsWith("V")) {
      return Kind.NODES; // from nodes to their neighbours, from edges to their ends
    }
    if (current == Kind.EDGES) {
      throw GraphException.bad(step.where() + ": " + hop + " takes nodes, but " + previous.where()
          + " gives edges; from edges, go to their nodes first with outV, inV or bothV");
    }
    if (step.number() > 1) {
      throw GraphException.bad(step.where() + ": repeated " + step.number() + " times it would start its second "
          + "round from the edges of the first; repeat outV/inV/bothV, or alternate " + hop + " with outV/inV");
    }
    return Kind.EDGES;
  }

  /** The aka names a step refers to must have been given by an earlier step. */
  private static void requireNamed(Step step, Map<String, Kind> named) {
    List<String> names = switch (step.name()) {
      case "collect", "dedup", "without", "select" -> step.fields();
      case "groupCount" -> step.groupCount().of() == null ? List.of() : List.of(step.groupCount().of());
      default -> List.of();
    };
    for (String name : names) {
      if (!named.containsKey(name)) {
        throw GraphException.bad(step.where() + ": no earlier aka step named '" + name + "'"
            + (named.isEmpty() ? "" : " (named so far: " + String.join(", ", new java.util.TreeSet<>(named.keySet())) + ")"));
      }
    }
  }
}
