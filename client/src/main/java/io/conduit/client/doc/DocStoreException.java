package io.conduit.client.doc;

import io.conduit.client.StoreException;
import io.conduit.codec.ErrorCode;

/**
 * A document-store request that did not succeed, the same over the event bus and over the bridge.
 * {@link #status()} is what to act on; the message is the store's sentence for a person and names
 * the path (and, for a batch, the failing op's index).
 *
 * <ul>
 *   <li>400 BAD_REQUEST: a malformed request, or a value of the wrong type at the path; fix the call.</li>
 *   <li>404 NOT_FOUND: a key or index on the path does not exist.</li>
 *   <li>409 CONFLICT: nothing to undo or redo, a token that no longer holds the lock, or a request
 *       that waited for another client's lock past its timeout (nothing was changed).</li>
 *   <li>500 INTERNAL: the store failed, e.g. could not make a write durable.</li>
 *   <li>503 NO_HANDLERS or UNAVAILABLE: no store at the address, or the bridge is going away.</li>
 *   <li>504 TIMEOUT: no reply within the request's timeout; the request may or may not have been applied.</li>
 * </ul>
 * The bridge may also refuse a request with 403 FORBIDDEN, 413 TOO_LARGE or 429 OVERLOADED.
 */
public class DocStoreException extends StoreException {

  /** A failure with this status and code (for tests and fakes; the clients build their own). */
  public DocStoreException(int status, ErrorCode code, String message) {
    super(status, code, message, null);
  }

  private DocStoreException(int status, ErrorCode code, String message, Throwable cause) {
    super(status, code, message, cause);
  }

  /** The store failed the request with {@code message.fail(status, message)}. */
  static DocStoreException fromStore(int status, String message) {
    int known = storeStatus(status);
    return new DocStoreException(known, io.conduit.codec.EventBusFailure.codeForStatus(known), message, null);
  }

  /** The request did not reach the store, or its reply did not come back, for this reason. */
  static DocStoreException fromTransport(ErrorCode code, String message, Throwable cause) {
    return new DocStoreException(transportStatus(code), code, message, cause);
  }
}
