package io.conduit.store.graph;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Entity ids filed by the values of the index's fields (an entity missing a field is filed under
 * null for it). While {@link #building} the index is kept up to date by writes but not used by
 * queries, until its backfill over the existing entities is done.
 */
final class Index {

  final IndexDefinition definition;
  final List<Filter> partial;
  private final Map<List<Object>, Set<Long>> entries = new HashMap<>();
  boolean building;

  Index(IndexDefinition definition) {
    this.definition = definition;
    // checked against the store's limits when the index was created, so not again on a restart
    this.partial = Filter.parse(definition.filters(), "index " + definition.name(), FilterLimits.NONE);
  }

  void add(Element e) {
    if (applies(e)) {
      entries.computeIfAbsent(key(e), k -> new HashSet<>()).add(e.id);
    }
  }

  void remove(Element e) {
    if (applies(e)) {
      List<Object> key = key(e);
      Set<Long> ids = entries.get(key);
      if (ids != null && ids.remove(e.id) && ids.isEmpty()) {
        entries.remove(key);
      }
    }
  }

  Set<Long> get(List<Object> key) {
    return entries.getOrDefault(key, Set.of());
  }

  long size() {
    long n = 0;
    for (Set<Long> ids : entries.values()) {
      n += ids.size();
    }
    return n;
  }

  private boolean applies(Element e) {
    return definition.covers(e) && Filter.all(partial, e);
  }

  private List<Object> key(Element e) {
    List<Object> key = new ArrayList<>(definition.fields().size());
    for (String field : definition.fields()) {
      key.add(Lookup.indexKey(e.field(field)));
    }
    return key;
  }
}
