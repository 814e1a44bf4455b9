package io.conduit.task;

import io.conduit.store.engine.KeyValueEngine;
import io.conduit.store.engine.WriteBatch;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;

/**
 * A {@link RecordMap} kept in memory and written through to the node's storage engine (RocksDB
 * under {@code --data} by default): what a standalone node's task queue survives a restart or a
 * {@code kill -9} with. Each entry is one engine key, {@code prefix + key}; every change is one
 * engine write submitted while the entry is locked, so the engine sees changes in the order the
 * map made them, and the operation's future completes once the write is as durable as the
 * engine's durability setting promises. The entries are read back once, when the map opens.
 */
final class EngineRecordMap<V> implements RecordMap<V> {

  private final Vertx vertx;
  private final KeyValueEngine engine;
  private final byte[] prefix;
  private final Function<V, byte[]> encode;
  private final Function<byte[], V> decode;
  private final UnaryOperator<V> copy;
  private final StorageState storage;
  private final ConcurrentHashMap<String, V> entries = new ConcurrentHashMap<>();

  private EngineRecordMap(Vertx vertx, KeyValueEngine engine, String prefix, Function<V, byte[]> encode,
                          Function<byte[], V> decode, UnaryOperator<V> copy, StorageState storage) {
    this.vertx = vertx;
    this.storage = storage;
    this.engine = engine;
    this.prefix = prefix.getBytes(StandardCharsets.UTF_8);
    this.encode = encode;
    this.decode = decode;
    this.copy = copy;
  }

  /**
   * Opens the map of the entries under {@code prefix}, reading them on a worker thread. Values
   * handed out are copies ({@code copy}), as a shared-data map's are, so that a caller changing
   * one cannot change what a later compare-and-set compares with. A change that cannot be stored
   * stops the map ({@code storage}): every later call is refused.
   */
  static <V> Future<RecordMap<V>> open(Vertx vertx, KeyValueEngine engine, String prefix, Function<V, byte[]> encode,
                                       Function<byte[], V> decode, UnaryOperator<V> copy, StorageState storage) {
    EngineRecordMap<V> map = new EngineRecordMap<>(vertx, engine, prefix, encode, decode, copy, storage);
    return vertx.executeBlocking(() -> {
      map.load();
      return map;
    });
  }

  private void load() {
    byte[] end = Arrays.copyOf(prefix, prefix.length);
    end[end.length - 1]++;
    engine.scan(prefix, end, (k, v) -> {
      entries.put(new String(k, prefix.length, k.length - prefix.length, StandardCharsets.UTF_8), decode.apply(v));
      return true;
    });
  }

  @Override
  public Future<V> get(String key) {
    if (storage.failure() != null) {
      return storage.refusal();
    }
    V v = entries.get(key);
    return Future.succeededFuture(v == null ? null : copy.apply(v));
  }

  @Override
  public Future<Void> put(String key, V value) {
    if (storage.failure() != null) {
      return storage.refusal();
    }
    Written w = new Written();
    entries.compute(key, (k, old) -> w.put(k, value));
    return w.done();
  }

  @Override
  public Future<V> putIfAbsent(String key, V value) {
    if (storage.failure() != null) {
      return storage.refusal();
    }
    Written w = new Written();
    List<V> before = new ArrayList<>(1);
    entries.compute(key, (k, now) -> {
      if (now != null) {
        before.add(now);
        return now;
      }
      return w.put(k, value);
    });
    return before.isEmpty() ? w.done().map(v -> null) : Future.succeededFuture(copy.apply(before.get(0)));
  }

  @Override
  public Future<Boolean> removeIfPresent(String key, V expected) {
    if (storage.failure() != null) {
      return storage.refusal();
    }
    Written w = new Written();
    entries.computeIfPresent(key, (k, now) -> Objects.equals(now, expected) ? w.delete(k) : now);
    return w.done().map(v -> w.changed);
  }

  @Override
  public Future<Boolean> replaceIfPresent(String key, V expected, V value) {
    if (storage.failure() != null) {
      return storage.refusal();
    }
    Written w = new Written();
    entries.computeIfPresent(key, (k, now) -> Objects.equals(now, expected) ? w.put(k, value) : now);
    return w.done().map(v -> w.changed);
  }

  @Override
  public Future<List<V>> values() {
    if (storage.failure() != null) {
      return storage.refusal();
    }
    List<V> all = new ArrayList<>(entries.size());
    entries.values().forEach(v -> all.add(copy.apply(v)));
    return Future.succeededFuture(all);
  }

  private byte[] engineKey(String key) {
    byte[] k = key.getBytes(StandardCharsets.UTF_8);
    byte[] full = Arrays.copyOf(prefix, prefix.length + k.length);
    System.arraycopy(k, 0, full, prefix.length, k.length);
    return full;
  }

  /** One change's engine write, submitted from inside the map's lock on the entry. */
  private final class Written {
    private CompletableFuture<Void> write;
    private boolean changed;

    V put(String key, V value) {
      submit(() -> new WriteBatch().put(engineKey(key), encode.apply(value)));
      return value;
    }

    V delete(String key) {
      submit(() -> new WriteBatch().delete(engineKey(key)));
      return null;
    }

    /** A fault on the way to the engine (its own, a value that cannot be encoded) is a write that failed. */
    private void submit(Supplier<WriteBatch> batch) {
      write = KeyValueEngine.attempt(() -> engine.write(batch.get()));
      changed = true;
    }

    Future<Void> done() {
      if (write == null) {
        return Future.succeededFuture();
      }
      Context context = vertx.getOrCreateContext();
      return Future.fromCompletionStage(write, context).onFailure(storage::failed);
    }
  }
}
