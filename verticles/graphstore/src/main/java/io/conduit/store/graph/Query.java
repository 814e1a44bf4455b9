package io.conduit.store.graph;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * A parsed, validated query: a start step, then hops and shaping steps, optionally one result step
 * at the end. Step names come from a fixed allow-list; nothing is dispatched by reflection.
 */
record Query(List<Step> steps) {

  static final Set<String> STARTS = Set.of("V", "E", "v", "e", "shortestPath");
  static final Set<String> HOPS = Set.of("outV", "inV", "bothV", "outE", "inE", "bothE");
  static final Set<String> SHAPING = Set.of("limit", "skip", "dedup", "without", "orderBy", "random", "aka", "collect",
      "union", "intersection", "difference", "symmetricDifference");
  static final List<String> HOP_NAMES = List.of("outV", "inV", "bothV", "outE", "inE", "bothE");
  static final Set<String> RESULTS = Set.of("data", "ids", "count", "sum", "percent", "select", "groupCount");
  static final List<String> STEP_NAMES = List.of("V", "E", "v", "e", "shortestPath", "outV", "inV", "bothV", "outE",
      "inE", "bothE", "both", "limit", "skip", "dedup", "without", "orderBy", "random", "aka", "collect", "union",
      "intersection", "difference", "symmetricDifference", "data", "ids", "count", "sum", "percent", "select",
      "groupCount");
  private static final int MAX_STEPS = 100;
  private static final int MAX_REPEAT = 100;

  /** The final step when it shapes the result (data, ids, count...), else null: the reply lists entities. */
  Step result() {
    Step last = steps.get(steps.size() - 1);
    return RESULTS.contains(last.name()) ? last : null;
  }

  /**
   * Parses {@code [["V", {...}], ["outV"], ["count"]]}.
   *
   * @param nested true for the second query of a set operation (no result step allowed)
   * @param limits how large a filter's list or string may be
   * @throws GraphException 400 naming the step that is wrong; 413 naming a filter over {@code limits}
   */
  static Query parse(Object raw, boolean nested, FilterLimits limits) {
    if (!(raw instanceof JsonArray list) || list.isEmpty()) {
      throw GraphException.bad("'steps' must be a non-empty list of steps such as [[\"V\", {\"name\": \"Ann\"}], "
          + "[\"outV\"], [\"count\"]]");
    }
    if (list.size() > MAX_STEPS) {
      throw GraphException.bad("a query has at most " + MAX_STEPS + " steps, got " + list.size());
    }
    List<Step> steps = new ArrayList<>();
    for (int i = 0; i < list.size(); i++) {
      steps.add(parseStep(i + 1, list.getValue(i), i == list.size() - 1, nested, limits));
    }
    StepKinds.check(steps);
    return new Query(List.copyOf(steps));
  }

  private static Step parseStep(int index, Object raw, boolean last, boolean nested, FilterLimits limits) {
    if (!(raw instanceof JsonArray step) || step.isEmpty() || step.size() > 2 || !(step.getValue(0) instanceof String)) {
      throw GraphException.bad("step " + index + " must be a list [name] or [name, argument], got " + raw);
    }
    String name = step.getString(0);
    Object arg = step.size() == 2 ? step.getValue(1) : null;
    String where = "step " + index + " (" + name + ")";
    if (!STEP_NAMES.contains(name)) {
      throw GraphException.bad("step " + index + ": unknown step '" + name + "' (expected one of "
          + String.join(", ", STEP_NAMES) + ")");
    }
    if ((index == 1) != STARTS.contains(name)) {
      throw GraphException.bad(index == 1 ? where + ": a query starts with V, E, v, e or shortestPath"
          : where + ": " + name + " can only start a query");
    }
    if (RESULTS.contains(name) && (!last || nested)) {
      throw GraphException.bad(where + ": " + name + " gives the result, so it must be the last step"
          + (nested ? " of the outer query" : ""));
    }
    StepArguments a = new StepArguments(index, name, arg, where);
    return switch (name) {
      case "V", "E" -> a.withFilters(a.filtersOrNone(limits));
      case "v", "e" -> a.withIds(a.ids());
      case "without" -> a.without();
      case "shortestPath" -> a.withPath(a.path());
      case "outV", "inV", "bothV", "outE", "inE", "bothE", "both" -> arg instanceof Number
          ? a.withNumber(a.count(1, MAX_REPEAT)) : a.withFilters(a.filtersOrNone(limits));
      case "limit", "skip" -> a.withNumber(a.count(0, Long.MAX_VALUE));
      case "random" -> a.random(limits);
      case "dedup" -> a.dedup();
      case "select" -> a.select();
      case "groupCount" -> a.groupCount();
      case "ids", "count", "percent" -> a.none();
      case "orderBy" -> a.orderBy();
      case "aka", "collect" -> a.withFields(List.of(a.label()));
      case "sum" -> a.withFields(List.of(a.field()));
      case "data" -> a.withFields(a.fieldsOrAll());
      default -> a.withOther(parse(arg, true, limits)); // the set operations
    };
  }

  /** For shortestPath steps and the like: the object argument, validated. */
  static JsonObject object(Object arg, String where) {
    if (!(arg instanceof JsonObject o)) {
      throw GraphException.bad(where + ": the argument must be an object, got " + arg);
    }
    return o;
  }
}
