package io.conduit.store.graph;

import io.conduit.codec.ErrorCode;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The graph's indexes, kept in step with every change, and the planner that picks one for a
 * {@code V}/{@code E} filter: an index applies when every one of its fields has an {@code exact} or
 * {@code in} filter and, for a partial index, the query's filters imply each of the index's own
 * ({@link FilterImplication}). The one with the most fields wins, then the smaller; every filter of
 * the query is still checked on its candidates, so an index only ever narrows where to look.
 */
final class Indexes {

  /** A query whose {@code in} filters expand to more keys than this scans instead. */
  private static final int MAX_KEYS = 1_000;

  private final Map<String, Index> byName = new LinkedHashMap<>();

  void added(Element e) {
    for (Index index : byName.values()) {
      index.add(e);
    }
  }

  void removed(Element e) {
    for (Index index : byName.values()) {
      index.remove(e);
    }
  }

  /** @throws GraphException 409 naming the unique index and the key {@code e} would share with another entity */
  void requireUnique(Element e) {
    for (Index index : byName.values()) {
      Long other = index.conflict(e);
      if (other != null) {
        throw new GraphException(ErrorCode.CONFLICT, "unique index " + index.definition.name() + ": " + e.kind() + " "
            + index.describeKeyOf(e) + " already exists (id " + other + "); nothing of this request was applied");
      }
    }
  }

  Index get(String name) {
    return byName.get(name);
  }

  /** Starts an index in the building state: writes keep it current; {@link IndexBuild} fills in the rest. */
  Index create(IndexDefinition definition) {
    Index index = new Index(definition);
    index.building = true;
    byName.put(definition.name(), index);
    return index;
  }

  /** Puts back an index a rolled-back operation had dropped, entries and all. */
  void restore(Index index) {
    byName.put(index.definition.name(), index);
  }

  Index drop(String name) {
    return byName.remove(name);
  }

  Index sameCoverage(IndexDefinition definition) {
    return byName.values().stream().filter(i -> i.definition.sameCoverage(definition)).findFirst().orElse(null);
  }

  JsonArray list() {
    JsonArray list = new JsonArray();
    for (Index index : byName.values()) {
      list.add(index.definition.toJson().put("size", index.size()).put("ready", !index.building));
    }
    return list;
  }

  /** The ids an index says may match, in id order, or null when no index applies. */
  long[] candidates(String kind, List<Filter> filters) {
    Index best = null;
    for (Index index : byName.values()) {
      if (!index.building && index.definition.on().equals(kind) && usable(index, filters)
          && (best == null || better(index, best))) {
        best = index;
      }
    }
    if (best == null) {
      return null;
    }
    List<List<Object>> keys = new ArrayList<>();
    keys.add(new ArrayList<>());
    for (String field : best.definition.fields()) {
      List<Object> values = valuesFor(field, filters);
      if ((long) keys.size() * values.size() > MAX_KEYS) {
        return null;
      }
      List<List<Object>> next = new ArrayList<>();
      for (List<Object> prefix : keys) {
        for (Object v : values) {
          List<Object> key = new ArrayList<>(prefix);
          key.add(Lookup.indexKey(v));
          next.add(key);
        }
      }
      keys = next;
    }
    int n = 0;
    for (List<Object> key : keys) {
      n += best.get(key).size();
    }
    long[] ids = new long[n];
    int i = 0;
    for (List<Object> key : keys) {
      for (long id : best.get(key)) {
        ids[i++] = id;
      }
    }
    Arrays.sort(ids);
    // an `in` list may name a value twice: keep each id once
    return ids.length < 2 ? ids : Arrays.stream(ids).distinct().toArray();
  }

  private static boolean usable(Index index, List<Filter> filters) {
    for (String field : index.definition.fields()) {
      if (valuesFor(field, filters) == null) {
        return false;
      }
    }
    for (Filter own : index.partial) {
      if (!FilterImplication.implied(own, filters)) {
        return false;
      }
    }
    return true;
  }

  private static boolean better(Index candidate, Index best) {
    int fields = Integer.compare(candidate.definition.fields().size(), best.definition.fields().size());
    return fields > 0 || (fields == 0 && candidate.size() < best.size());
  }

  /** The values an exact or in filter allows for the field, or null when none constrains it. */
  private static List<Object> valuesFor(String field, List<Filter> filters) {
    for (Filter f : filters) {
      if (!f.field().equals(field)) {
        continue;
      }
      if (f.lookup() == Lookup.EXACT && f.value() != null) {
        return List.of(f.value());
      }
      if (f.lookup() == Lookup.IN) {
        return ((JsonArray) f.value()).stream().filter(v -> v != null).toList();
      }
    }
    return null;
  }

  java.util.Collection<Index> all() {
    return byName.values();
  }
}
