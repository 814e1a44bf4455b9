package io.conduit.task;

import io.vertx.core.Future;
import io.vertx.core.shareddata.AsyncMap;

import java.util.List;

/**
 * Where the task queue keeps a map of records: the few compare-and-set operations it needs, so
 * the same queue runs on a cluster-wide map ({@link #shared}) or on the node's own engine
 * ({@link EngineRecordMap}). Futures complete on the caller's context.
 */
interface RecordMap<V> {

  Future<V> get(String key);

  Future<Void> put(String key, V value);

  /** Completes with the value already there (and changes nothing), or null after storing {@code value}. */
  Future<V> putIfAbsent(String key, V value);

  /** Removes the entry if it holds {@code expected}; true when it did. */
  Future<Boolean> removeIfPresent(String key, V expected);

  /** Replaces the entry if it holds {@code expected}; true when it did. */
  Future<Boolean> replaceIfPresent(String key, V expected, V value);

  Future<List<V>> values();

  /** A Vert.x shared-data map (a Hazelcast IMap when clustered). */
  static <V> RecordMap<V> shared(AsyncMap<String, V> map) {
    return new RecordMap<>() {
      @Override
      public Future<V> get(String key) {
        return map.get(key);
      }

      @Override
      public Future<Void> put(String key, V value) {
        return map.put(key, value);
      }

      @Override
      public Future<V> putIfAbsent(String key, V value) {
        return map.putIfAbsent(key, value);
      }

      @Override
      public Future<Boolean> removeIfPresent(String key, V expected) {
        return map.removeIfPresent(key, expected);
      }

      @Override
      public Future<Boolean> replaceIfPresent(String key, V expected, V value) {
        return map.replaceIfPresent(key, expected, value);
      }

      @Override
      public Future<List<V>> values() {
        return map.values();
      }
    };
  }
}
