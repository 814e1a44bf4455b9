package io.conduit.client.doc;

import io.conduit.client.ConduitClient;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;

/**
 * A typed client of a Conduit document store: one JSON document at an event-bus address, read and
 * changed by path. The same methods work inside a Vert.x application ({@link #overEventBus}) and
 * from any JVM through the ZeroMQ bridge ({@link #overBridge}), and behave the same on both.
 *
 * <pre>{@code
 * try (ConduitClient client = ConduitClient.connect("tcp://127.0.0.1:5555")) {
 *   DocStore docs = DocStore.overBridge(client, "docs");     // in a verticle: DocStore.overEventBus(vertx, "docs")
 *   docs.set(new JsonObject().put("name", "Ann"), "users", "u1")   // the value first, then the path
 *       .thenCompose(version -> docs.get("users", "u1", "name"))
 *       .thenAccept(name -> System.out.println(name))              // Ann
 *       .toCompletableFuture().join();
 *   // read, decide and write with no other client in between:
 *   docs.withLock(Duration.ofSeconds(5), locked -> locked.get("stock").thenCompose(n ->
 *       ((Number) n).longValue() > 0 ? locked.incr(-1, "stock") : CompletableFuture.completedFuture(null)))
 *       .toCompletableFuture().join();
 * }
 * }</pre>
 *
 * <p><b>Paths.</b> Every method takes the path last, as varargs of {@code String} keys and
 * {@code Integer}/{@code Long} list indexes (negative from the end); no steps is the document's root.
 * A value, index or amount always comes <em>first</em>, so {@code set(3, "a", "b")} sets
 * {@code ["a", "b"]} to 3. Any other step type, a null step, or a value that is not JSON (see below)
 * throws {@link IllegalArgumentException} at the call, before anything is sent. Popping by index is
 * {@link #popAt} rather than an overload of {@link #pop}, because {@code pop(0, "l")} would be
 * ambiguous between an index and a path step.
 *
 * <p><b>Values</b> are JSON: {@link JsonObject}, {@link io.vertx.core.json.JsonArray}, {@code Map}
 * with String keys, {@code List}, String, Number, Boolean or null. Replies hold JsonObject and
 * JsonArray for containers; a number comes back as some {@link Number} (Integer, Long, Double...)
 * whose class may differ between the transports, so read it with {@code longValue()} or
 * {@code doubleValue()}.
 *
 * <p><b>Results and failures.</b> Every method returns at once; its stage completes with the reply
 * (a write's document version, which counts writes) or fails with a {@link DocStoreException} whose
 * {@link DocStoreException#status() status} says why: 400 a malformed request or wrong type, 404 a
 * missing key or index, 409 a lock conflict or nothing to undo, 503/504 no store or no reply. Stages
 * complete on a Vert.x event loop (the bridge client's, through the bridge): do not block in callbacks.
 *
 * <p><b>Locking.</b> {@link #lock} takes the store's lock for a lease and returns a {@link Lock};
 * requests made through {@link Lock#store()} carry its token, and everyone else's requests wait
 * (in order) until {@link Lock#unlock()}, the lease's end, or their own timeout. {@link #withLock}
 * does all three steps around a piece of work and is the form to prefer.
 *
 * <p>A DocStore is immutable and thread-safe; it does not own the Vertx or the ConduitClient it
 * uses, and has nothing to close.
 */
public interface DocStore {

