package io.conduit.codec.cbp;

import io.conduit.codec.ErrorCode;
import io.vertx.core.json.JsonObject;

/**
 * A request the bridge refuses, with the CBP/1 error code, a sentence for a person, the request id
 * when it could be read, and extra fields for the error body ({@code limit}, {@code timeoutMs} ...).
 */
public class CbpException extends Exception {

  private final ErrorCode code;
  private final byte[] id;
  private final JsonObject extra;

  public CbpException(ErrorCode code, String message, byte[] id) {
    this(code, message, id, new JsonObject());
  }

  public CbpException(ErrorCode code, String message, byte[] id, JsonObject extra) {
    super(message, null, false, false);
    this.code = code;
    this.id = id == null ? CbpFrames.EMPTY : id;
    this.extra = extra;
  }

  public ErrorCode code() {
    return code;
  }

  public byte[] id() {
    return id;
  }

  /** The {@code ERROR} reply body: {@code {"code", "message", ...extra}}. */
  public JsonObject body() {
    return CbpFrames.errorBody(code, getMessage(), extra);
  }
}
