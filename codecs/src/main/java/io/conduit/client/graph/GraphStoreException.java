package io.conduit.client.graph;

import io.conduit.codec.ErrorCode;

/**
 * A graph-store request that did not succeed, the same over the event bus and over the bridge.
 * {@link #status()} is what to act on; the message is the store's sentence for a person.
 *
 * <ul>
 *   <li>400 BAD_REQUEST: a malformed request, unknown step or lookup; the message names the step and filter.</li>
 *   <li>404 NOT_FOUND: an id that is not in the graph, an unknown script or index.</li>
 *   <li>409 CONFLICT: an index name or coverage that exists, a loaded id that is taken.</li>
 *   <li>413 TOO_LARGE: a query past the store's time limit or result size; narrow it or add limit.</li>
 *   <li>500 INTERNAL: the store failed, e.g. could not make a write durable, or a script threw.</li>
 *   <li>503 NO_HANDLERS or UNAVAILABLE: no store at the address, or the bridge is going away.</li>
 *   <li>504 TIMEOUT: no reply within the request's timeout; the request may or may not have been applied.</li>
 * </ul>
 * The bridge may also refuse a request with 403 FORBIDDEN, 413 TOO_LARGE or 429 OVERLOADED.
 */
public class GraphStoreException extends RuntimeException {

  private final int status;
  private final ErrorCode code;

  /** A failure with this status and code (for tests and fakes; the clients build their own). */
  public GraphStoreException(int status, ErrorCode code, String message) {
    this(status, code, message, null);
  }

  private GraphStoreException(int status, ErrorCode code, String message, Throwable cause) {
    // Built on an event loop or I/O thread, where a stack trace says nothing about the caller.
    super(message, cause, true, false);
    this.status = status;
    this.code = code;
  }

  /** The store (or an embedded graph) failed the request with {@code message.fail(status, message)}. */
  public static GraphStoreException fromStore(int status, String message) {
    int known = status >= 400 && status < 600 ? status : ErrorCode.INTERNAL.status();
    return new GraphStoreException(known, ErrorCode.forStatus(known), message, null);
  }

  /** The request did not reach the store, or its reply did not come back, for this reason. */
  static GraphStoreException fromTransport(ErrorCode code, String message, Throwable cause) {
    // NO_HANDLERS is 404 in the shared vocabulary; here 404 means a missing id, so no store is 503.
    int status = code == ErrorCode.NO_HANDLERS ? ErrorCode.UNAVAILABLE.status() : code.status();
    return new GraphStoreException(status, code, message, cause);
  }

  /** 400, 404, 409, 500, 503, 504 (or 403, 413, 429 from the bridge): see the class comment. */
  public int status() {
    return status;
  }

  /** The failure in Conduit's shared error vocabulary; tells NO_HANDLERS from UNAVAILABLE, both 503. */
  public ErrorCode code() {
    return code;
  }

  @Override
  public String toString() {
    return "GraphStoreException[" + status + " " + code + "]: " + getMessage();
  }
}
