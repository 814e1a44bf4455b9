package io.conduit.store.graph;

import io.conduit.codec.ErrorCode;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

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
      case "groupCount":
        return groupCount(items, last, maxResults, budget);
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
        case "select" -> row(i, last.fields());
        default -> e.toJson();
      });
    }
    return out;
  }

  /** The entities the names named on this item's way, in the names' order (null for one that named nothing). */
  private static JsonArray row(Item item, List<String> names) {
    JsonArray row = new JsonArray();
    for (String name : names) {
      Element e = Item.Marks.find(item.marks(), name);
      row.add(e == null ? null : e.toJson());
    }
    return row;
  }

  /**
   * Each entity reached with how often (or, with a field, the total of that field's numbers over its
   * arrivals; non-numbers count 0), as {@code [entity, n]} pairs, largest first (ties in the order
   * first reached); with {@code percent}, each total's share of the sum of all, from 0 to 1.
   */
  private static JsonArray groupCount(List<Item> items, Step step, int maxResults, Budget budget) {
    Step.GroupCount options = step.groupCount();
    Map<Element, double[]> totals = new LinkedHashMap<>();
    boolean fractional = options.percent();
    double sum = 0;
    for (Item i : items) {
      budget.tick(step);
      double value = 1;
      if (options.field() != null) {
        Element source = options.of() == null ? i.element() : Item.Marks.find(i.marks(), options.of());
        Object v = source == null ? null : source.field(options.field());
        value = v instanceof Number n ? n.doubleValue() : 0;
        fractional |= v instanceof Double || v instanceof Float || v instanceof java.math.BigDecimal;
      }
      totals.computeIfAbsent(i.element(), e -> new double[1])[0] += value;
      sum += value;
    }
    if (totals.size() > maxResults) {
      throw new GraphException(ErrorCode.TOO_LARGE, "groupCount gives " + totals.size() + " entities, more than the "
          + maxResults + " a reply may hold; add a limit step before it");
    }
    List<Map.Entry<Element, double[]>> ordered = new ArrayList<>(totals.entrySet());
    Comparator<Map.Entry<Element, double[]>> byTotal = Comparator.comparingDouble(e -> e.getValue()[0]);
    ordered.sort(options.ascending() ? byTotal : byTotal.reversed()); // a stable sort: ties stay first-reached first
    JsonArray out = new JsonArray();
    for (Map.Entry<Element, double[]> e : ordered) {
      double total = e.getValue()[0];
      Object shown = options.percent() ? (Object) (sum == 0 ? 0.0 : total / sum)
          : fractional ? (Object) total : (Object) (long) total;
      out.add(new JsonArray().add(e.getKey().toJson()).add(shown));
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
