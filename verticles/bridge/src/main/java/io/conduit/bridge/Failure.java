package io.conduit.bridge;

import io.conduit.codec.ErrorCode;
import io.conduit.codec.EventBusFailure;
import io.conduit.store.owner.OwnerWatch;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
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
   * The failure of a request to {@code address}. When the node's own deployment serves that
   * address ({@code access}), a missing consumer is a service starting, recovering or being
   * replaced, or a part of it that runs elsewhere (a store's standbys), all retriable
   * {@code UNAVAILABLE}, not an address nobody serves.
   */
  static Failure of(Throwable error, String address, long timeoutMs, AccessPolicy access) {
    if (access.deploymentServes(address) && error instanceof ReplyException rex
        && rex.failureType() == ReplyFailure.NO_HANDLERS) {
      String above = access.deploymentServiceAbove(address);
      return new Failure(ErrorCode.UNAVAILABLE, above == null
          ? "'" + address + "' is a service of this node's deployment that has no consumer right now (starting, "
              + "recovering or being replaced); retry in a moment"
          : "'" + address + "' has no consumer on any node right now: it belongs to '" + above + "', a service of "
              + "this node's deployment, but other parts of it serve there"
              + (address.equals(above + ".ro") ? " (a store's replica reads are answered by its standbys, which run "
                  + "on the other nodes of a cluster: a standalone node has none)" : "") + "; retry once one runs",
          new JsonObject().put("retryAfterMs", RETRY_AFTER_MS));
    }
    EventBusFailure f = EventBusFailure.of(error, address, timeoutMs);
    JsonObject extra = new JsonObject();
    if (f.fromConsumer()) {
      extra.put("failureCode", f.status()); // the consumer's own status, whatever code it maps to
    } else if (f.code() == ErrorCode.TIMEOUT) {
      extra.put("timeoutMs", timeoutMs);
    }
    if (f.code() == ErrorCode.UNAVAILABLE) {
      extra.put("retryAfterMs", RETRY_AFTER_MS);
    }
    return new Failure(f.code(), f.message(), extra);
  }

  /**
   * A request whose store's owner left the cluster before it answered: the write may or may not
   * have been applied (an in-sync standby may hold it), and a standby takes over within seconds.
   */
  static Failure ownerLeft(String address) {
    return new Failure(ErrorCode.UNAVAILABLE, OwnerWatch.ownerLeftMessage(address),
        new JsonObject().put("retryAfterMs", RETRY_AFTER_MS));
  }
}
