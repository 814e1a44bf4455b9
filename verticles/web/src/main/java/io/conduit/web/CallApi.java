package io.conduit.web;

import io.conduit.bridge.AccessPolicy;
import io.conduit.bridge.Permissions;
import io.conduit.codec.ErrorCode;
import io.conduit.codec.RequestHeaders;
import io.conduit.store.owner.OwnerWatch;
import io.conduit.store.owner.StoreOwnership;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/**
 * {@code POST /api/call/{address}}: one event-bus request with the JSON body, answered with the
 * reply. Only addresses the web service's {@code inbound} list permits, by the bridge's rules
 * ({@link AccessPolicy#mayCall}): Vert.x's and Conduit's own namespaces only when the list names them.
 */
final class CallApi {

  private final Vertx vertx;
  /** The bridge's rules for calls, with the web service's own list. */
  private final AccessPolicy access;
  private final long defaultTimeoutMs;
  private final long maxTimeoutMs;
  private final OwnerWatch owners;
  /** HTTP headers that carry event-bus headers, both ways: {@code Conduit-Header-Trace-Id: 7} is {@code trace-id: 7}. */
  static final String HEADER_PREFIX = "Conduit-Header-";

  /** {@code idleTimeoutMs} bounds {@code ?timeoutMs}: a longer wait without traffic would be cut off as idle. */
  CallApi(Vertx vertx, Permissions inbound, long defaultTimeoutMs, long idleTimeoutMs, OwnerWatch owners) {
    this.vertx = vertx;
    this.owners = owners;
    this.access = AccessPolicy.forCalls(inbound, "the web service's");
    this.defaultTimeoutMs = defaultTimeoutMs;
    this.maxTimeoutMs = Math.min(600_000, idleTimeoutMs - 1);
  }

  void mount(Router api) {
    api.post("/call/:address").handler(this::call);
  }

  private void call(RoutingContext ctx) {
    String address = ctx.pathParam("address");
    if (address.isEmpty() || address.length() > 256) {
      ApiErrors.fail(ctx, ErrorCode.BAD_REQUEST, "the address must be 1-256 characters");
      return;
    }
    AccessPolicy.Verdict verdict = access.mayCall(address);
    if (!verdict.allowed()) {
      ApiErrors.fail(ctx, ErrorCode.FORBIDDEN, verdict.reason());
      return;
    }
    long timeout;
    try { // capped below the console's idleTimeoutMs, as the bridge caps at its maxTimeoutMs
      timeout = RequestHeaders.timeout(ctx.request().getParam("timeoutMs"), defaultTimeoutMs, maxTimeoutMs, "timeoutMs");
    } catch (IllegalArgumentException e) {
      ApiErrors.fail(ctx, ErrorCode.BAD_REQUEST, e.getMessage());
      return;
    }
    Object body;
    try {
      body = ctx.body().length() == 0 ? null : Json.decodeValue(ctx.body().buffer());
    } catch (RuntimeException e) {
      ApiErrors.fail(ctx, ErrorCode.BAD_REQUEST, "the body is not valid JSON: " + RequestBodies.firstLine(e.getMessage()));
      return;
    }
    OwnerWatch.Pending watched = owners.watch(address, () -> ownerLeft(ctx, address));
    long timeoutMs = timeout;
    DeliveryOptions delivery = new DeliveryOptions().setSendTimeout(timeout);
    ctx.request().headers().forEach((name, value) -> {
      // the client's own headers travel as Conduit-Header-<name>, as a CBP/1 client's do in its headers frame
      if (name.regionMatches(true, 0, HEADER_PREFIX, 0, HEADER_PREFIX.length())) {
        String header = name.substring(HEADER_PREFIX.length()).toLowerCase(java.util.Locale.ROOT);
        if (!header.isEmpty() && RequestHeaders.forwardable(header)) {
          delivery.addHeader(header, value);
        }
      }
    });
    delivery.addHeader(RequestHeaders.TIMEOUT_MS, Long.toString(timeout)); // the deadline, for the consumer to honour
    vertx.eventBus().request(address, body, delivery).onComplete(ar -> {
      if (!watched.settle()) {
        return; // answered 503 when the owner's node left
      }
      if (ar.failed() && watched.ownerLeft()) {
        ownerLeft(ctx, address);
        return;
      }
      String store = StoreOwnership.storeOfReplicaReads(address);
      if (ar.failed() && ar.cause() instanceof ReplyException rex && rex.failureType() == ReplyFailure.NO_HANDLERS
          && store != null && owners.owner(store) != null) {
        // a store's replica reads: its standbys run on other nodes, so as the bridge says it
        boolean clustered = vertx.isClustered();
        if (clustered) {
          ctx.response().putHeader("retry-after", "1");
        }
        ApiErrors.fail(ctx, clustered ? ErrorCode.UNAVAILABLE : ErrorCode.NO_HANDLERS,
            StoreOwnership.noReplicaReads(store, clustered));
        return;
      }
      if (ar.failed() && ar.cause() instanceof ReplyException rex && rex.failureType() == ReplyFailure.NO_HANDLERS
          && owners.owner(address) != null) {
        // a store's address with no consumer right now: it is starting or failing over, not unknown
        ctx.response().putHeader("retry-after", "1");
        ApiErrors.fail(ctx, ErrorCode.UNAVAILABLE, "'" + address + "' is a store's address with no owner serving it right "
            + "now (starting, recovering or failing over); retry in a moment");
        return;
      }
      if (ar.failed()) {
        ApiErrors.fail(ctx, ar.cause(), address, timeoutMs);
        return;
      }
      ar.result().headers().forEach((name, value) -> {
        if (RequestHeaders.forwardable(name)) {
          ctx.response().headers().add(HEADER_PREFIX + name, value);
        }
      });
      Object reply = ar.result().body();
      if (reply instanceof Buffer bytes) {
        ctx.response().putHeader("content-type", "application/octet-stream").end(bytes);
      } else if (reply instanceof JsonObject || reply instanceof JsonArray || reply == null
          || reply instanceof String || reply instanceof Number || reply instanceof Boolean) {
        ctx.response().putHeader("content-type", "application/json").end(Json.encode(reply));
      } else {
        ApiErrors.fail(ctx, ErrorCode.INTERNAL, "the reply is a " + reply.getClass().getSimpleName()
            + ", which has no JSON form");
      }
    });
  }

  /** The store's owner left the cluster with this request in flight: retriable, as on the bridge. */
  private static void ownerLeft(RoutingContext ctx, String address) {
    ctx.response().putHeader("retry-after", "1");
    ApiErrors.fail(ctx, ErrorCode.UNAVAILABLE, OwnerWatch.ownerLeftMessage(address));
  }
}
