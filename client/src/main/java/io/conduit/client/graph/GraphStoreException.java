package io.conduit.client.graph;

import io.conduit.client.StoreException;
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
public class GraphStoreException extends StoreException {

  /** A failure with this status and code (for tests and fakes; the clients build their own). */
  public GraphStoreException(int status, ErrorCode code, String message) {
    super(status, code, message, null);
  }

  private GraphStoreException(int status, ErrorCode code, String message, Throwable cause) {
    super(status, code, message, cause);
  }

  /** The store failed the request with {@code message.fail(status, message)}. */
  public static GraphStoreException fromStore(int status, String message) {
    int known = storeStatus(status);
    return new GraphStoreException(known, io.conduit.codec.EventBusFailure.codeForStatus(known), message, null);
  }

  /** The request did not reach the store, or its reply did not come back, for this reason. */
  static GraphStoreException fromTransport(ErrorCode code, String message, Throwable cause) {
    return new GraphStoreException(transportStatus(code), code, message, cause);
  }
}
