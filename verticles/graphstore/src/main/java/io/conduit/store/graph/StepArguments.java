package io.conduit.store.graph;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/** Reads one step's argument into the fields of a {@link Step}, failing with a sentence naming the step. */
record StepArguments(int index, String name, Object arg, String where) {

  Step none() {
    if (arg != null) {
      throw GraphException.bad(where + ": takes no argument, got " + arg);
    }
    return step(List.of(), 0, null, List.of(), false, null, null, null);
  }

  Step withFilters(List<Filter> filters) {
    return step(filters, 0, null, List.of(), false, null, null, null);
  }

  Step withNumber(long n) {
    return step(List.of(), n, null, List.of(), false, null, null, null);
  }

  Step withIds(long[] ids) {
    return step(List.of(), 0, ids, List.of(), false, null, null, null);
  }

  Step withFields(List<String> fields) {
    return step(List.of(), 0, null, fields, false, null, null, null);
  }

  Step withOther(Query other) {
    return step(List.of(), 0, null, List.of(), false, other, null, null);
  }

  Step withPath(Step.PathRequest path) {
    return step(List.of(), 0, null, List.of(), false, null, path, null);
  }

  private Step step(List<Filter> filters, long number, long[] ids, List<String> fields, boolean desc, Query other,
                    Step.PathRequest path, Step.GroupCount groupCount) {
    return new Step(index, name, filters, number, ids, fields, desc, other, path, groupCount);
  }

  /** dedup: no argument (each entity once), or aka names (each entity once per combination of theirs). */
  Step dedup() {
    return withFields(arg == null ? List.of() : names(false));
  }

  /** without: ids, aka names (drop the entity each named on its way), or a list of both. */
  Step without() {
    List<Object> raw = arg instanceof JsonArray a ? a.getList() : arg == null ? List.of() : List.of(arg);
    List<Long> ids = new ArrayList<>();
    List<String> names = new ArrayList<>();
    for (Object o : raw) {
      if (o instanceof String s && !s.isEmpty()) {
        names.add(s);
      } else {
        ids.add(id(o, where + ": id"));
      }
    }
    return step(List.of(), 0, ids.stream().mapToLong(Long::longValue).toArray(), List.copyOf(names), false, null,
        null, null);
  }

  /** select: the aka names whose entities make each row. */
  Step select() {
    return withFields(names(true));
  }

  /** One name or a list of names (strings), at least one when {@code required}. */
  private List<String> names(boolean required) {
    List<Object> raw = arg instanceof JsonArray a ? a.getList() : List.of(arg);
    if (raw.isEmpty() || raw.stream().anyMatch(o -> !(o instanceof String s) || s.isEmpty())) {
      throw GraphException.bad(where + ": takes an aka name or a list of them" + (required ? "" : ", or nothing")
          + ", got " + arg);
    }
    return raw.stream().map(String.class::cast).toList();
  }

  /** random: a count (n entities picked at random), or {"hop": "outV", "filters"?: {...}} (one neighbour each). */
  Step random(FilterLimits limits) {
    if (arg instanceof Number) {
      return withNumber(count(0, Integer.MAX_VALUE));
    }
    if (!(arg instanceof JsonObject o) || !Set.of("hop", "filters").containsAll(o.fieldNames())
        || !Query.HOPS.contains(o.getValue("hop"))) {
      throw GraphException.bad(where + ": takes a count, or {\"hop\": one of " + String.join(", ", Query.HOP_NAMES)
          + ", \"filters\"?: {...}} to go to one neighbour at random, got " + arg);
    }
    List<Filter> filters = new StepArguments(index, name, o.getValue("filters"), where).filtersOrNone(limits);
    return step(filters, 0, null, List.of(o.getString("hop")), false, null, null, null);
  }

  /** groupCount: {@code {"field"?, "of"?, "percent"?, "asc"?}}, or nothing. */
  Step groupCount() {
    JsonObject o = arg == null ? new JsonObject() : Query.object(arg, where);
    for (String key : o.fieldNames()) {
      if (!Set.of("field", "of", "percent", "asc").contains(key)) {
        throw GraphException.bad(where + ": unknown option '" + key + "' (expected field, of, percent, asc)");
      }
    }
    String field = o.getValue("field") == null ? null : new StepArguments(index, name, o.getValue("field"), where).field();
    Object of = o.getValue("of");
    if (of != null && !(of instanceof String s && !s.isEmpty())) {
      throw GraphException.bad(where + ": 'of' must be an aka name, got " + of);
    }
    if (of != null && field == null) {
      throw GraphException.bad(where + ": 'of' names whose 'field' to add up; give 'field' too");
    }
    Object percent = o.getValue("percent", false);
    Object asc = o.getValue("asc", false);
    if (!(percent instanceof Boolean p) || !(asc instanceof Boolean a)) {
      throw GraphException.bad(where + ": 'percent' and 'asc' are true or false");
    }
    return step(List.of(), 0, null, List.of(), false, null, null, new Step.GroupCount(field, (String) of, p, a));
  }

