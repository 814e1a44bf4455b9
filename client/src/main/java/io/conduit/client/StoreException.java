package io.conduit.client;

import io.conduit.codec.ErrorCode;

/**
 * A store request that did not succeed, the same over the event bus and over the bridge: the
 * common face of {@code DocStoreException} and {@code GraphStoreException}. {@link #status()} is
 * what to act on; {@link #code()} tells NO_HANDLERS from UNAVAILABLE (both 503 here, since a store
 * uses 404 for a missing path or id).
 */
public abstract class StoreException extends RuntimeException {

  private final int status;
  private final ErrorCode code;

  protected StoreException(int status, ErrorCode code, String message, Throwable cause) {
    // Built on an event loop, where a stack trace says nothing about the caller.
    super(message, cause, true, false);
    this.status = status;
    this.code = code;
  }

  /** The status a store failed a request with, kept when it is an HTTP-like error status. */
  protected static int storeStatus(int status) {
    return status >= 400 && status < 600 ? status : ErrorCode.INTERNAL.status();
  }

  /** The status for a request that did not reach the store: no store at the address is 503, not 404. */
  protected static int transportStatus(ErrorCode code) {
    return code == ErrorCode.NO_HANDLERS ? ErrorCode.UNAVAILABLE.status() : code.status();
  }

  /** The HTTP-like status: see the store's exception class for what each means there. */
  public int status() {
    return status;
  }

  /** The failure in Conduit's shared error vocabulary. */
  public ErrorCode code() {
    return code;
  }

  @Override
  public String toString() {
    return getClass().getSimpleName() + "[" + status + " " + code + "]: " + getMessage();
  }
}
