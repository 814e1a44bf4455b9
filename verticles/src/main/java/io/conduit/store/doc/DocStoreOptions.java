package io.conduit.store.doc;

import io.conduit.store.engine.Durability;
import io.conduit.store.engine.Engines;
import io.vertx.core.json.JsonObject;

import java.nio.file.Path;
import java.util.Set;

/**
 * The document store's configuration, read once from the verticle's JSON config.
 *
 * @param address            event-bus address of the store; changes are published on {@code address + ".changes"}
 * @param backend            {@code memory} or {@code rocksdb}
 * @param dataDir            where the rocksdb backend keeps its files
 * @param durability         when a write is acknowledged: {@code always}, {@code group:Nms} (default), {@code none}
 * @param historySize        undo steps kept (and redo steps)
 * @param snapshotEvery      log records between automatic snapshots (restart replays at most this many)
 * @param lockWaitMs         how long a request waits for another client's lock when it names no
 *                           {@code timeoutMs}; just under the bridge's default 30 s request timeout, so a
 *                           waiting write never runs after its requester gave up
 */
public record DocStoreOptions(String address, String backend, Path dataDir, Durability durability, int historySize,
                              int snapshotEvery, long lockWaitMs) {

  private static final Set<String> FIELDS = Set.of("address", "backend", "dataDir", "durability", "historySize",
      "snapshotEvery", "lockWaitMs", "params", "scripts");

  public static DocStoreOptions fromJson(JsonObject c) {
    for (String key : c.fieldNames()) {
      if (!FIELDS.contains(key)) {
        throw new IllegalArgumentException("document store config: unknown field '" + key + "' (expected one of "
            + String.join(", ", FIELDS.stream().sorted().toList()) + ")");
      }
    }
    // Backend parameters from `conduit serve key:value` may set the tuning fields too.
    JsonObject merged = c.getJsonObject("params", new JsonObject()).copy();
    for (String key : merged.fieldNames()) {
      if (!Set.of("durability", "historySize", "snapshotEvery", "lockWaitMs").contains(key)) {
        throw new IllegalArgumentException("document store: unknown backend parameter '" + key
            + "' (expected durability, historySize, snapshotEvery or lockWaitMs)");
      }
    }
    merged.mergeIn(c.copy().put("params", (Object) null));
    String backend = merged.getString("backend", "memory");
    if (!Engines.BACKENDS.contains(backend)) {
      throw new IllegalArgumentException("document store: backend must be one of " + Engines.BACKENDS + ", got '"
          + backend + "'");
    }
    String address = merged.getString("address", "docs");
    Durability durability;
    try {
      durability = merged.getValue("durability") == null ? Durability.DEFAULT
          : Durability.parse(String.valueOf(merged.getValue("durability")));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("document store: " + e.getMessage());
    }
    return new DocStoreOptions(address, backend, Path.of(merged.getString("dataDir", "conduit-data/" + address)),
        durability, positive(merged, "historySize", 1000), positive(merged, "snapshotEvery", 100_000),
        positive(merged, "lockWaitMs", 29_000));
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
      throw new IllegalArgumentException("document store: " + field + " must be a positive whole number, got " + v);
    }
    return n;
  }
}
