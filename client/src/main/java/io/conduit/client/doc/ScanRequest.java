package io.conduit.client.doc;

import java.util.Arrays;
import java.util.List;

/**
 * What to {@link DocStore#scan scan}: a list or an object at a path, one page at a time.
 *
 * <pre>{@code
 * ScanRequest request = ScanRequest.of("users").withLimit(100);
 * Page page;
 * do {
 *   page = docs.scan(request).toCompletableFuture().join();
 *   page.items().forEach(System.out::println);             // {"key": "u1", "value": {...}} ...
 *   request = request.withCursor(page.next());
 * } while (page.hasNext());
 * }</pre>
 *
 * A cursor resumes an object scan at the key where the last page stopped, so keys added or removed
 * elsewhere in the meantime do not shift it.
 *
 * @param path   the path's steps (see {@link DocStore})
 * @param offset where the first page starts (0 for the beginning); not used with a cursor
 * @param limit  the most items per page (1 to 1000), or null for the store's default of 100
 * @param cursor {@link Page#next()} of the previous page, or null for the first page
 */
public record ScanRequest(List<Object> path, long offset, Integer limit, String cursor) {

  /** @throws IllegalArgumentException for a path step that is not a String, Integer or Long */
  public ScanRequest {
    path = List.copyOf(DocArguments.path(path == null ? null : path.toArray()).getList());
  }

  /** The first page of the list or object at this path, of the default size. */
  public static ScanRequest of(Object... path) {
    return new ScanRequest(path == null ? null : Arrays.asList(path), 0, null, null);
  }

  /** This request with at most {@code limit} items per page. */
  public ScanRequest withLimit(int limit) {
    return new ScanRequest(path, offset, limit, cursor);
  }

  /** This request starting at item {@code offset}, without a cursor. */
  public ScanRequest withOffset(long offset) {
    return new ScanRequest(path, offset, limit, null);
  }

  /** The request for the page after the one that answered {@code next}; the offset no longer applies. */
  public ScanRequest withCursor(String next) {
    return new ScanRequest(path, 0, limit, next);
  }
}
