package io.conduit.client.doc;

import io.conduit.codec.ErrorCode;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletionStage;

/**
 * The one implementation of {@link DocStore}: builds each request, sends it through a transport,
 * and reads the reply into its typed result. Transports only move bodies and translate errors, so
 * both behave alike by construction.
 */
final class DocStoreClient implements DocStore {


  private final DocTransport transport;
  private final String token;
  private final Duration timeout;

  /** @param token the lock token every request carries, or null */
  DocStoreClient(DocTransport transport, String token, Duration timeout) {
    this.transport = transport;
    this.token = token;
    this.timeout = timeout;
  }

  @Override
  public DocStore withTimeout(Duration timeout) {
    if (timeout == null || timeout.toMillis() < 1) {
      throw new IllegalArgumentException("a request timeout must be 1 ms or more, got " + timeout);
    }
    return new DocStoreClient(transport, token, timeout);
  }

  @Override
  public CompletionStage<Object> get(Object... path) {
    return send(op("get", path)).thenApply(reply -> reply.getValue("value"));
  }

  @Override
  public CompletionStage<List<String>> keys(Object... path) {
    return send(op("keys", path)).thenApply(reply -> {
      List<String> keys = new ArrayList<>();
      required(reply, "keys").getJsonArray("keys").forEach(key -> keys.add((String) key));
      return Collections.unmodifiableList(keys);
    });
  }

  @Override
  public CompletionStage<Long> len(Object... path) {
    return send(op("len", path)).thenApply(reply -> required(reply, "len").getLong("len"));
  }

  @Override
  public CompletionStage<Boolean> contains(Object value, Object... path) {
    return send(op("contains", path).put("value", DocArguments.json(value, "contains' value")))
        .thenApply(reply -> required(reply, "contains").getBoolean("contains"));
  }

  @Override
  public CompletionStage<Page> scan(ScanRequest request) {
    JsonObject scan = new JsonObject().put("op", "scan").put("path", new JsonArray(new ArrayList<>(request.path())));
    if (request.offset() != 0) {
      scan.put("offset", request.offset());
    }
    if (request.limit() != null) {
      scan.put("limit", request.limit());
    }
    if (request.cursor() != null) {
      scan.put("cursor", request.cursor());
    }
    return send(scan).thenApply(reply -> {
      List<Object> items = new ArrayList<>();
      // Iterating a JsonArray turns the Maps and Lists of a decoded reply into JsonObject and JsonArray.
      required(reply, "items").getJsonArray("items").forEach(items::add);
      return new Page(Collections.unmodifiableList(items), reply.getString("next"));
    });
  }

  @Override
  public CompletionStage<Long> set(Object value, Object... path) {
    return version(op("set", path).put("value", DocArguments.json(value, "set's value")));
  }

  @Override
  public CompletionStage<Long> delete(Object... path) {
    return version(op("delete", path));
  }

  @Override
  public CompletionStage<Long> append(Object value, Object... path) {
    return version(op("append", path).put("value", DocArguments.json(value, "append's value")));
  }

  @Override
  public CompletionStage<Long> insert(long index, Object value, Object... path) {
    return version(op("insert", path).put("index", index).put("value", DocArguments.json(value, "insert's value")));
  }

  @Override
  public CompletionStage<Long> extend(List<?> values, Object... path) {
    Objects.requireNonNull(values, "extend needs a list of values");
    JsonArray checked = new JsonArray(new ArrayList<>(DocArguments.json(values, "extend's values")));
    return version(op("extend", path).put("values", checked));
  }

  @Override
  public CompletionStage<Long> update(JsonObject values, Object... path) {
    return version(op("update", path).put("value", DocArguments.json(values, "update's values")));
  }

  @Override
  public CompletionStage<Long> clear(Object... path) {
    return version(op("clear", path));
  }

  @Override
  public CompletionStage<Written> pop(Object... path) {
    return written(op("pop", path));
  }

  @Override
  public CompletionStage<Written> popAt(long index, Object... path) {
    return written(op("pop", path).put("index", index));
  }

  @Override
  public CompletionStage<Written> incr(Number by, Object... path) {
    return written(op("incr", path).put("by", Objects.requireNonNull(by, "incr needs an amount, e.g. 1")));
  }

  @Override
  public CompletionStage<Written> setDefault(String key, Object value, Object... path) {
    return written(op("setdefault", path).put("key", key).put("value", DocArguments.json(value, "setDefault's value")));
  }

