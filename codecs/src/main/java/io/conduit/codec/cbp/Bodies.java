package io.conduit.codec.cbp;

import io.conduit.codec.ErrorCode;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.EncodeException;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.core.json.jackson.JacksonCodec;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.core.io.JsonStringEncoder;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.zip.DataFormatException;
import java.util.zip.Deflater;
import java.util.zip.Inflater;

/**
 * Bodies between bytes and event-bus values: {@code application/json} is the parsed JSON value
 * (an empty body is JSON {@code null}), {@code application/octet-stream} a {@link Buffer},
 * {@code text/plain} a String; {@code deflate} is zlib.
 */
public final class Bodies {

  /**
   * Jackson as Vert.x sets it up by default (C-style comments allowed, Jackson's default read
   * limits; Vert.x's {@code vertx.jackson.*} overrides of those limits do not apply here), reading a
   * byte array directly: Vert.x's own decoder reads a Buffer through an InputStream, which costs a
   * small request about 15 % more. Vert.x keeps its factory to itself.
   */
  private static final JsonFactory JSON = JsonFactory.builder().enable(JsonReadFeature.ALLOW_JAVA_COMMENTS).build();
  private static final LoopJsonWriter WRITER = new LoopJsonWriter(JSON);

  private Bodies() {
  }

  /** A reply body ready for the wire, with its content type. */
  public record Encoded(String contentType, byte[] bytes) {
  }

  /**
   * Decodes a request body. {@code maxBytes} bounds the inflated size of a compressed body, so a
   * small deflate bomb cannot exhaust memory.
   */
  public static Object decode(String contentType, String contentEncoding, byte[] body, int maxBytes, byte[] id)
      throws CbpException {
    byte[] bytes = body;
    if (contentEncoding != null) {
      if (!Headers.DEFLATE.equals(contentEncoding)) {
        throw new CbpException(ErrorCode.BAD_REQUEST, "content-encoding '" + contentEncoding
            + "' is not supported; use 'deflate' or none", id);
      }
      bytes = inflate(body, maxBytes, id);
    }
    String type = contentType == null ? Headers.JSON : contentType;
    switch (type) {
      case Headers.JSON:
        if (bytes.length == 0) {
          return null;
        }
        String plain = plainJsonString(bytes);
        if (plain != null) {
          return plain;
        }
        try {
          return json(bytes);
        } catch (DecodeException e) {
          throw new CbpException(ErrorCode.BAD_REQUEST, "the body is not valid JSON (content-type application/json)", id);
        }
      case Headers.OCTETS:
        return Buffer.buffer(bytes);
      case Headers.TEXT:
        return CbpFrames.utf8(bytes, "body", id);
      default:
        throw new CbpException(ErrorCode.BAD_REQUEST, "content-type '" + type
            + "' is not supported; use application/json, application/octet-stream or text/plain", id);
    }
  }

  /**
   * The JSON value in {@code bytes}, as Vert.x's {@code Json.decodeValue} gives it (objects as
   * {@link JsonObject}, arrays as {@link JsonArray}); a {@link DecodeException} when it is not JSON.
   */
  public static Object json(byte[] bytes) {
    try {
      return JacksonCodec.fromParser(JSON.createParser(bytes), Object.class);
    } catch (IOException e) {
      throw new DecodeException(e.getMessage(), e);
    }
  }

  /** Encodes a consumer's reply: bytes as octet-stream, everything else as JSON. */
  public static Encoded encode(Object value) {
    if (value instanceof Buffer b) {
      return new Encoded(Headers.OCTETS, b.getBytes());
    }
    if (value instanceof byte[] b) {
      return new Encoded(Headers.OCTETS, b);
    }
    if (value instanceof JsonObject || value instanceof JsonArray) {
      return new Encoded(Headers.JSON, jsonBytes(value));
    }
    if (value instanceof String text) {
      return new Encoded(Headers.JSON, jsonString(text));
    }
    return new Encoded(Headers.JSON, Json.encode(value).getBytes(StandardCharsets.UTF_8));
  }

  /**
   * A JSON object or array as the bytes Vert.x's {@code toBuffer()} gives (the same encoder and
   * Jackson's default output), written by Jackson into a byte array that is returned as it is
   * ({@link LoopJsonWriter}: on an event loop by a generator kept for it): {@code toBuffer()} wraps
   * that array in a Buffer whose bytes are then copied out once more.
   * With jackson-databind on the classpath Vert.x encodes through its ObjectMapper instead (POJOs,
   * UUIDs, modules an application registered), and so does this.
   */
  public static byte[] jsonBytes(Object value) {
    if (Json.CODEC.getClass() != JacksonCodec.class) {
      return Json.CODEC.toBuffer(value, false).getBytes();
    }
    try {
      return WRITER.write(value);
    } catch (IOException e) {
      throw new EncodeException("cannot encode the reply as JSON: " + e.getMessage());
    }
  }

