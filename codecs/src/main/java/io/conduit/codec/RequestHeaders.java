package io.conduit.codec;

/** Event-bus header names that Conduit's clients and services agree on. */
public final class RequestHeaders {

  /** The requester's timeout in milliseconds: a service stops working for it after that (e.g. a lock wait). */
  public static final String TIMEOUT_MS = "conduit-timeout-ms";

  private RequestHeaders() {
  }
}
