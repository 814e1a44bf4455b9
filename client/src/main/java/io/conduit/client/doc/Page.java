package io.conduit.client.doc;

import java.util.List;

/**
 * One page of a {@link DocStore#scan scan}.
 *
 * @param items a list's items, or an object's entries as {@code {"key": k, "value": v}} JsonObjects,
 *              in order; unmodifiable
 * @param next  the cursor for the next page ({@link ScanRequest#withCursor}), or null at the end
 */
public record Page(List<Object> items, String next) {

  /** True when there is a page after this one. */
  public boolean hasNext() {
    return next != null;
  }
}
