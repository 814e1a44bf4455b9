package io.conduit.deploy;

import io.conduit.codec.ErrorCode;

/**
 * An operation on a running service that was refused or failed; {@link #code()} is what the event
 * bus and REST answer with, the message names the service and the problem.
 */
public class ServiceOperationException extends RuntimeException {

  private final ErrorCode code;

  public ServiceOperationException(ErrorCode code, String message) {
    super(message);
    this.code = code;
  }

  public ServiceOperationException(ErrorCode code, String message, Throwable cause) {
    super(message, cause);
    this.code = code;
  }

  public ErrorCode code() {
    return code;
  }
}
