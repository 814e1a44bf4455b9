package io.conduit.web;

import io.conduit.codec.ErrorCode;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

/** Reads a POST's JSON body once, at the edge, answering 400 with the reason when it is not one. */
final class RequestBodies {

  private RequestBodies() {
  }

  /** The body as an object ({} when empty), or null after answering 400. */
  static JsonObject object(RoutingContext ctx) {
    var body = ctx.body();
    if (body == null || body.length() == 0) {
      return new JsonObject();
    }
    try {
      if (io.vertx.core.json.Json.decodeValue(body.buffer()) instanceof JsonObject object) {
        return object;
      }
      ApiErrors.fail(ctx, ErrorCode.BAD_REQUEST, "the body must be a JSON object");
      return null;
    } catch (DecodeException | IllegalArgumentException | ClassCastException e) {
      ApiErrors.fail(ctx, ErrorCode.BAD_REQUEST, "the body is not valid JSON: " + firstLine(e.getMessage()));
      return null;
    }
  }

  static String firstLine(String text) {
    if (text == null) {
      return "";
    }
    int nl = text.indexOf('\n');
    return nl < 0 ? text : text.substring(0, nl);
  }
}
