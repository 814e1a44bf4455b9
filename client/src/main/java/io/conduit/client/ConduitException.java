package io.conduit.client;

import io.conduit.codec.ErrorCode;
import io.vertx.core.json.JsonObject;

/**
 * A request that did not succeed: the bridge answered {@code ERROR}, no reply came in time, or the
 * client was closed. {@link #code()} says which (see docs/protocol.md for the codes), the message is the
 * bridge's sentence for a person, and {@link #details()} is the whole error body, with extra fields
 * such as {@code failureCode} (RECIPIENT_FAILURE), {@code limit} (TOO_LARGE, OVERLOADED) or
 * {@code timeoutMs} (TIMEOUT).
 */
public class ConduitException extends RuntimeException {

  private final ErrorCode code;
  private final JsonObject details;

  /** An error with this code and message; its details are {@code {"code", "message"}}. */
  public ConduitException(ErrorCode code, String message) {
    this(code, message, null);
  }

  /** An error with this code, message and extra fields (merged into {@link #details()}). */
  public ConduitException(ErrorCode code, String message, JsonObject extra) {
    this(code, message, extra, null, true);
  }

  ConduitException(ErrorCode code, String message, JsonObject extra, Throwable cause, boolean stackTrace) {
    super(message, cause, false, stackTrace);
    this.code = code;
    JsonObject body = new JsonObject().put("code", code.name()).put("message", message);
    if (extra != null) {
      extra.forEach(e -> body.put(e.getKey(), e.getValue()));
    }
    this.details = body;
  }

  /** The exception for an {@code ERROR} reply body; built on the client's event loop, so without a stack trace. */
  static ConduitException fromErrorBody(ErrorCode code, JsonObject body) {
    String message = body.getValue("message") instanceof String m ? m : "the bridge answered ERROR without a message";
    return new ConduitException(code, message, body, null, false);
  }

  /** A failure detected by the client itself (timeout, close), without a stack trace. */
  static ConduitException local(ErrorCode code, String message, JsonObject extra) {
    return new ConduitException(code, message, extra, null, false);
  }

  /** The same error, with the calling thread's stack trace and this one as its cause. */
  ConduitException rethrownHere() {
    return new ConduitException(code, getMessage(), details, this, true);
  }

  /** What went wrong, in the protocol's vocabulary. */
  public ErrorCode code() {
    return code;
  }

  /** The full error body: {@code code}, {@code message} and any extra fields; a copy. */
  public JsonObject details() {
    return details.copy();
  }

  @Override
  public String toString() {
    return "ConduitException[" + code + "]: " + getMessage();
  }
}
