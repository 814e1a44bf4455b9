package io.conduit.store.graph;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Entity ids filed by the values of the index's fields (an entity missing a field is filed under
 * null for it; an index without fields files every entity it covers under one key). While
 * {@link #building} the index is kept up to date by writes but not used by queries, until its
 * backfill over the existing entities is done. A unique index counts the keys that hold more than one
 * entity, so its build can tell at the end whether the existing data allows it.
 */
final class Index {

  final IndexDefinition definition;
  final List<Filter> partial;
  private final Map<List<Object>, Set<Long>> entries = new HashMap<>();
  private long size;
  /** Keys (all fields present) filed under more than one entity: only while a unique index builds. */
  private long duplicateKeys;
  boolean building;

  Index(IndexDefinition definition) {
    this.definition = definition;
    // checked against the store's limits when the index was created, so not again on a restart
    this.partial = Filter.parse(definition.filters(), "index " + definition.name(), FilterLimits.NONE);
  }

  void add(Element e) {
    if (applies(e)) {
      List<Object> key = key(e);
      Set<Long> ids = entries.computeIfAbsent(key, k -> new HashSet<>());
      if (ids.add(e.id)) {
        size++;
        if (ids.size() == 2 && constrained(key)) {
          duplicateKeys++;
        }
      }
    }
  }

  void remove(Element e) {
    if (applies(e)) {
      List<Object> key = key(e);
      Set<Long> ids = entries.get(key);
      if (ids != null && ids.remove(e.id)) {
        size--;
        if (ids.size() == 1 && constrained(key)) {
          duplicateKeys--;
        }
        if (ids.isEmpty()) {
          entries.remove(key);
        }
      }
    }
  }

  Set<Long> get(List<Object> key) {
    return entries.getOrDefault(key, Set.of());
  }

  /** The entities filed: kept as they are added and removed, so the planner can compare indexes cheaply. */
  long size() {
    return size;
  }

  /**
   * For a unique index that is in use: the entity other than {@code e} that already has {@code e}'s
   * values in the index's fields, or null when there is none (or {@code e} is not constrained).
   */
  Long conflict(Element e) {
    if (!definition.unique() || building || !applies(e)) {
      return null;
    }
    List<Object> key = key(e);
    if (!constrained(key)) {
      return null;
    }
    for (long id : get(key)) {
      if (id != e.id) {
        return id;
      }
    }
    return null;
  }

  /** Whether the entities filed so far share a key (a unique index whose data does not allow it). */
  boolean hasDuplicates() {
    return duplicateKeys > 0;
  }

  /** One key that holds more than one entity, with them, for the refusal; null when none does. */
  Map.Entry<List<Object>, Set<Long>> aDuplicate() {
    for (Map.Entry<List<Object>, Set<Long>> entry : entries.entrySet()) {
      if (entry.getValue().size() > 1 && constrained(entry.getKey())) {
        return entry;
      }
    }
    return null;
  }

  /** The key's fields by name, for messages: {@code {"email": "ann@example.com"}}. */
  String describe(List<Object> key) {
    StringBuilder out = new StringBuilder("{");
    for (int i = 0; i < key.size(); i++) {
      out.append(i == 0 ? "" : ", ").append(definition.fields().get(i)).append(": ").append(shown(key.get(i)));
    }
    return out.append('}').toString();
  }

  String describeKeyOf(Element e) {
    return describe(key(e));
  }

  private static String shown(Object v) {
    if (v instanceof Double d && d == Math.rint(d) && !Double.isInfinite(d)) {
      return Long.toString(d.longValue()); // filed as a double; shown as the user wrote it
    }
    return v instanceof String s ? io.vertx.core.json.Json.encode(s) : String.valueOf(v);
  }

  private boolean applies(Element e) {
    return definition.covers(e) && Filter.all(partial, e);
  }

  /** A unique index constrains only entities that have every one of its fields. */
  private boolean constrained(List<Object> key) {
    return definition.unique() && !key.contains(null);
  }

  private List<Object> key(Element e) {
    List<Object> key = new ArrayList<>(definition.fields().size());
    for (String field : definition.fields()) {
      key.add(Lookup.indexKey(e.field(field)));
    }
    return key;
  }
}
