package io.conduit.codec.cbp;

import io.conduit.codec.ErrorCode;
import io.vertx.core.json.JsonObject;

import java.util.Map;

/**
 * A CBP/1 reply as a client receives it.
 *
 * @param ok      true for {@code OK}, false for {@code ERROR}
 * @param id      the id of the request it answers
 * @param headers reply headers; always holds {@code content-type}
 * @param body    the body bytes (for {@code ERROR}, a JSON object)
 */
public record CbpReply(boolean ok, byte[] id, Map<String, String> headers, byte[] body) {

  /**
   * For an {@code ERROR} reply: the code, or {@link ErrorCode#INTERNAL} when the body names none
   * known (no {@code code}, {@code null}, not a string, or a name this side does not know).
   */
  public ErrorCode errorCode() {
    if (errorBody().getValue("code") instanceof String name) {
      try {
        return ErrorCode.valueOf(name);
      } catch (IllegalArgumentException e) {
        // a code from a newer bridge: INTERNAL below
      }
    }
    return ErrorCode.INTERNAL;
  }

  /** For an {@code ERROR} reply: the JSON body. */
  public JsonObject errorBody() {
    return Bodies.parseObjectOrEmpty(body);
  }
}
