package io.conduit.store.graph;

import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * One {@code field__lookup: value} condition; {@code _id} stands for the entity's id. A key without
 * a lookup means {@code exact}.
 */
record Filter(String field, Lookup lookup, Object value) {

  static final String ID = "_id";
  private static final Pattern FIELD = Pattern.compile("[A-Za-z][A-Za-z0-9_]*");

  boolean test(Element e) {
    Object actual = ID.equals(field) ? (Object) e.id : e.field(field);
    return lookup.test(actual, value);
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
   * Parses a filter object; {@code where} names the step for the error, e.g. {@code step 1 (V)}.
   *
   * @throws GraphException 400 naming the step and the filter key that is wrong
   */
  static List<Filter> parse(JsonObject filters, String where) {
    List<Filter> parsed = new ArrayList<>();
    for (Map.Entry<String, Object> entry : filters) {
      parsed.add(parse(entry.getKey(), entry.getValue(), where));
    }
    return List.copyOf(parsed);
  }

  private static Filter parse(String key, Object value, String where) {
    int cut = key.lastIndexOf("__");
    String field = cut < 0 ? key : key.substring(0, cut);
    Lookup lookup = cut < 0 ? Lookup.EXACT : Lookup.of(key.substring(cut + 2));
    if (lookup == null) {
      throw GraphException.bad(where + ": filter '" + key + "' has an unknown lookup '" + key.substring(cut + 2)
          + "' (expected one of " + Lookup.NAMES + ")");
    }
    if (!ID.equals(field) && !FIELD.matcher(field).matches()) {
      throw GraphException.bad(where + ": filter '" + key + "': a field name starts with a letter and holds letters, "
          + "digits and single underscores (or is _id)");
    }
    String refusal = lookup.refuse(value);
    if (refusal != null) {
      throw GraphException.bad(where + ": filter '" + key + "': " + lookup.key() + " " + refusal + ", got "
          + (value == null ? "null" : value));
    }
    return new Filter(field, lookup, value);
  }
}
