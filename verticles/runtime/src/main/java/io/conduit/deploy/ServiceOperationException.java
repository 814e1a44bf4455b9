package io.conduit.deploy;

import io.conduit.codec.CodedException;
import io.conduit.codec.ErrorCode;

/**
 * An operation on a running service that was refused or failed; {@link #code()} is what the event
 * bus and REST answer with, the message names the service and the problem.
 */
public class ServiceOperationException extends CodedException {

  private static final long serialVersionUID = 1L;

  public ServiceOperationException(ErrorCode code, String message) {
    super(code, message);
  }

  public ServiceOperationException(ErrorCode code, String message, Throwable cause) {
    super(code, message, cause, true);
  }
}
