package io.conduit.bridge;

import io.conduit.codec.ErrorCode;
import io.conduit.store.owner.OwnerWatch;
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

  /** How long a client is told to wait before retrying a service that is starting or being replaced. */
  static final long RETRY_AFTER_MS = 1_000;

  /**
   * The failure of a request to {@code address}; {@code servedHere} says that the node's own
   * deployment serves that address, so a missing consumer is a service starting, recovering or
   * being replaced (retriable {@code UNAVAILABLE}), not an address nobody serves.
   */
  static Failure of(Throwable error, String address, long timeoutMs, boolean servedHere) {
    if (error instanceof ReplyException rex) {
      return switch (rex.failureType()) {
        case NO_HANDLERS -> servedHere
            ? new Failure(ErrorCode.UNAVAILABLE, "'" + address + "' is a service of this node's deployment that has "
                + "no consumer right now (starting, recovering or being replaced); retry in a moment",
                new JsonObject().put("retryAfterMs", RETRY_AFTER_MS))
            : new Failure(ErrorCode.NO_HANDLERS,
            "no consumer is registered for address '" + address + "' anywhere in the cluster", new JsonObject());
        case TIMEOUT -> new Failure(ErrorCode.TIMEOUT, "no reply from '" + address + "' within " + timeoutMs + " ms",
            new JsonObject().put("timeoutMs", timeoutMs));
        // a consumer that refuses work with 429 (a full pipeline, a busy service) or 503 (a store
        // that lost its lease, a stage stopping) asks to be retried: the client hears OVERLOADED or
        // UNAVAILABLE, the codes it already retries on
        case RECIPIENT_FAILURE -> new Failure(retriable(rex.failureCode()),
            rex.getMessage() == null ? "the consumer failed the message" : rex.getMessage(),
            new JsonObject().put("failureCode", rex.failureCode()));
        case ERROR -> internal(rex);
      };
    }
    return internal(error);
  }

  private static ErrorCode retriable(int status) {
    if (status == ErrorCode.OVERLOADED.status()) {
      return ErrorCode.OVERLOADED;
    }
    return status == ErrorCode.UNAVAILABLE.status() ? ErrorCode.UNAVAILABLE : ErrorCode.RECIPIENT_FAILURE;
  }

  /**
   * A request whose store's owner left the cluster before it answered: the write may or may not
   * have been applied (an in-sync standby may hold it), and a standby takes over within seconds.
   */
  static Failure ownerLeft(String address) {
    return new Failure(ErrorCode.UNAVAILABLE, OwnerWatch.ownerLeftMessage(address),
        new JsonObject().put("retryAfterMs", RETRY_AFTER_MS));
  }

  private static Failure internal(Throwable error) {
    return new Failure(ErrorCode.INTERNAL, "the bridge could not complete the request: " + error.getMessage(),
        new JsonObject());
  }
}
