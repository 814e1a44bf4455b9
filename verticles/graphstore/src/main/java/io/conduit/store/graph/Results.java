package io.conduit.store.graph;

import io.conduit.codec.ErrorCode;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.List;

/**
 * Turns the entities a query reached into its {@code result}: the entities themselves, or what its
 * last step asks for. Lists are bounded by the store's {@code maxResults}.
 */
final class Results {

  private Results() {
  }

  /** {@code budget} is the query's own: summing a long result is work it pays for too. */
  static Object of(Query query, List<Item> items, GraphData graph, int maxResults, Budget budget) {
    Step last = query.result();
    String name = last == null ? "entities" : last.name();
    switch (name) {
      case "count":
        return (long) items.size();
      case "sum":
        return sum(items, last, budget);
      case "percent":
        return percent(items, graph);
      default:
        break;
    }
    if (items.size() > maxResults) {
      throw new GraphException(ErrorCode.TOO_LARGE, "the query gives " + items.size() + " entities, more than the "
          + maxResults + " a reply may hold; add a limit step (and skip to page), or end with count");
    }
    JsonArray out = new JsonArray();
    for (Item i : items) {
      Element e = i.element();
      out.add(switch (name) {
        case "ids" -> (Object) e.id;
        case "data" -> project(e.data, last.fields());
        default -> e.toJson();
      });
    }
    return out;
  }

  private static JsonObject project(JsonObject data, List<String> fields) {
    if (fields.isEmpty()) {
      return data;
    }
    JsonObject out = new JsonObject();
    for (String f : fields) {
      if (data.containsKey(f)) {
        out.put(f, data.getValue(f));
      }
    }
    return out;
  }

  /** The total of the field's numbers (other values are skipped): a whole number when they all are. */
  private static Number sum(List<Item> items, Step step, Budget budget) {
    String field = step.fields().get(0);
    long whole = 0;
    double total = 0;
    boolean fractional = false;
    for (Item i : items) {
      budget.tick(step);
      if (i.element().field(field) instanceof Number n) {
        if (n instanceof Double || n instanceof Float || n instanceof java.math.BigDecimal) {
          fractional = true;
        }
        whole += n.longValue();
        total += n.doubleValue();
      }
    }
    return fractional ? (Number) total : (Number) whole;
  }

  /** What share of the graph's entities of their kind the result holds, in percent (0 for an empty result). */
  private static double percent(List<Item> items, GraphData graph) {
    if (items.isEmpty()) {
      return 0;
    }
    int all = items.get(0).element() instanceof Node ? graph.nodes.size() : graph.edges.size();
    return all == 0 ? 0 : 100.0 * items.size() / all;
  }
}
