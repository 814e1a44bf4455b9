package io.conduit.service;

import io.conduit.codec.ErrorCode;

/**
 * Thrown by a service op (or used to fail its Future) to answer with a chosen error code, e.g.
 * {@code throw new ServiceException(ErrorCode.NOT_FOUND, "no user 'ann'")}.
 */
public class ServiceException extends RuntimeException {

  private final ErrorCode code;

  public ServiceException(ErrorCode code, String message) {
    super(message);
    this.code = code;
  }

  /** The code the caller receives. */
  public ErrorCode code() {
    return code;
  }
}
