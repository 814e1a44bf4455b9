package io.conduit.client;

import io.conduit.codec.ErrorCode;
import io.conduit.codec.cbp.Bodies;
import io.conduit.codec.cbp.CbpException;
import io.conduit.codec.cbp.CbpFrames;
import io.conduit.codec.cbp.Headers;
import io.vertx.core.json.EncodeException;

import java.nio.charset.StandardCharsets;
import java.util.Map;

/** Bodies as the client sends and receives them, on top of the codec's {@link Bodies}. */
final class Payloads {

  /** Largest reply body the client inflates; a bigger one fails its request with TOO_LARGE. */
  static final int MAX_INFLATED_BYTES = 256 << 20;

  private Payloads() {
  }

  /**
   * Encodes a request body: Buffer and byte[] as {@code application/octet-stream}, a String with
   * an explicit {@code text/plain} content type as text, everything else as JSON.
   */
  static Bodies.Encoded encode(Object body, String requestedType) {
    if (Headers.TEXT.equals(requestedType) && body instanceof String s) {
      return new Bodies.Encoded(Headers.TEXT, s.getBytes(StandardCharsets.UTF_8));
    }
    try {
      return Bodies.encode(body);
    } catch (EncodeException e) {
      throw new IllegalArgumentException("a body of type " + body.getClass().getName() + " cannot be sent; use a "
          + "JsonObject, JsonArray, String, Number, Boolean, null, Buffer or byte[]", e);
    }
  }

  /** Decodes a reply or event body by its {@code content-type} and {@code content-encoding}. */
  static Object decode(Map<String, String> headers, byte[] body) {
    try {
      return Bodies.decode(headers.get(Headers.CONTENT_TYPE), headers.get(Headers.CONTENT_ENCODING), body,
          MAX_INFLATED_BYTES, CbpFrames.EMPTY);
    } catch (CbpException e) {
      ErrorCode code = e.code() == ErrorCode.TOO_LARGE ? ErrorCode.TOO_LARGE : ErrorCode.INTERNAL;
      throw ConduitException.local(code, "the reply could not be decoded: " + e.getMessage(), null);
    }
  }
}
