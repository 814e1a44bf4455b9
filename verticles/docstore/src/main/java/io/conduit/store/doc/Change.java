package io.conduit.store.doc;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/**
 * What a write did, for the undo log, the write-ahead log and change subscribers.
 *
 * @param op      the op as applied: defaults filled in and negative indexes resolved, so replaying it
 *                on the same document gives the same document; never changed once made, as the
 *                log record, the change event and the undo history all hold this one object
 * @param path    where it acted, negative indexes resolved ({@code []} for a batch)
 * @param value   what the op returns, as in Python: the item {@code pop} removed, the number after
 *                {@code incr}, the value at the key after {@code setdefault}, each op's result for a
 *                batch; null for the others
 * @param inverse primitive write ops that, applied in order right after this change, restore the
 *                document exactly, key order included
 */
public record Change(JsonObject op, Path path, Object value, JsonArray inverse) {

  /** The undo of this change as one request: {@code {"op": "batch", "ops": inverse}}. */
  public JsonObject undo() {
    return new JsonObject().put("op", "batch").put("ops", inverse.copy());
  }

  public JsonObject toJson() {
    return new JsonObject().put("op", op).put("path", path.toJson()).put("value", value).put("inverse", inverse);
  }

  /** The start of an op's JSON: {@code {"op": name, "path": path}}. */
  static JsonObject op(String name, Path path) {
    return new JsonObject().put("op", name).put("path", path.toJson());
  }
}