  /**
   * The text of a JSON string that needs no decoding (quotes around printable ASCII, no escapes,
   * the commonest request body of an echo or text service), or null: Jackson decodes the rest.
   */
  static String plainJsonString(byte[] json) {
    int last = json.length - 1;
    if (last < 1 || json[0] != '"' || json[last] != '"') {
      return null;
    }
    for (int i = 1; i < last; i++) {
      byte b = json[i];
      if (b < 0x20 || b == '"' || b == '\\') { // a control character, a quote, an escape or non-ASCII (negative)
        return null;
      }
    }
    return new String(json, 1, last - 1, StandardCharsets.ISO_8859_1);
  }

  /**
   * A string as a JSON string in UTF-8: when no character needs an escape, its UTF-8 bytes in
   * quotes (JSON carries non-ASCII text as it is), else escaped by Jackson's own encoder; the
   * commonest reply of all (an echo, a text service) without setting up a JSON generator for one
   * value. The bytes are what {@code Json.encode} writes for the same string.
   */
  private static byte[] jsonString(String text) {
    byte[] utf8 = text.getBytes(StandardCharsets.UTF_8);
    if (!needsEscape(utf8)) {
      byte[] json = new byte[utf8.length + 2];
      json[0] = '"';
      System.arraycopy(utf8, 0, json, 1, utf8.length);
      json[json.length - 1] = '"';
      return json;
    }
    // escaped as characters, then encoded: a lone surrogate (no UTF-8 form) becomes '?', as in
    // Vert.x's Json.encode, where Jackson's quoteAsUTF8 would throw
    byte[] escaped = new String(JsonStringEncoder.getInstance().quoteAsString(text)).getBytes(StandardCharsets.UTF_8);
    byte[] json = new byte[escaped.length + 2];
    json[0] = '"';
    System.arraycopy(escaped, 0, json, 1, escaped.length);
    json[json.length - 1] = '"';
    return json;
  }

  /** A control character, a quote or a backslash; the bytes of non-ASCII characters are negative. */
  private static boolean needsEscape(byte[] utf8) {
    for (byte b : utf8) {
      if (b >= 0 && (b < 0x20 || b == '"' || b == '\\')) {
        return true;
      }
    }
    return false;
  }

  /** Parses a JSON object body, or returns an empty object when it is not one. */
  public static JsonObject parseObjectOrEmpty(byte[] body) {
    try {
      return json(body) instanceof JsonObject o ? o : new JsonObject();
    } catch (DecodeException e) {
      return new JsonObject();
    }
  }

  /** zlib-compresses bytes. */
  public static byte[] deflate(byte[] bytes) {
    Deflater deflater = new Deflater(Deflater.BEST_SPEED);
    try {
      deflater.setInput(bytes);
      deflater.finish();
      ByteArrayOutputStream out = new ByteArrayOutputStream(Math.max(64, bytes.length / 2));
      byte[] chunk = new byte[8192];
      while (!deflater.finished()) {
        out.write(chunk, 0, deflater.deflate(chunk));
      }
      return out.toByteArray();
    } finally {
      deflater.end();
    }
  }

  /** Inflates zlib bytes, refusing output larger than {@code maxBytes}. */
  public static byte[] inflate(byte[] bytes, int maxBytes, byte[] id) throws CbpException {
    Inflater inflater = new Inflater();
    try {
      inflater.setInput(bytes);
      ByteArrayOutputStream out = new ByteArrayOutputStream(Math.min(maxBytes, Math.max(64, bytes.length * 4)));
      byte[] chunk = new byte[8192];
      while (!inflater.finished()) {
        int n = inflater.inflate(chunk);
        if (n == 0 && (inflater.needsInput() || inflater.needsDictionary())) {
          throw new CbpException(ErrorCode.BAD_REQUEST, "the deflate body is truncated or corrupt", id);
        }
        if (out.size() + n > maxBytes) {
          throw new CbpException(ErrorCode.TOO_LARGE, "the inflated body is over the limit of " + maxBytes + " bytes",
              id, new JsonObject().put("limit", maxBytes));
        }
        out.write(chunk, 0, n);
      }
      return out.toByteArray();
    } catch (DataFormatException e) {
      throw new CbpException(ErrorCode.BAD_REQUEST, "the deflate body is corrupt (" + e.getMessage() + ")", id);
    } finally {
      inflater.end();
    }
  }
}
