package io.conduit.store.doc;

import io.conduit.codec.Quoted;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Moves values between JSON (what requests carry and replies return) and the tree's own form:
 * {@link DocObject} for objects, {@code ArrayList} for lists, and String, Number, Boolean or null.
 * Both directions copy, so nothing a caller holds can reach into the tree.
 */
final class Values {

  private Values() {
  }

  /**
   * Copies a JSON value into tree form, refusing what JSON cannot say (byte arrays, instants,
   * NaN...) and values nested more than {@code maxHeight} containers deep.
   *
   * @param what names the value in error messages, e.g. "set: 'value'"
   */
  static Object fromJson(Object json, int maxHeight, String what) {
    if (json == null || json instanceof String || json instanceof Boolean) {
      return json;
    }
    if (json instanceof Number n) {
      return number(n, what);
    }
    Map<?, ?> map = json instanceof JsonObject o ? o.getMap() : json instanceof Map<?, ?> m ? m : null;
    List<?> list = json instanceof JsonArray a ? a.getList() : json instanceof List<?> l ? l : null;
    if (map == null && list == null) {
      // Vert.x writes a few Java types (Instant, byte[], Buffer, enums...) as JSON strings; store what it would write.
      if (new JsonArray(List.of(json)).getValue(0) instanceof String s) {
        return s;
      }
      throw DocException.badRequest(what + " holds a " + json.getClass().getSimpleName()
          + ", which is not a JSON value");
    }
    if (maxHeight < 1) {
      throw DocException.badRequest(what + " would nest deeper than the document's limit of " + DocTree.MAX_DEPTH
          + " levels");
    }
    if (map != null) {
      DocObject object = new DocObject();
      for (Map.Entry<?, ?> e : map.entrySet()) {
        if (!(e.getKey() instanceof String key)) {
          throw DocException.badRequest(what + " has a key that is not a string: " + e.getKey());
        }
        object.put(key, fromJson(e.getValue(), maxHeight - 1, what));
      }
      return object;
    }
    List<Object> copy = new ArrayList<>(list.size());
    for (Object item : list) {
      copy.add(fromJson(item, maxHeight - 1, what));
    }
    return copy;
  }

  private static Number number(Number n, String what) {
    if (n instanceof Integer || n instanceof Long || n instanceof Short || n instanceof Byte
        || n instanceof BigInteger || n instanceof BigDecimal) {
      return n;
    }
    if ((n instanceof Double || n instanceof Float) && Double.isFinite(n.doubleValue())) {
      return n.doubleValue();
    }
    throw DocException.badRequest(what + " holds " + n + ", which is not a JSON number");
  }

  /** Copies a tree value out as JSON: JsonObject (keys in order), JsonArray or a scalar. */
  static Object toJson(Object value) {
    if (value instanceof DocObject object) {
      return toJson(object);
    }
    if (value instanceof List<?> list) {
      List<Object> copy = new ArrayList<>(list.size());
      for (Object item : list) {
        copy.add(toJson(item));
      }
      return new JsonArray(copy);
    }
    return value;
  }

  static JsonObject toJson(DocObject object) {
    Map<String, Object> copy = new LinkedHashMap<>(Math.max(16, object.size() * 4 / 3 + 1));
    for (DocObject.Member m = object.first(); m != null; m = m.next()) {
      copy.put(m.key(), toJson(m.value()));
    }
    return new JsonObject(copy);
  }

  /** Python's {@code ==} on tree values: numbers by value (1 == 1.0), objects regardless of key order. */
  static boolean same(Object a, Object b) {
    if (a instanceof Number x && b instanceof Number y) {
      return sameNumber(x, y);
    }
    if (a instanceof DocObject x && b instanceof DocObject y) {
      if (x.size() != y.size()) {
        return false;
      }
      for (DocObject.Member m = x.first(); m != null; m = m.next()) {
        if (!y.has(m.key()) || !same(m.value(), y.get(m.key()))) {
          return false;
        }
      }
      return true;
    }
    if (a instanceof List<?> x && b instanceof List<?> y) {
      if (x.size() != y.size()) {
        return false;
      }
      for (int i = 0; i < x.size(); i++) {
        if (!same(x.get(i), y.get(i))) {
          return false;
        }
      }
      return true;
    }
    return a == null ? b == null : a.equals(b);
  }

  private static boolean sameNumber(Number x, Number y) {
    if (isIntegral(x) && isIntegral(y)) {
      return x.longValue() == y.longValue();
    }
    if (x instanceof Double && y instanceof Double) {
      return x.doubleValue() == y.doubleValue();
    }
    return decimal(x).compareTo(decimal(y)) == 0;
  }

  private static BigDecimal decimal(Number n) {
    if (n instanceof BigDecimal d) {
      return d;
    }
    if (n instanceof BigInteger i) {
      return new BigDecimal(i);
    }
    return isIntegral(n) ? BigDecimal.valueOf(n.longValue()) : new BigDecimal(n.doubleValue());
  }

  /** An integer that fits in a long. */
  static boolean isIntegral(Number n) {
    return n instanceof Long || n instanceof Integer || n instanceof Short || n instanceof Byte
        || n instanceof BigInteger big && big.bitLength() < 64;
  }

  /** What kind of value this is, for messages: "an object", "a list", "a string"... */
  static String kind(Object value) {
    if (value instanceof DocObject || value instanceof JsonObject || value instanceof Map) {
      return "an object";
    }
    if (value instanceof List || value instanceof JsonArray) {
      return "a list";
    }
    if (value instanceof String) {
      return "a string";
    }
    if (value instanceof Number) {
      return "a number";
    }
    if (value instanceof Boolean) {
      return "a boolean";
    }
    return value == null ? "null" : "a " + value.getClass().getSimpleName();
  }

  /** A JSON value (the tree's own forms included) as an error message quotes it, cut when long. */
  static String brief(Object json) {
    return Quoted.json(json instanceof DocObject || json instanceof List ? toJson(json) : json);
  }
}
