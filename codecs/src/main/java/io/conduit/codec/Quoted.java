package io.conduit.codec;

import io.vertx.core.json.Json;

/**
 * What a client sent, as an error message quotes it: whole when short, cut after
 * {@link #MAX_CHARS} characters with how long it was, so that a megabyte sent where a name was
 * expected does not come back in the error, nor fill the log.
 */
public final class Quoted {

  public static final int MAX_CHARS = 80;

  private Quoted() {
  }

  /** A JSON value as JSON text ({@code "abc"}, {@code {"a":1}}, {@code 12}), cut when long. */
  public static String json(Object value) {
    String text;
    try {
      text = Json.encode(value);
    } catch (RuntimeException e) {
      text = String.valueOf(value);
    }
    return cut(text);
  }

  /** A name or other text between single quotes ({@code 'abc'}), cut when long. */
  public static String text(String value) {
    return "'" + cut(String.valueOf(value)) + "'";
  }

  private static String cut(String text) {
    return text.length() <= MAX_CHARS ? text
        : text.substring(0, MAX_CHARS - 3) + "... (" + text.length() + " characters)";
  }
}
