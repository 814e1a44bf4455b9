package io.conduit.store.graph;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;

/**
 * What an index covers: nodes or edges, the fields whose values it files entities under, and, for a
 * partial index, the filters an entity must match to be in it.
 */
record IndexDefinition(String name, String on, List<String> fields, JsonObject filters) {

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
    if (!(request.getValue("fields") instanceof JsonArray list) || list.isEmpty()) {
      throw GraphException.bad("createIndex: 'fields' must be a non-empty list of field names");
    }
    List<String> fields = new ArrayList<>();
    for (Object f : list) {
      if (!(f instanceof String s) || !s.matches("[A-Za-z][A-Za-z0-9_]*") || fields.contains(s)) {
        throw GraphException.bad("createIndex: field " + f + " is not a field name (a letter, then letters, digits, "
            + "underscores; each once)");
      }
      fields.add(s);
    }
    Object filters = request.getValue("filters", new JsonObject());
    if (!(filters instanceof JsonObject partial)) {
      throw GraphException.bad("createIndex: 'filters' must be an object of field__lookup filters");
    }
    Filter.parse(partial, "createIndex filters", limits);
    Object name = request.getValue("name");
    if (name != null && !(name instanceof String s && s.matches("[A-Za-z0-9_.:-]{1,100}"))) {
      throw GraphException.bad("createIndex: 'name' must be 1-100 letters, digits or _.:- characters, got " + name);
    }
    String chosen = name != null ? (String) name : on + "_" + String.join("_", fields)
        + (partial.isEmpty() ? "" : "_where_" + Integer.toHexString(partial.encode().hashCode()));
    return new IndexDefinition(chosen, (String) on, List.copyOf(fields), partial.copy());
  }

  boolean covers(Element e) {
    return e.kind().equals(on);
  }

  boolean sameCoverage(IndexDefinition other) {
    return on.equals(other.on) && new HashSet<>(fields).equals(new HashSet<>(other.fields)) && filters.equals(other.filters);
  }

  JsonObject toJson() {
    return new JsonObject().put("name", name).put("on", on).put("fields", new JsonArray(new ArrayList<>(fields)))
        .put("filters", filters.copy());
  }
}
