package io.conduit.service;

import io.conduit.codec.CodedException;
import io.conduit.codec.ErrorCode;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;

/**
 * How a failure thrown by service or stage code becomes a coded event-bus failure: a
 * {@link CodedException} (a {@link ServiceException}, a store's refusal ...) keeps its code, an {@link IllegalArgumentException} is a 400, a failure
 * already coded by another consumer keeps its code, anything else is a 500 with its message.
 */
public final class Failures {

  private Failures() {
  }

  /** The status a caller sees for this failure. */
  public static int status(Throwable error) {
    if (error instanceof CodedException coded) {
      return coded.code().status();
    }
    if (error instanceof IllegalArgumentException) {
      return ErrorCode.BAD_REQUEST.status();
    }
    if (error instanceof ReplyException r && r.failureType() == ReplyFailure.RECIPIENT_FAILURE) {
      return r.failureCode();
    }
    return ErrorCode.INTERNAL.status();
  }

  /** A sentence for the caller: the failure's message, or its type when it has none. */
  public static String message(Throwable error) {
    String message = error.getMessage();
    return message == null || message.isBlank() ? error.getClass().getSimpleName() : message;
  }

  /** Fails {@code message} with the failure's status and message. */
  public static void fail(Message<?> message, Throwable error) {
    message.fail(status(error), message(error));
  }
}
