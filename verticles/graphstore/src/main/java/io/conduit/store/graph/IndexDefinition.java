package io.conduit.store.graph;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.TreeMap;
import java.util.HashSet;
import java.util.List;

/**
 * What an index covers: nodes or edges, the fields whose values it files entities under, and, for a
 * partial index, the filters an entity must match to be in it. A partial index may have no fields:
 * then it is the set of entities that match its filters (GrapheekDB's {@code add_node_index(foo=1)}).
 * A unique index refuses a second entity with the same values in its fields (entities missing one of
 * them are not constrained, as SQL treats nulls).
 */
record IndexDefinition(String name, String on, List<String> fields, JsonObject filters, boolean unique) {

  /**
   * Parses a {@code createIndex} request (or, with {@link FilterLimits#NONE}, a stored definition).
   *
   * @throws GraphException 400 naming what is wrong; 413 naming a partial-index filter over {@code limits}
   */
  static IndexDefinition parse(JsonObject request, FilterLimits limits) {
    Object on = request.getValue("on");
    if (!"node".equals(on) && !"edge".equals(on)) {
      throw GraphException.bad("createIndex: 'on' must be \"node\" or \"edge\", got " + on);
    }
    Object rawFields = request.getValue("fields", new JsonArray());
    if (!(rawFields instanceof JsonArray list)) {
      throw GraphException.bad("createIndex: 'fields' must be a list of field names, got " + rawFields);
    }
    List<String> fields = new ArrayList<>();
    for (Object f : list) {
      if (!FieldNames.valid(f) || fields.contains(f)) {
        throw GraphException.bad("createIndex: field " + f + " is not a field name (" + FieldNames.RULE
            + "; each once)");
      }
      fields.add((String) f);
    }
    Object filters = request.getValue("filters", new JsonObject());
    if (!(filters instanceof JsonObject partial)) {
      throw GraphException.bad("createIndex: 'filters' must be an object of field__lookup filters");
    }
    Filter.parse(partial, "createIndex filters", limits);
    if (fields.isEmpty() && partial.isEmpty()) {
      throw GraphException.bad("createIndex: give 'fields' (entities filed by those fields' values), 'filters' (the "
          + "entities that match them, a partial index) or both");
    }
    Object unique = request.getValue("unique", false);
    if (!(unique instanceof Boolean u)) {
      throw GraphException.bad("createIndex: 'unique' must be true or false, got " + unique);
    }
    if (u && fields.isEmpty()) {
      throw GraphException.bad("createIndex: a unique index needs 'fields': the values no two entities may share");
    }
    Object name = request.getValue("name");
    if (name != null && !(name instanceof String s && s.matches("[A-Za-z0-9_.:-]{1,100}"))) {
      throw GraphException.bad("createIndex: 'name' must be 1-100 letters, digits or _.:- characters, got " + name);
    }
    String chosen = name != null ? (String) name : on + (fields.isEmpty() ? "" : "_" + String.join("_", fields))
        + (partial.isEmpty() ? "" : "_where_" + digest(partial));
    return new IndexDefinition(chosen, (String) on, List.copyOf(fields), partial.copy(), u);
  }

  /**
   * A short name for a set of filters (8 hex digits of SHA-256) that does not depend on their order or
   * on how a number was written (1 and 1.0 filter alike).
   */
  private static String digest(JsonObject filters) {
    TreeMap<String, Object> sorted = new TreeMap<>();
    filters.forEach(e -> sorted.put(e.getKey(), canonical(e.getValue())));
    try {
      byte[] hash = MessageDigest.getInstance("SHA-256").digest(new JsonObject(sorted).encode()
          .getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(hash, 0, 4);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java runtime has SHA-256", e);
    }
  }

  private static Object canonical(Object value) {
    if (value instanceof Number n) {
      double d = n.doubleValue();
      return d == Math.rint(d) && Math.abs(d) < 0x1p53 ? (Object) (long) d : (Object) d;
    }
    if (value instanceof JsonArray list) {
      JsonArray out = new JsonArray();
      list.forEach(v -> out.add(canonical(v)));
      return out;
    }
    return value;
  }

  boolean covers(Element e) {
    return e.kind().equals(on);
  }

  boolean sameCoverage(IndexDefinition other) {
    return on.equals(other.on) && new HashSet<>(fields).equals(new HashSet<>(other.fields)) && filters.equals(other.filters);
  }

  JsonObject toJson() {
    return new JsonObject().put("name", name).put("on", on).put("fields", new JsonArray(new ArrayList<>(fields)))
        .put("filters", filters.copy()).put("unique", unique);
  }
}
