package io.conduit.bridge;

import io.conduit.codec.ErrorCode;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.JsonObject;

/**
 * An event-bus failure in the bridge's error vocabulary.
 *
 * @param code    the CBP/1 error code
 * @param message a sentence for a person
 * @param extra   extra fields of the error body
 */
record Failure(ErrorCode code, String message, JsonObject extra) {

  static Failure of(Throwable error, String address, long timeoutMs) {
    if (error instanceof ReplyException rex) {
      return switch (rex.failureType()) {
        case NO_HANDLERS -> new Failure(ErrorCode.NO_HANDLERS,
            "no consumer is registered for address '" + address + "' anywhere in the cluster", new JsonObject());
        case TIMEOUT -> new Failure(ErrorCode.TIMEOUT, "no reply from '" + address + "' within " + timeoutMs + " ms",
            new JsonObject().put("timeoutMs", timeoutMs));
        // a consumer that refuses work with 429 (a full pipeline, a busy service) is backpressure:
        // the client hears OVERLOADED, the code it already retries on
        case RECIPIENT_FAILURE -> new Failure(rex.failureCode() == ErrorCode.OVERLOADED.status()
            ? ErrorCode.OVERLOADED : ErrorCode.RECIPIENT_FAILURE,
            rex.getMessage() == null ? "the consumer failed the message" : rex.getMessage(),
            new JsonObject().put("failureCode", rex.failureCode()));
        case ERROR -> internal(rex);
      };
    }
    return internal(error);
  }

  private static Failure internal(Throwable error) {
    return new Failure(ErrorCode.INTERNAL, "the bridge could not complete the request: " + error.getMessage(),
        new JsonObject());
  }
}
