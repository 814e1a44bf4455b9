package io.conduit.store.graph;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * An {@code in} filter's list, hashed once per query so that each entity costs one lookup instead
 * of a pass over the list. Membership is the filters' equality ({@link Lookup#same}): numbers by
 * value, so plain values are filed under {@link Lookup#indexKey} (1, 1L and 1.0 alike). Objects
 * and lists are kept aside and compared one by one, because their hash codes do not follow their
 * by-value number equality; a plain field never equals one of them, so only a field that is itself
 * an object or a list is compared with them.
 */
final class ValueSet {

  private final Set<Object> plain;
  private final List<Object> nested;

  private ValueSet(Set<Object> plain, List<Object> nested) {
    this.plain = plain;
    this.nested = nested;
  }

  static ValueSet of(JsonArray values) {
    Set<Object> plain = new HashSet<>();
    List<Object> nested = new ArrayList<>();
    for (Object v : values) {
      if (nested(v)) {
        nested.add(v);
      } else if (v != null) { // a missing field never matches `in`, so a null in the list matches nothing
        plain.add(Lookup.indexKey(v));
      }
    }
    return new ValueSet(plain, nested);
  }

  boolean contains(Object field) {
    if (!nested(field)) {
      return plain.contains(Lookup.indexKey(field));
    }
    for (Object v : nested) {
      if (Lookup.same(field, v)) {
        return true;
      }
    }
    return false;
  }

  /** How many list values {@link #contains} compares the field with one by one. */
  int comparisons(Object field) {
    return nested(field) ? nested.size() : 0;
  }

  private static boolean nested(Object v) {
    return v instanceof JsonObject || v instanceof JsonArray;
  }
}
