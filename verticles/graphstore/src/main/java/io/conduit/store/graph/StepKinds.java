package io.conduit.store.graph;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * What each step takes and gives, nodes or edges, checked over a whole query before it runs: an edge
 * step after edges ({@code outE().inE()}) or a set operation between nodes and edges is a 400 naming
 * the step and the kind it got, whether or not the graph holds anything it would reach.
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
   * @throws GraphException 400 naming the first step that gets a kind it does not take
   */
  static Kind check(List<Step> steps) {
    Kind current = null;
    Step previous = null;
    Map<String, Kind> named = new HashMap<>();
    for (Step step : steps) {
      current = switch (step.name()) {
        case "V", "v", "shortestPath" -> Kind.NODES;
        case "E", "e" -> Kind.EDGES;
        case "outV", "inV", "bothV" -> Kind.NODES; // from nodes to their neighbours, from edges to their ends
        case "outE", "inE", "bothE" -> {
          if (current == Kind.EDGES) {
            throw GraphException.bad(step.where() + ": " + step.name() + " takes nodes, but " + previous.where()
                + " gives edges; from edges, go to their nodes first with outV, inV or bothV");
          }
          if (step.number() > 1) {
            throw GraphException.bad(step.where() + ": repeated " + step.number() + " times it would start its second "
                + "round from the edges of the first; repeat outV/inV/bothV, or alternate " + step.name() + " with "
                + "outV/inV");
          }
          yield Kind.EDGES;
        }
        case "aka" -> {
          named.put(step.fields().get(0), current);
          yield current;
        }
        case "collect" -> {
          Kind kind = named.get(step.fields().get(0));
          if (kind == null) {
            throw GraphException.bad(step.where() + ": no earlier aka step named '" + step.fields().get(0) + "'");
          }
          yield kind;
        }
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
}
