package io.conduit.store.doc;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/**
 * One page of a scan: a list's items, or an object's entries as {@code {"key": k, "value": v}} in
 * key order.
 *
 * @param items copies of the items
 * @param next  the cursor for the next page, or null when this page reaches the end
 */
record ScanPage(JsonArray items, String next) {

  /** {@code {"items": [...], "next": "..." | null}}, the reply to a scan. */
  public JsonObject toJson() {
    return new JsonObject().put("items", items).put("next", next);
  }
}