  List<Filter> filtersOrNone(FilterLimits limits) {
    if (arg == null) {
      return List.of();
    }
    if (!(arg instanceof JsonObject filters)) {
      throw GraphException.bad(where + ": the argument must be an object of field__lookup filters, got " + arg);
    }
    return Filter.parse(filters, where, limits);
  }

  long count(long min, long max) {
    if (!(arg instanceof Number n) || n.doubleValue() != n.longValue() || n.longValue() < min || n.longValue() > max) {
      throw GraphException.bad(where + ": takes a whole number from " + min + " to " + max + ", got " + arg);
    }
    return n.longValue();
  }

  long[] ids() {
    List<Object> raw = arg instanceof JsonArray a ? a.getList() : arg == null ? List.of() : List.of(arg);
    if (raw.isEmpty() && !"without".equals(name)) {
      throw GraphException.bad(where + ": takes an id or a list of ids");
    }
    long[] ids = new long[raw.size()];
    for (int i = 0; i < ids.length; i++) {
      ids[i] = id(raw.get(i), where + ": id");
    }
    return ids;
  }

  static long id(Object raw, String what) {
    if (!(raw instanceof Number n) || n.doubleValue() != n.longValue() || n.longValue() < 1) {
      throw GraphException.bad(what + " must be a positive whole number, got " + raw);
    }
    return n.longValue();
  }

  String label() {
    if (!(arg instanceof String s) || s.isEmpty()) {
      throw GraphException.bad(where + ": takes a name (a string), got " + arg);
    }
    return s;
  }

  String field() {
    if (!FieldNames.valid(arg)) {
      throw GraphException.bad(where + ": takes a field name (" + FieldNames.RULE + "), got " + arg);
    }
    return (String) arg;
  }

  List<String> fieldsOrAll() {
    if (arg == null) {
      return List.of();
    }
    List<Object> raw = arg instanceof JsonArray a ? a.getList() : List.of(arg);
    List<String> fields = new ArrayList<>();
    for (Object f : raw) {
      fields.add(new StepArguments(index, name, f, where).field());
    }
    return List.copyOf(fields);
  }

  /** {@code "age"}, {@code "-age"} (descending) or {@code {"field": "age", "desc": true}}. */
  Step orderBy() {
    String field;
    boolean desc;
    if (arg instanceof String s) {
      desc = s.startsWith("-");
      boolean signed = desc || s.startsWith("+"); // "+age": ascending, as GrapheekDB wrote it
      field = new StepArguments(index, name, signed ? s.substring(1) : s, where).field();
    } else if (arg instanceof JsonObject o && Set.of("field", "desc").containsAll(o.fieldNames())) {
      field = new StepArguments(index, name, o.getValue("field"), where).field();
      if (!(o.getValue("desc", false) instanceof Boolean d)) {
        throw GraphException.bad(where + ": 'desc' must be true or false");
      }
      desc = d;
    } else {
      throw GraphException.bad(where + ": takes a field name (\"-age\" for descending) or {\"field\": \"age\", "
          + "\"desc\": true}, got " + arg);
    }
    return step(List.of(), 0, null, List.of(field), desc, null, null, null);
  }

  Step.PathRequest path() {
    JsonObject o = Query.object(arg, where);
    for (String key : o.fieldNames()) {
      if (!Set.of("from", "to", "weight", "direction").contains(key)) {
        throw GraphException.bad(where + ": unknown option '" + key + "' (expected from, to, weight, direction)");
      }
    }
    long from = id(o.getValue("from"), where + ": 'from'");
    long to = id(o.getValue("to"), where + ": 'to'");
    Object weight = o.getValue("weight");
    if (weight != null) {
      new StepArguments(index, name, weight, where).field();
    }
    Object direction = o.getValue("direction", "out");
    if (!"out".equals(direction) && !"both".equals(direction)) {
      throw GraphException.bad(where + ": 'direction' is \"out\" (follow edges from→to) or \"both\", got " + direction);
    }
    return new Step.PathRequest(from, to, (String) weight, "both".equals(direction));
  }
}
