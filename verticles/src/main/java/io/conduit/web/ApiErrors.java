package io.conduit.web;

import io.conduit.codec.ErrorCode;
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
   * Ends the request with the error an event-bus request failed with: a consumer's
   * {@code message.fail(status, text)} keeps its status and text; no handlers and timeouts map to
   * their own codes; anything else is an internal error.
   */
  public static void fail(RoutingContext ctx, Throwable failure) {
    if (failure instanceof ReplyException reply) {
      switch (reply.failureType()) {
        case NO_HANDLERS -> fail(ctx, ErrorCode.NO_HANDLERS, "no service is listening on that address");
        case TIMEOUT -> fail(ctx, ErrorCode.TIMEOUT, "no reply in time: " + reply.getMessage());
        default -> fail(ctx, ErrorCode.forStatus(reply.failureCode()), reply.getMessage());
      }
      return;
    }
    String message = failure.getMessage() == null ? failure.getClass().getSimpleName() : failure.getMessage();
    fail(ctx, ErrorCode.INTERNAL, message);
  }

  /** The error body itself, for senders that are not a {@link RoutingContext} (SSE, tests). */
  public static JsonObject body(ErrorCode code, String message) {
    return new JsonObject().put("code", code.name()).put("message", message);
  }
}
