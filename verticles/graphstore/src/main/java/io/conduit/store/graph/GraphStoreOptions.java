package io.conduit.store.graph;

import io.conduit.store.engine.Durability;
import io.conduit.store.engine.StoreConfig;
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
 * @param maxFilterValues  the most values a filter's list ({@code name__in}) may hold; more is refused (413)
 * @param maxFilterStringLength the most characters of the string a text filter ({@code name__icontains},
 *                         {@code name__startswith}...) looks for; longer is refused (413)
 * @param scripts          class names of {@link GraphScript}s to register
 * @param ackReplicas      1: a write completes once every in-sync standby has it; 0: standbys are not waited for
 */
public record GraphStoreOptions(String address, String backend, Path dataDir, Durability durability,
                                long queryTimeLimitMs, int maxResults, int maxFilterValues,
                                int maxFilterStringLength, List<String> scripts, int ackReplicas) {

  private static final Set<String> TUNING = Set.of("queryTimeLimitMs", "maxResults", "maxFilterValues",
      "maxFilterStringLength");

  public static GraphStoreOptions fromJson(JsonObject c) {
    StoreConfig config = StoreConfig.parse(c, "graph store", "graph", TUNING);
    return new GraphStoreOptions(config.address(), config.backend(), config.dataDir(), config.durability(),
        config.positive("queryTimeLimitMs", 500), config.positive("maxResults", 100_000),
        config.positive("maxFilterValues", 10_000), config.positive("maxFilterStringLength", 1_000),
        scripts(config.value("scripts")), config.ackReplicas());
  }

  FilterLimits filterLimits() {
    return new FilterLimits(maxFilterValues, maxFilterStringLength);
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
}
