package io.conduit.store.doc;

import io.conduit.store.engine.Durability;
import io.conduit.store.engine.StoreConfig;
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
 * @param ackReplicas 1: a write completes once every in-sync standby has it; 0: standbys are not waited for
 */
public record DocStoreOptions(String address, String backend, Path dataDir, Durability durability, int historySize,
                              int snapshotEvery, long lockWaitMs, int ackReplicas) {

  private static final Set<String> TUNING = Set.of("historySize", "snapshotEvery", "lockWaitMs");

  public static DocStoreOptions fromJson(JsonObject c) {
    StoreConfig config = StoreConfig.parse(c, "document store", "docs", TUNING);
    return new DocStoreOptions(config.address(), config.backend(), config.dataDir(), config.durability(),
        config.positive("historySize", 1000), config.positive("snapshotEvery", 100_000),
        config.positive("lockWaitMs", 29_000), config.ackReplicas());
  }
}
