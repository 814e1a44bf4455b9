package io.conduit.client;

import io.conduit.codec.cbp.Headers;

import java.util.Map;

/**
 * A successful reply: its headers (always with {@code content-type}, plus any event-bus headers the
 * consumer set) and its decoded body: a JSON value (JsonObject, JsonArray, String, Number, Boolean
 * or null) for {@code application/json}, a {@link io.vertx.core.buffer.Buffer} for
 * {@code application/octet-stream}, a String for {@code text/plain}.
 */
public record Reply(Map<String, String> headers, Object body) {

  public Reply {
    headers = Map.copyOf(headers);
  }

  /** One header's value, or null. */
  public String header(String name) {
    return headers.get(name);
  }

  /** The body's content type. */
  public String contentType() {
    return headers.getOrDefault(Headers.CONTENT_TYPE, Headers.JSON);
  }
}
