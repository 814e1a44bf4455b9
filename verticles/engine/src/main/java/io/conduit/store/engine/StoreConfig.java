package io.conduit.store.engine;

import io.vertx.core.json.JsonObject;

import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;

/**
 * A store's JSON config, checked once: only known fields, {@code conduit serve key:value}
 * parameters (its {@code params}) merged in for the tuning fields they may set, and the storage
 * settings every store shares (address, backend, data directory, durability). Each store reads its
 * own tuning fields from here, so the document and graph stores parse their storage one way.
 */
public final class StoreConfig {

  private static final Set<String> STORAGE_FIELDS = Set.of("address", "backend", "dataDir", "durability", "ackReplicas", "params",
      "scripts");

  private final String store;
  private final JsonObject merged;
  private final String address;
  private final String backend;
  private final Path dataDir;
  private final Durability durability;

  private StoreConfig(String store, JsonObject merged, String address, String backend, Path dataDir,
                      Durability durability) {
    this.store = store;
    this.merged = merged;
    this.address = address;
    this.backend = backend;
    this.dataDir = dataDir;
    this.durability = durability;
  }

  /**
   * Checks {@code config}.
   *
   * @param store          the store's kind in messages ("document store")
   * @param defaultAddress its address when the config names none
   * @param tuning         its own fields, which {@code params} may also set ({@code durability} always may)
   * @throws IllegalArgumentException naming the field and what is wrong with it
   */
  public static StoreConfig parse(JsonObject config, String store, String defaultAddress, Set<String> tuning) {
    Set<String> fields = new TreeSet<>(STORAGE_FIELDS);
    fields.addAll(tuning);
    for (String key : config.fieldNames()) {
      if (!fields.contains(key)) {
        throw new IllegalArgumentException(store + " config: unknown field '" + key + "' (expected one of "
            + String.join(", ", fields) + ")");
      }
    }
    Set<String> params = new TreeSet<>(tuning);
    params.add("durability");
    params.add("ackReplicas");
    JsonObject merged = config.getJsonObject("params", new JsonObject()).copy();
    for (String key : merged.fieldNames()) {
      if (!params.contains(key)) {
        throw new IllegalArgumentException(store + ": unknown backend parameter '" + key + "' (expected one of "
            + String.join(", ", params) + ")");
      }
    }
    merged.mergeIn(config.copy().put("params", (Object) null));
    String backend = merged.getString("backend", "memory");
    if (!Engines.BACKENDS.contains(backend)) {
      throw new IllegalArgumentException(store + ": backend must be one of " + Engines.BACKENDS + ", got '"
          + backend + "'");
    }
    String address = merged.getString("address", defaultAddress);
    Durability durability;
    try {
      durability = merged.getValue("durability") == null ? Durability.DEFAULT
          : Durability.parse(String.valueOf(merged.getValue("durability")));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(store + ": " + e.getMessage());
    }
    Path dataDir = Path.of(merged.getString("dataDir", "conduit-data/" + address));
    Object ack = merged.getValue("ackReplicas", 1);
    if (!"0".equals(String.valueOf(ack).trim()) && !"1".equals(String.valueOf(ack).trim())) {
      throw new IllegalArgumentException(store + ": ackReplicas must be 0 (standbys follow, not waited for) or 1 "
          + "(a write completes once every in-sync standby has it), got " + ack);
    }
    merged.put("ackReplicas", Integer.parseInt(String.valueOf(ack).trim()));
    return new StoreConfig(store, merged, address, backend, dataDir, durability);
  }

  public String address() {
    return address;
  }

  public String backend() {
    return backend;
  }

  public Path dataDir() {
    return dataDir;
  }

  public Durability durability() {
    return durability;
  }

  /** 1: writes wait for every in-sync standby, which may then take over; 0: standbys are not waited for. */
  public int ackReplicas() {
    return merged.getInteger("ackReplicas");
  }

  /** A config value after {@code params} were merged in ({@code scripts}, for instance). */
  public Object value(String field) {
    return merged.getValue(field);
  }

  /** A tuning field that must be a positive whole number, or {@code dflt} when absent. */
  public int positive(String field, int dflt) {
    Object v = merged.getValue(field, dflt);
    int n;
    try {
      n = v instanceof Number num ? num.intValue() : Integer.parseInt(String.valueOf(v).trim());
    } catch (NumberFormatException e) {
      n = -1;
    }
    if (n < 1) {
      throw new IllegalArgumentException(store + ": " + field + " must be a positive whole number, got " + v);
    }
    return n;
  }
}
