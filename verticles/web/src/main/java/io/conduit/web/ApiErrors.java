package io.conduit.web;

import io.conduit.codec.ErrorCode;
import io.conduit.codec.EventBusFailure;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

/**
 * The one error body of Conduit's REST API: {@code {"code": "NOT_FOUND", "message": "..."}} with the
 * code's HTTP status, so REST, the bridge and the event bus speak the same error vocabulary.
 */
public final class ApiErrors {

  private ApiErrors() {
  }

  /** Ends the request with the code's status and a JSON error body. */
  public static void fail(RoutingContext ctx, ErrorCode code, String message) {
    if (ctx.response().ended()) {
      return;
    }
    ctx.response()
        .setStatusCode(code.status())
        .putHeader("content-type", "application/json")
        .end(body(code, message).encode());
  }

  /**
   * Ends the request with the error an event-bus request failed with, in the vocabulary every
   * front door shares ({@link EventBusFailure}): a consumer's {@code message.fail(status, text)}
   * keeps its text, its status becomes its code (404 NOT_FOUND, 409 CONFLICT ...; any other status
   * RECIPIENT_FAILURE) and travels as {@code failureCode}; no handlers and timeouts have their own.
   */
  public static void fail(RoutingContext ctx, Throwable failure) {
    fail(ctx, failure, "that address", 0);
  }

  /** As {@link #fail(RoutingContext, Throwable)}, naming the address asked and the timeout it had. */
  public static void fail(RoutingContext ctx, Throwable failure, String address, long timeoutMs) {
    EventBusFailure f = EventBusFailure.of(failure, address, timeoutMs);
    if (!(failure instanceof ReplyException)) {
      fail(ctx, ErrorCode.INTERNAL, failure.getMessage() == null ? failure.getClass().getSimpleName() : failure.getMessage());
      return;
    }
    String message = f.code() == ErrorCode.TIMEOUT && timeoutMs <= 0 ? "no reply in time: " + failure.getMessage()
        : f.message();
    JsonObject body = body(f.code(), message);
    if (f.fromConsumer()) {
      body.put("failureCode", f.status());
    }
    if (!ctx.response().ended()) {
      ctx.response().setStatusCode(f.code().status()).putHeader("content-type", "application/json").end(body.encode());
    }
  }

  /** The error body itself, for senders that are not a {@link RoutingContext} (SSE, tests). */
  public static JsonObject body(ErrorCode code, String message) {
    return new JsonObject().put("code", code.name()).put("message", message);
  }
}
