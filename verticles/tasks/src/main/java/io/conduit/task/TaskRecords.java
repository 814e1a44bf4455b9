package io.conduit.task;

import io.conduit.store.engine.Engines;
import io.conduit.store.engine.KeyValueEngine;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;

/**
 * Task records: in a Vert.x shared-data map (a Hazelcast IMap) when the node is clustered; on a
 * standalone node, in its own storage engine under {@code --data} ({@link EngineRecordMap}) when
 * the queue's config names a backend, else in a local map that lasts as long as the process. Every
 * change is a compare-and-set of the whole record, retried on a race, so concurrent changes from
 * several nodes never overwrite each other (progress updates were lost to such races in kge-server).
 */
final class TaskRecords {

  private static final int MAX_RACES = 50;

  private final RecordMap<JsonObject> records;
  private final RecordMap<String> keys;
  private final KeyValueEngine engine;
  private final StorageState storage;

  private TaskRecords(RecordMap<JsonObject> records, RecordMap<String> keys, KeyValueEngine engine,
                      StorageState storage) {
    this.records = records;
    this.keys = keys;
    this.engine = engine;
    this.storage = storage;
  }

  static Future<TaskRecords> open(Vertx vertx, TaskQueueOptions options) {
    TaskQueueOptions.Storage storage = options.storage();
    if (vertx.isClustered() || storage == null) {
      return shared(vertx, options.address());
    }
    StorageState state = new StorageState(options.address());
    return vertx.executeBlocking(() -> Engines.open(storage.backend(), storage.dataDir(), storage.durability()))
        .compose(engine -> EngineRecordMap.<JsonObject>open(vertx, engine, "r/", j -> j.toBuffer().getBytes(),
                b -> new JsonObject(Buffer.buffer(b)), JsonObject::copy, state)
            .compose(r -> EngineRecordMap.<String>open(vertx, engine, "k/", t -> t.getBytes(StandardCharsets.UTF_8),
                b -> new String(b, StandardCharsets.UTF_8), t -> t, state)
                .map(k -> new TaskRecords(r, k, engine, state)))
            .onFailure(e -> engine.close()));
  }

  /** The records in the Vert.x shared-data maps of queue {@code queue}. */
  static Future<TaskRecords> shared(Vertx vertx, String queue) {
    String name = "conduit.tasks." + queue;
    return vertx.sharedData().<String, JsonObject>getAsyncMap(name)
        .compose(r -> vertx.sharedData().<String, String>getAsyncMap(name + ".keys")
            .map(k -> new TaskRecords(RecordMap.shared(r), RecordMap.shared(k), null, null)));
  }

  /** Null while the records serve; otherwise why they stopped (a change this node's storage did not take). */
  String storageFailure() {
    return storage == null ? null : storage.failure();
  }

  /** True when the records outlive this process only in this node's storage (no cluster keeps them). */
  boolean ownedByThisNode() {
    return engine != null;
  }

  /** Closes the storage engine, if the records have one (after its last writes are durable). */
  Future<Void> close(Vertx vertx) {
    return engine == null ? Future.succeededFuture() : vertx.executeBlocking(() -> {
      engine.close();
      return null;
    });
  }

  /** The outcome of {@link #update}: the record as it now is (null when absent), and whether this call changed it. */
  record Change(TaskRecord record, boolean changed) {
  }

  Future<TaskRecord> get(String id) {
    return records.get(id).map(j -> j == null ? null : TaskRecord.fromJson(j));
  }

  Future<Void> create(TaskRecord record) {
    return records.put(record.id(), record.toJson());
  }

  Future<Boolean> remove(TaskRecord record) {
    return records.removeIfPresent(record.id(), record.toJson());
  }

  /**
   * Applies {@code change} to the current record and stores the result if nobody changed the
   * record in between; otherwise reads it again and retries. {@code change} returns null to leave
   * the record as it is.
   */
  Future<Change> update(String id, UnaryOperator<TaskRecord> change) {
    return update(id, change, 0);
  }

  private Future<Change> update(String id, UnaryOperator<TaskRecord> change, int races) {
    return records.get(id).compose(json -> {
      if (json == null) {
        return Future.succeededFuture(new Change(null, false));
      }
      TaskRecord before = TaskRecord.fromJson(json);
      TaskRecord after = change.apply(before);
      if (after == null) {
        return Future.succeededFuture(new Change(before, false));
      }
      return records.replaceIfPresent(id, json, after.toJson()).compose(done -> {
        if (done) {
          return Future.succeededFuture(new Change(after, true));
        }
        if (races >= MAX_RACES) {
          return Future.failedFuture(new IllegalStateException("task " + id + " kept changing under "
              + MAX_RACES + " attempts to update it"));
        }
        return update(id, change, races + 1);
      });
    });
  }

  /** Every record; the sweeper's and list's scan. */
  Future<List<TaskRecord>> all() {
    return records.values().map(values -> {
      List<TaskRecord> list = new ArrayList<>(values.size());
      values.forEach(v -> list.add(TaskRecord.fromJson(v)));
      return list;
    });
  }

  /** Binds an idempotency key to a task id unless it is bound already; completes with the id bound before, or null. */
  Future<String> bindKey(String key, String id) {
    return keys.putIfAbsent(key, id);
  }

  /** Moves a key from a task that no longer exists to a new one; false when someone else moved it first. */
  Future<Boolean> rebindKey(String key, String oldId, String newId) {
    return keys.replaceIfPresent(key, oldId, newId);
  }

  Future<Boolean> unbindKey(String key, String id) {
    return keys.removeIfPresent(key, id);
  }
}
