package io.conduit.store.doc;

import io.vertx.core.json.JsonObject;

/**
 * The outcome of one request.
 *
 * @param value  the reply value: a copy of what a read found (a scan's page is
 *               {@code {"items": [...], "next": ...}}), or a write's {@link Change#value()}
 * @param change for a write, what it did and how to undo it; null for a read
 */
public record Result(Object value, Change change) {

  static Result read(Object value) {
    return new Result(value, null);
  }

  static Result write(Change change) {
    return new Result(change.value(), change);
  }

  public boolean isWrite() {
    return change != null;
  }

  /** {@code {"value": ...}}, the reply a client gets. */
  public JsonObject toJson() {
    return new JsonObject().put("value", value);
  }
}
