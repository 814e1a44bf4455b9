package io.conduit.store.graph;

import io.conduit.store.engine.Durability;
import io.conduit.store.engine.Engines;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The graph store's configuration, read once from the verticle's JSON config.
 *
 * @param address          event-bus address of the store
 * @param backend          {@code memory} or {@code rocksdb}
 * @param dataDir          where the rocksdb backend keeps its files
 * @param durability       when a write is acknowledged: {@code always}, {@code group:Nms} (default), {@code none}
 * @param queryTimeLimitMs the longest one query may run on the store's thread before it is refused (413)
 * @param maxResults       the most entities (or ids, or data objects) one reply may list
 * @param scripts          class names of {@link GraphScript}s to register
 */
public record GraphStoreOptions(String address, String backend, Path dataDir, Durability durability,
                                long queryTimeLimitMs, int maxResults, List<String> scripts) {

  private static final Set<String> FIELDS = Set.of("address", "backend", "dataDir", "durability", "queryTimeLimitMs",
      "maxResults", "params", "scripts");
  private static final Set<String> PARAMS = Set.of("durability", "queryTimeLimitMs", "maxResults");

  public static GraphStoreOptions fromJson(JsonObject c) {
    for (String key : c.fieldNames()) {
      if (!FIELDS.contains(key)) {
        throw new IllegalArgumentException("graph store config: unknown field '" + key + "' (expected one of "
            + String.join(", ", FIELDS.stream().sorted().toList()) + ")");
      }
    }
    // Backend parameters from `conduit serve key:value` may set the tuning fields too.
    JsonObject merged = c.getJsonObject("params", new JsonObject()).copy();
    for (String key : merged.fieldNames()) {
      if (!PARAMS.contains(key)) {
        throw new IllegalArgumentException("graph store: unknown backend parameter '" + key
            + "' (expected durability, queryTimeLimitMs or maxResults)");
      }
    }
    merged.mergeIn(c.copy().put("params", (Object) null));
    String backend = merged.getString("backend", "memory");
    if (!Engines.BACKENDS.contains(backend)) {
      throw new IllegalArgumentException("graph store: backend must be one of " + Engines.BACKENDS + ", got '"
          + backend + "'");
    }
    String address = merged.getString("address", "graph");
    Durability durability;
    try {
      durability = merged.getValue("durability") == null ? Durability.DEFAULT
          : Durability.parse(String.valueOf(merged.getValue("durability")));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("graph store: " + e.getMessage());
    }
    return new GraphStoreOptions(address, backend, Path.of(merged.getString("dataDir", "conduit-data/" + address)),
        durability, positive(merged, "queryTimeLimitMs", 500), positive(merged, "maxResults", 100_000),
        scripts(merged.getValue("scripts")));
  }

  private static List<String> scripts(Object raw) {
    if (raw == null) {
      return List.of();
    }
    if (!(raw instanceof JsonArray list)) {
      throw new IllegalArgumentException("graph store: 'scripts' must be a list of GraphScript class names");
    }
    List<String> names = new ArrayList<>();
    for (Object n : list) {
      if (!(n instanceof String s) || s.isBlank()) {
        throw new IllegalArgumentException("graph store: each script is a class name, got " + n);
      }
      names.add(s.trim());
    }
    return List.copyOf(names);
  }

  private static int positive(JsonObject c, String field, int dflt) {
    Object v = c.getValue(field, dflt);
    int n;
    try {
      n = v instanceof Number num ? num.intValue() : Integer.parseInt(String.valueOf(v).trim());
    } catch (NumberFormatException e) {
      n = -1;
    }
    if (n < 1) {
      throw new IllegalArgumentException("graph store: " + field + " must be a positive whole number, got " + v);
    }
    return n;
  }
}
