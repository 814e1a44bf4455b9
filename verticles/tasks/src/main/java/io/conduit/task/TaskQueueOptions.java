package io.conduit.task;

import io.conduit.store.engine.Durability;
import io.conduit.store.engine.StoreConfig;
import io.vertx.core.json.JsonObject;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The task queue's configuration, read once from the verticle's JSON config.
 *
 * @param address        event-bus address of the queue's ops; events go to {@code address + ".events"}
 * @param handlers       task name to {@link TaskHandler} class name
 * @param workers        tasks this node runs at once (threads of its worker pool)
 * @param leaseMs        a running task's lease; renewed every third of it, requeued when it runs out
 * @param sweepMs        how often each node looks for lost leases, due retries and expired results
 * @param retryBackoffMs back-off before the first retry; doubled for each further attempt
 * @param maxBackoffMs   the longest back-off
 * @param maxRetries     default of submit's {@code maxRetries}
 * @param timeoutMs      default of submit's {@code timeoutMs} (0: no limit)
 * @param resultTtlMs    default of submit's {@code resultTtlMs}
 * @param storage        where a standalone node keeps the records (null: in memory, for the
 *                       process's life); a clustered node keeps them in the cluster
 */
public record TaskQueueOptions(String address, Map<String, String> handlers, int workers, long leaseMs, long sweepMs,
                               long retryBackoffMs, long maxBackoffMs, int maxRetries, long timeoutMs,
                               long resultTtlMs, Storage storage) {

  private static final Set<String> FIELDS = Set.of("address", "handlers", "workers", "leaseMs", "sweepMs",
      "retryBackoffMs", "maxBackoffMs", "maxRetries", "timeoutMs", "resultTtlMs", "backend", "dataDir", "durability",
      "params", "scripts");

  /**
   * A standalone node's storage for the records: the engine {@code backend} ("memory" or
   * "rocksdb") in {@code dataDir} with {@code durability}, as {@code conduit serve}'s
   * {@code -b}, {@code --data} and {@code durability:} parameter set them for every store.
   */
  public record Storage(String backend, Path dataDir, Durability durability) {
  }
  public static final long DAY_MS = 86_400_000L;

  public TaskQueueOptions {
    handlers = Map.copyOf(handlers);
  }

  public static TaskQueueOptions fromJson(JsonObject c) {
    for (String key : c.fieldNames()) {
      if (!FIELDS.contains(key)) {
        throw new IllegalArgumentException("task queue config: unknown field '" + key + "' (expected one of "
            + String.join(", ", FIELDS.stream().sorted().toList()) + ")");
      }
    }
    Object address = c.getValue("address", "tasks");
    if (!(address instanceof String a) || a.isBlank()) {
      throw new IllegalArgumentException("task queue config: 'address' must be a non-empty string, got " + address);
    }
    Object h = c.getValue("handlers", new JsonObject());
    if (!(h instanceof JsonObject handlerJson)) {
      throw new IllegalArgumentException("task queue config: 'handlers' must be an object of task name to class name");
    }
    Map<String, String> handlers = new LinkedHashMap<>();
    for (String name : handlerJson.fieldNames()) {
      if (!(handlerJson.getValue(name) instanceof String cls) || cls.isBlank()) {
        throw new IllegalArgumentException("task queue config: handlers." + name + " must be a class name");
      }
      handlers.put(name, cls);
    }
    long lease = number(c, "leaseMs", 15_000, 100);
    return new TaskQueueOptions(a, handlers, (int) number(c, "workers", 4, 1), lease, number(c, "sweepMs", 1_000, 10),
        number(c, "retryBackoffMs", 1_000, 0), number(c, "maxBackoffMs", 60_000, 0),
        (int) number(c, "maxRetries", 3, 0), number(c, "timeoutMs", 0, 0), number(c, "resultTtlMs", DAY_MS, 1),
        storage(c, a));
  }

  /**
   * The storage fields a store's config has; of the node's {@code params} only {@code durability}
   * concerns the queue (the others tune stores), and {@code scripts} are for stores.
   */
  private static Storage storage(JsonObject c, String address) {
    if (c.getValue("backend") == null) {
      return null;
    }
    JsonObject storage = new JsonObject().put("backend", c.getValue("backend"));
    for (String field : List.of("dataDir", "durability")) {
      if (c.getValue(field) != null) {
        storage.put(field, c.getValue(field));
      }
    }
    if (!(c.getValue("params", new JsonObject()) instanceof JsonObject params)) {
      throw new IllegalArgumentException("task queue config: 'params' must be an object");
    }
    if (params.getValue("durability") != null) {
      storage.put("params", new JsonObject().put("durability", params.getValue("durability")));
    }
    StoreConfig parsed = StoreConfig.parse(storage, "task queue", address, Set.of());
    return new Storage(parsed.backend(), parsed.dataDir(), parsed.durability());
  }

  /** Back-off before attempt {@code attempts + 1}: exponential, capped. */
  public long backoffMs(int attempts) {
    int doublings = Math.max(0, Math.min(30, attempts - 1));
    return Math.min(maxBackoffMs, retryBackoffMs << doublings);
  }

  public String eventsAddress() {
    return address + ".events";
  }

  public String eventsAddress(String id) {
    return address + ".events." + id;
  }

  /** Where cancel requests for running tasks are published, so the node running one hears at once. */
  String cancelAddress() {
    return address + ".cancel";
  }

  private static long number(JsonObject c, String field, long dflt, long min) {
    Object v = c.getValue(field, dflt);
    if (!(v instanceof Integer || v instanceof Long) || ((Number) v).longValue() < min) {
      throw new IllegalArgumentException("task queue config: '" + field + "' must be a whole number of at least "
          + min + ", got " + v);
    }
    return ((Number) v).longValue();
  }
}
