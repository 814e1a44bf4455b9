package io.conduit.service;

import io.conduit.codec.CodedException;
import io.conduit.codec.ErrorCode;

/**
 * Thrown by a service op (or used to fail its Future) to answer with a chosen error code, e.g.
 * {@code throw new ServiceException(ErrorCode.NOT_FOUND, "no user 'ann'")}.
 */
public class ServiceException extends CodedException {

  private static final long serialVersionUID = 1L;

  public ServiceException(ErrorCode code, String message) {
    super(code, message);
  }
}
