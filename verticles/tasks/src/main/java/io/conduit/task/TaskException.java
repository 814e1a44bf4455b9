package io.conduit.task;

import io.conduit.codec.CodedException;
import io.conduit.codec.ErrorCode;

/** A task-queue request that cannot be done; the code is the reply's failure code. */
final class TaskException extends CodedException {

  private static final long serialVersionUID = 1L;

  TaskException(ErrorCode code, String message) {
    super(code, message, null, false);
  }
}
