package io.conduit.codec;

import io.vertx.core.eventbus.ReplyException;

/**
 * The one mapping from a failed event-bus request to Conduit's error vocabulary, used by every
 * front door (the bridge's CBP/1 and Majordomo replies, REST, the console's fan-out) and by the
 * JVM clients, so that a failure reads the same whichever way a client came in:
 * <ul>
 *   <li>no consumer anywhere: {@link ErrorCode#NO_HANDLERS};</li>
 *   <li>no reply in time: {@link ErrorCode#TIMEOUT};</li>
 *   <li>the consumer failed the message with a status: the code of that status when the vocabulary
 *       has one ({@link #codeForStatus}: 400, 403, 404, 409, 413, 429, 503, 504), so a store's 404
 *       is {@code NOT_FOUND} everywhere; any other status (a 500 from a failing service)
 *       {@link ErrorCode#RECIPIENT_FAILURE}. The status itself is kept ({@link #status}) and sent to
 *       clients as {@code failureCode};</li>
 *   <li>anything else: {@link ErrorCode#INTERNAL}.</li>
 * </ul>
 *
 * @param code    the code in the shared vocabulary
 * @param status  the consumer's own status for a consumer's failure, else the code's status
 * @param message a sentence for a person
 * @param fromConsumer the consumer failed the message (its status goes to clients as {@code failureCode})
 */
public record EventBusFailure(ErrorCode code, int status, String message, boolean fromConsumer) {

  /** The failure of a request to {@code address} that waited at most {@code timeoutMs}. */
  public static EventBusFailure of(Throwable error, String address, long timeoutMs) {
    if (error instanceof ReplyException rex) {
      return switch (rex.failureType()) {
        case NO_HANDLERS -> new EventBusFailure(ErrorCode.NO_HANDLERS, ErrorCode.NO_HANDLERS.status(),
            "no consumer is registered for address '" + address + "' anywhere in the cluster", false);
        case TIMEOUT -> new EventBusFailure(ErrorCode.TIMEOUT, ErrorCode.TIMEOUT.status(),
            "no reply from '" + address + "' within " + timeoutMs + " ms", false);
        case RECIPIENT_FAILURE -> new EventBusFailure(codeForStatus(rex.failureCode()), rex.failureCode(),
            rex.getMessage() == null ? "the consumer failed the message" : rex.getMessage(), true);
        case ERROR -> internal(error);
      };
    }
    return internal(error);
  }

  /**
   * The code of a status a consumer failed a message with: the vocabulary's own code for the
   * statuses it has one for, {@link ErrorCode#RECIPIENT_FAILURE} for any other.
   */
  public static ErrorCode codeForStatus(int status) {
    return switch (status) {
      case 400, 403, 404, 409, 413, 429, 503, 504 -> ErrorCode.forStatus(status);
      default -> ErrorCode.RECIPIENT_FAILURE;
    };
  }

  private static EventBusFailure internal(Throwable error) {
    String message = error.getMessage() == null ? error.getClass().getSimpleName() : error.getMessage();
    return new EventBusFailure(ErrorCode.INTERNAL, ErrorCode.INTERNAL.status(), "the request could not be completed: "
        + message, false);
  }
}