  /** The timeout a new DocStore gives each request; change it with {@link #withTimeout}. */
  Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);

  /** The store at {@code address} on this Vert.x instance's event bus (clustered or not). */
  static DocStore overEventBus(Vertx vertx, String address) {
    return new DocStoreClient(new EventBusTransport(vertx, DocArguments.address(address)), null, DEFAULT_TIMEOUT);
  }

  /** The store at {@code address}, reached through the bridge this client is connected to. */
  static DocStore overBridge(ConduitClient client, String address) {
    return new DocStoreClient(new BridgeTransport(client, DocArguments.address(address)), null, DEFAULT_TIMEOUT);
  }

  /**
   * This store with another timeout per request. It bounds the wait for a reply and also how long a
   * request may wait while another client holds the lock (then it fails with 409 and changes nothing).
   *
   * @throws IllegalArgumentException when the timeout is not positive
   */
  DocStore withTimeout(Duration timeout);

  // ---- reads

  /** The value at the path (a copy); the whole document for no path. 404 when the path is missing. */
  CompletionStage<Object> get(Object... path);

  /** The keys of the object at the path, in insertion order. 400 when the value is not an object. */
  CompletionStage<List<String>> keys(Object... path);

  /** The size of the object, list or string (in code points) at the path. */
  CompletionStage<Long> len(Object... path);

  /**
   * Whether the object at the path has key {@code value}, the list has an item equal to it (1 equals
   * 1.0), or the string contains it.
   */
  CompletionStage<Boolean> contains(Object value, Object... path);

  /** One page of the items of a list, or the {@code {"key", "value"}} entries of an object; see {@link ScanRequest}. */
  CompletionStage<Page> scan(ScanRequest request);

  // ---- writes: each completes with the document's version after it

  /** Sets a key of an object (adding it) or an existing list item; no path replaces the whole document (an object). */
  CompletionStage<Long> set(Object value, Object... path);

  /** Removes a key or a list item. */
  CompletionStage<Long> delete(Object... path);

  /** Adds an item at the end of the list at the path. */
  CompletionStage<Long> append(Object value, Object... path);

  /** Inserts an item before position {@code index} of the list at the path (Python's {@code list.insert}). */
  CompletionStage<Long> insert(long index, Object value, Object... path);

  /** Appends each of {@code values} to the list at the path. */
  CompletionStage<Long> extend(List<?> values, Object... path);

  /** Sets each key of {@code values} in the object at the path (Python's {@code dict.update}). */
  CompletionStage<Long> update(JsonObject values, Object... path);

  /** Empties the object or list at the path. */
  CompletionStage<Long> clear(Object... path);

  /** Removes the last item of the list at the path; the {@link Written#value()} is the item. */
  CompletionStage<Written> pop(Object... path);

  /** Removes item {@code index} (negative from the end) of the list at the path; the value is the item. */
  CompletionStage<Written> popAt(long index, Object... path);

  /** Adds {@code by} (negative to subtract) to the number at the path, or creates it; the value is the new number. */
  CompletionStage<Written> incr(Number by, Object... path);

  /**
   * The store's {@code setdefault}: sets {@code key} of the object at the path to {@code value} unless
   * it is there already; the written value is what the key holds afterwards.
   */
  CompletionStage<Written> setDefault(String key, Object value, Object... path);

  /**
   * Applies write ops, each a request such as {@code {"op": "set", "path": ["a"], "value": 1}}, all or
   * none, as one version and one undo step; the value is a JsonArray of each op's result. A failure
   * names the index of the op that failed.
   */
  CompletionStage<Written> batch(List<JsonObject> ops);

  /** Reverts the latest write (a batch is one); 409 when there is nothing to undo. */
  CompletionStage<Long> undo();

  /** Re-applies the latest undone write; 409 when there is none (any new write clears redo). */
  CompletionStage<Long> redo();

  /** Writes a snapshot now, on a persistent backend; completes with the version it holds. */
  CompletionStage<Long> save();

  // ---- blobs: bytes stored beside the document, with a reference {"$blob": id, "size": n} at the path

  /** Stores the bytes and puts their reference at the path. */
  CompletionStage<Long> putBlob(byte[] bytes, Object... path);

  /** The bytes of the blob at the path; 400 when the path holds no blob reference. */
  CompletionStage<byte[]> getBlob(Object... path);

  /** Removes the blob reference at the path (an undoable delete). */
  CompletionStage<Long> deleteBlob(Object... path);

  // ---- locking

  /**
   * Takes the store's lock for {@code ttl} (at most 10 minutes), waiting while another client holds
   * it. Use {@link Lock#store()} for requests under the lock and {@link Lock#renew} to keep it longer
   * than its lease; when the lease runs out the lock is simply free again. Prefer {@link #withLock}.
   */
  CompletionStage<Lock> lock(Duration ttl);

  /**
   * Takes the lock, runs {@code work} with a DocStore whose requests hold it, and unlocks whatever the
   * work's outcome. Completes with the work's result or failure; fails with 409 when the work
   * succeeded but the lease ran out before the unlock (other clients may then have written in between).
   */
  default <T> CompletionStage<T> withLock(Duration ttl, Function<DocStore, ? extends CompletionStage<T>> work) {
    return lock(ttl).thenCompose(lock -> lock.around(work));
  }
}
