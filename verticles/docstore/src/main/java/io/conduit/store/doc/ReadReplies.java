package io.conduit.store.doc;

import io.vertx.core.json.JsonObject;

import java.util.Set;

/**
 * The document reads and the shape of their replies, shared by the store and its replicas so that
 * a client reads both the same way.
 */
final class ReadReplies {

  /** The ops that only read the document. */
  static final Set<String> OPS = Set.of("get", "keys", "len", "contains", "scan");

  private ReadReplies() {
  }

  /** {@code {"value"}}, {@code {"keys"}}, {@code {"len"}}, {@code {"contains"}}, or a scan's page itself. */
  static JsonObject of(String op, Object value) {
    return switch (op) {
      case "keys" -> new JsonObject().put("keys", value);
      case "len" -> new JsonObject().put("len", value);
      case "contains" -> new JsonObject().put("contains", value);
      case "scan" -> (JsonObject) value;
      default -> new JsonObject().put("value", value);
    };
  }
}
