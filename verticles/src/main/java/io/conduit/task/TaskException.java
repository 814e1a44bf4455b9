package io.conduit.task;

import io.conduit.codec.ErrorCode;

/** A task-queue request that cannot be done; the code is the reply's failure code. */
final class TaskException extends RuntimeException {

  private final ErrorCode code;

  TaskException(ErrorCode code, String message) {
    super(message, null, false, false);
    this.code = code;
  }

  ErrorCode code() {
    return code;
  }
}
