package io.conduit.store.graph;

import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * One {@code field__lookup: value} condition; {@code _id} stands for the entity's id. A key without
 * a lookup means {@code exact}.
 *
 * @param value   the value as given (what index planning compares)
 * @param operand the value as the lookup tests it, prepared once when the filter is parsed
 */
record Filter(String field, Lookup lookup, Object value, Object operand) {

  static final String ID = "_id";

  boolean test(Element e) {
    return lookup.test(actual(e), operand);
  }

  private Object actual(Element e) {
    return ID.equals(field) ? (Object) e.id : e.field(field);
  }

  static boolean all(List<Filter> filters, Element e) {
    for (Filter f : filters) {
      if (!f.test(e)) {
        return false;
      }
    }
    return true;
  }

  /**
   * Like {@link #all(List, Element)} for a query: charges the visit, and each comparison by its
   * {@link Lookup#cost} before making it, so an expensive one is not started past the time limit.
   */
  static boolean all(List<Filter> filters, Element e, Budget budget, Step step) {
    budget.tick(step);
    for (Filter f : filters) {
      Object actual = f.actual(e);
      budget.charge(step, f.lookup.cost(actual, f.operand));
      if (!f.lookup.test(actual, f.operand)) {
        return false;
      }
    }
    return true;
  }

  /**
   * Parses a filter object; {@code where} names the step for the error, e.g. {@code step 1 (V)}.
   *
   * @throws GraphException 400 naming the step and the filter key that is wrong; 413 naming the filter
   *                        when its list or string is over {@code limits}
   */
  static List<Filter> parse(JsonObject filters, String where, FilterLimits limits) {
    List<Filter> parsed = new ArrayList<>();
    for (Map.Entry<String, Object> entry : filters) {
      parsed.add(parse(entry.getKey(), entry.getValue(), where, limits));
    }
    return List.copyOf(parsed);
  }

  private static Filter parse(String key, Object value, String where, FilterLimits limits) {
    int cut = key.lastIndexOf("__");
    String field = cut < 0 ? key : key.substring(0, cut);
    Lookup lookup = cut < 0 ? Lookup.EXACT : Lookup.of(key.substring(cut + 2));
    if (lookup == null) {
      throw GraphException.bad(where + ": filter '" + key + "' has an unknown lookup '" + key.substring(cut + 2)
          + "' (expected one of " + Lookup.NAMES + ")");
    }
    if (!ID.equals(field) && field.contains("__")) {
      String inner = field.substring(field.lastIndexOf("__") + 2);
      throw GraphException.bad(where + ": filter '" + key + "': '" + inner + "' is not a lookup, and a filter cannot "
          + "reach inside a field's value (no sub-field lookups); write field or field__lookup, with lookup one of "
          + Lookup.NAMES);
    }
    if (!ID.equals(field) && !FieldNames.valid(field)) {
      throw GraphException.bad(where + ": filter '" + key + "': " + FieldNames.RULE + " (or is _id)");
    }
    String refusal = lookup.refuse(value);
    if (refusal != null) {
      throw GraphException.bad(where + ": filter '" + key + "': " + lookup.key() + " " + refusal + ", got "
          + (value == null ? "null" : value));
    }
    limits.check(key, lookup, value, where);
    return new Filter(field, lookup, value, lookup.prepare(value));
  }
}
