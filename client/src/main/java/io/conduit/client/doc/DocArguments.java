package io.conduit.client.doc;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The checks a request's arguments get at the call, so that a mistake throws there with a clear
 * message, nothing is sent, and both transports refuse it alike (left to them, the event bus and the
 * bridge would fail differently, and a path step such as 1.5 would reach the store).
 */
final class DocArguments {

  /** Values are checked this deep; the store refuses anything deeper than its own limit (100) anyway. */
  private static final int CHECKED_DEPTH = 128;

  private DocArguments() {
  }

  static String address(String address) {
    if (address == null || address.isEmpty()) {
      throw new IllegalArgumentException("the document store's event-bus address is required");
    }
    return address;
  }

  /** The path as the store reads it, a JSON array of String keys and Integer/Long indexes. */
  static JsonArray path(Object[] steps) {
    if (steps == null) {
      throw new IllegalArgumentException("the path is null; pass no steps for the document's root");
    }
    List<Object> path = new ArrayList<>(steps.length);
    for (int i = 0; i < steps.length; i++) {
      Object step = steps[i];
      if (!(step instanceof String) && !(step instanceof Integer) && !(step instanceof Long)) {
        throw new IllegalArgumentException("path step " + i + " is " + describe(step) + "; a step is a String key or "
            + "an Integer or Long index");
      }
      path.add(step);
    }
    return new JsonArray(path);
  }

  /** {@code value}, after checking that it is JSON; {@code what} names it in the error, e.g. "set's value". */
  static <T> T json(T value, String what) {
    check(value, what, 0);
    return value;
  }

  private static void check(Object value, String what, int depth) {
    if (value == null || value instanceof String || value instanceof Number || value instanceof Boolean
        || depth > CHECKED_DEPTH) {
      return;
    }
    Map<?, ?> map = value instanceof JsonObject o ? o.getMap() : value instanceof Map<?, ?> m ? m : null;
    if (map != null) {
      for (Map.Entry<?, ?> e : map.entrySet()) {
        if (!(e.getKey() instanceof String)) {
          throw new IllegalArgumentException(what + " has a key that is not a String: " + describe(e.getKey()));
        }
        check(e.getValue(), what, depth + 1);
      }
      return;
    }
    List<?> list = value instanceof JsonArray a ? a.getList() : value instanceof List<?> l ? l : null;
    if (list == null) {
      throw new IllegalArgumentException(what + " holds " + describe(value) + ", which is not JSON; use JsonObject, "
          + "JsonArray, Map, List, String, Number, Boolean or null");
    }
    for (Object item : list) {
      check(item, what, depth + 1);
    }
  }

  private static String describe(Object value) {
    if (value == null) {
      return "null";
    }
    String text = String.valueOf(value);
    return "a " + value.getClass().getName() + " (" + (text.length() > 40 ? text.substring(0, 40) + "..." : text) + ")";
  }
}