  @Override
  public CompletionStage<Written> batch(List<JsonObject> ops) {
    Objects.requireNonNull(ops, "batch needs a list of ops");
    JsonArray checked = new JsonArray(new ArrayList<>(DocArguments.json(ops, "the batch")));
    return written(new JsonObject().put("op", "batch").put("ops", checked));
  }

  @Override
  public CompletionStage<Long> undo() {
    return version(new JsonObject().put("op", "undo"));
  }

  @Override
  public CompletionStage<Long> redo() {
    return version(new JsonObject().put("op", "redo"));
  }

  @Override
  public CompletionStage<Long> save() {
    return version(new JsonObject().put("op", "save"));
  }

  @Override
  public CompletionStage<Long> putBlob(byte[] bytes, Object... path) {
    if (bytes == null) {
      throw new IllegalArgumentException("putBlob needs bytes; to remove a blob use deleteBlob");
    }
    // The body is the bytes, so the op, the path and the token travel as event-bus headers.
    Map<String, String> headers = new LinkedHashMap<>(headers());
    headers.put("op", "putBlob");
    headers.put("path", DocArguments.path(path).encode());
    if (token != null) {
      headers.put("token", token);
    }
    return transport.request(Buffer.buffer(bytes), headers, timeout).thenApply(reply -> versionOf(object(reply)));
  }

  @Override
  public CompletionStage<byte[]> getBlob(Object... path) {
    return transport.request(withToken(op("getBlob", path)), headers(), timeout).thenApply(reply -> {
      if (!(reply instanceof Buffer bytes)) {
        throw unexpected(reply);
      }
      return bytes.getBytes();
    });
  }

  @Override
  public CompletionStage<Long> deleteBlob(Object... path) {
    return version(op("deleteBlob", path));
  }

  @Override
  public CompletionStage<Lock> lock(Duration ttl) {
    return send(new JsonObject().put("op", "lock").put("ttlMs", ttl.toMillis())).thenApply(reply -> {
      String granted = required(reply, "token").getString("token");
      return new Lock(new DocStoreClient(transport, granted, timeout), granted, versionOf(reply));
    });
  }

  /** Extends the lease of this view's token; see {@link Lock#renew}. */
  CompletionStage<Long> renew(Duration ttl) {
    return version(new JsonObject().put("op", "renew").put("ttlMs", ttl.toMillis()));
  }

  /** Releases this view's token; see {@link Lock#unlock}. */
  CompletionStage<Long> unlock() {
    return version(new JsonObject().put("op", "unlock"));
  }

  @Override
  public String toString() {
    return "DocStore[" + transport + (token == null ? "" : ", locked") + ", timeout " + timeout.toMillis() + " ms]";
  }

  private static JsonObject op(String name, Object[] path) {
    return new JsonObject().put("op", name).put("path", DocArguments.path(path));
  }

  private CompletionStage<Long> version(JsonObject request) {
    return send(request).thenApply(DocStoreClient::versionOf);
  }

  private CompletionStage<Written> written(JsonObject request) {
    return send(request).thenApply(reply -> new Written(versionOf(reply), reply.getValue("value")));
  }

  private CompletionStage<JsonObject> send(JsonObject request) {
    return transport.request(withToken(request), headers(), timeout).thenApply(DocStoreClient::object);
  }

  private JsonObject withToken(JsonObject request) {
    return token == null ? request : request.put("token", token);
  }

  private Map<String, String> headers() {
    return Map.of(io.conduit.codec.RequestHeaders.TIMEOUT_MS, Long.toString(timeout.toMillis()));
  }

  private static long versionOf(JsonObject reply) {
    return required(reply, "version").getLong("version");
  }

  private static JsonObject object(Object reply) {
    if (!(reply instanceof JsonObject o)) {
      throw unexpected(reply);
    }
    return o;
  }

  private static JsonObject required(JsonObject reply, String field) {
    if (reply.getValue(field) == null) {
      throw unexpected(reply);
    }
    return reply;
  }

  /** A reply the store would not send: something else answers at this address. */
  private static DocStoreException unexpected(Object reply) {
    String text = String.valueOf(reply);
    return DocStoreException.fromTransport(ErrorCode.INTERNAL, "the reply is not a document store's: "
        + (text.length() > 100 ? text.substring(0, 100) + "..." : text), null);
  }
}
