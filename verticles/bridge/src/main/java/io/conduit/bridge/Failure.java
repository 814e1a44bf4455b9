package io.conduit.bridge;

import io.conduit.codec.ErrorCode;
import io.conduit.codec.EventBusFailure;
import io.conduit.store.owner.OwnerWatch;
import io.conduit.store.owner.StoreOwnership;
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
   * replaced: retriable {@code UNAVAILABLE}, not an address nobody serves. So are a store's replica
   * reads ({@code <store>.ro}) in a cluster, where its standbys run on other nodes; a standalone
   * node has none, so there they are {@code NO_HANDLERS}, saying why. Any other address below a
   * service (its change stream, {@code docs.changes}) is {@code NO_HANDLERS} when nobody consumes it.
   *
   * @param clustered whether this node is in a cluster (other nodes may run a store's standbys)
   */
  static Failure of(Throwable error, String address, long timeoutMs, AccessPolicy access, boolean clustered) {
    if (access.deploymentServes(address) && error instanceof ReplyException rex
        && rex.failureType() == ReplyFailure.NO_HANDLERS) {
      String above = access.deploymentServiceAbove(address);
      if (above == null) {
        return new Failure(ErrorCode.UNAVAILABLE, "'" + address + "' is a service of this node's deployment that has no "
            + "consumer right now (starting, recovering or being replaced); retry in a moment",
            new JsonObject().put("retryAfterMs", RETRY_AFTER_MS));
      }
      if (address.equals(StoreOwnership.replicaReads(above))) {
        return clustered
            ? new Failure(ErrorCode.UNAVAILABLE, StoreOwnership.noReplicaReads(above, true),
                new JsonObject().put("retryAfterMs", RETRY_AFTER_MS))
            : new Failure(ErrorCode.NO_HANDLERS, StoreOwnership.noReplicaReads(above, false), new JsonObject());
      }
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
