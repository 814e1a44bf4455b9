package io.conduit.codec.cbp;

import io.conduit.codec.ErrorCode;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonObject;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/** The headers frame: a UTF-8 JSON object with string values; an empty frame means {@code {}}. */
public final class Headers {

  public static final String CONTENT_TYPE = "content-type";
  public static final String CONTENT_ENCODING = "content-encoding";
  public static final String ACCEPT_ENCODING = "accept-encoding";
  public static final String TIMEOUT = "timeout";

  public static final String JSON = "application/json";
  public static final String OCTETS = "application/octet-stream";
  public static final String TEXT = "text/plain";
  public static final String DEFLATE = "deflate";

  static final byte[] JSON_ONLY = "{\"content-type\":\"application/json\"}".getBytes(StandardCharsets.UTF_8);
  private static final byte[] OCTETS_ONLY = "{\"content-type\":\"application/octet-stream\"}".getBytes(StandardCharsets.UTF_8);
  private static final byte[] EMPTY_OBJECT = "{}".getBytes(StandardCharsets.UTF_8);
  private static final Map<String, String> JSON_ONLY_MAP = Map.of(CONTENT_TYPE, JSON);

  /**
   * The headers frame that holds only this content type; shared bytes (callers must not modify
   * them), so the common reply costs no JSON encoding.
   */
  public static byte[] contentTypeOnly(String contentType) {
    return switch (contentType) {
      case JSON -> JSON_ONLY;
      case OCTETS -> OCTETS_ONLY;
      default -> encode(Map.of(CONTENT_TYPE, contentType));
    };
  }

  private Headers() {
  }

  /** True for the headers the bridge itself interprets; the rest travel as event-bus headers. */
  public static boolean reserved(String name) {
    return CONTENT_TYPE.equals(name) || CONTENT_ENCODING.equals(name) || ACCEPT_ENCODING.equals(name)
        || TIMEOUT.equals(name);
  }

  /** The headers of a frame, unmodifiable; the two commonest frames are recognised without parsing. */
  public static Map<String, String> parse(byte[] frame, byte[] id) throws CbpException {
    if (frame.length == 0 || Arrays.equals(frame, EMPTY_OBJECT)) {
      return Collections.emptyMap();
    }
    if (Arrays.equals(frame, JSON_ONLY)) {
      return JSON_ONLY_MAP;
    }
    Object value;
    try {
      value = Json.decodeValue(new String(frame, StandardCharsets.UTF_8));
    } catch (DecodeException e) {
      throw new CbpException(ErrorCode.BAD_REQUEST, "the headers frame is not valid JSON", id);
    }
    if (!(value instanceof JsonObject object)) {
      throw new CbpException(ErrorCode.BAD_REQUEST, "the headers frame must be a JSON object", id);
    }
    Map<String, String> headers = new LinkedHashMap<>();
    for (Map.Entry<String, Object> e : object) {
      if (!(e.getValue() instanceof String s)) {
        throw new CbpException(ErrorCode.BAD_REQUEST, "header '" + e.getKey() + "' must have a string value", id);
      }
      headers.put(e.getKey(), s);
    }
    return Collections.unmodifiableMap(headers);
  }

  /** The headers frame for these headers. */
  public static byte[] encode(Map<String, String> headers) {
    if (headers.isEmpty()) {
      return new byte[0];
    }
    JsonObject o = new JsonObject();
    headers.forEach(o::put);
    return o.toBuffer().getBytes();
  }
}
