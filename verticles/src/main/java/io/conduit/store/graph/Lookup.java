package io.conduit.store.graph;

import io.vertx.core.json.JsonArray;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * How a filter compares a field with its value: the {@code __lookup} suffix of a filter key
 * ({@code name__icontains}). A missing field matches only {@code isnull: true} and {@code neq}.
 * Numbers compare by value (1 equals 1.0); ordering lookups compare numbers with numbers and strings
 * with strings, and never match across types.
 */
enum Lookup {
  EXACT, IEXACT, CONTAINS, ICONTAINS, IN, GT, GTE, LT, LTE, STARTSWITH, ISTARTSWITH, ENDSWITH, IENDSWITH, ISNULL, NEQ;

  static final String NAMES = Arrays.stream(values()).map(Lookup::key).collect(Collectors.joining(", "));

  String key() {
    return name().toLowerCase(Locale.ROOT);
  }

  static Lookup of(String key) {
    for (Lookup l : values()) {
      if (l.key().equals(key)) {
        return l;
      }
    }
    return null;
  }

  /** Why {@code value} cannot be this lookup's argument, or null when it can. */
  String refuse(Object value) {
    return switch (this) {
      case IN -> value instanceof JsonArray ? null : "takes a list of values";
      case ISNULL -> value instanceof Boolean ? null : "takes true or false";
      case IEXACT, CONTAINS, ICONTAINS, STARTSWITH, ISTARTSWITH, ENDSWITH, IENDSWITH ->
          value instanceof String || (this == CONTAINS && value != null) ? null : "takes a string";
      case GT, GTE, LT, LTE -> value instanceof Number || value instanceof String ? null : "takes a number or a string";
      case EXACT, NEQ -> null;
    };
  }

  boolean test(Object field, Object value) {
    return switch (this) {
      case EXACT -> field != null && same(field, value);
      case NEQ -> field == null || !same(field, value);
      case ISNULL -> (field == null) == (Boolean) value;
      case IN -> field != null && ((JsonArray) value).stream().anyMatch(v -> same(field, v));
      case IEXACT -> field instanceof String s && s.equalsIgnoreCase((String) value);
      case CONTAINS -> field instanceof String s ? value instanceof String v && s.contains(v)
          : field instanceof JsonArray a && a.stream().anyMatch(v -> same(v, value));
      case ICONTAINS -> field instanceof String s && lower(s).contains(lower((String) value));
      case STARTSWITH -> field instanceof String s && s.startsWith((String) value);
      case ISTARTSWITH -> field instanceof String s && lower(s).startsWith(lower((String) value));
      case ENDSWITH -> field instanceof String s && s.endsWith((String) value);
      case IENDSWITH -> field instanceof String s && lower(s).endsWith(lower((String) value));
      case GT -> compare(field, value) > 0;
      case GTE -> compare(field, value) >= 0 && comparable(field, value);
      case LT -> compare(field, value) < 0 && comparable(field, value);
      case LTE -> compare(field, value) <= 0 && comparable(field, value);
    };
  }

  /** JSON equality with numbers compared by value. */
  static boolean same(Object a, Object b) {
    if (a instanceof Number x && b instanceof Number y) {
      return Double.compare(x.doubleValue(), y.doubleValue()) == 0;
    }
    return a == null ? b == null : a.equals(b);
  }

  /** The key an index files a value under: equal for values {@link #same} calls equal. */
  static Object indexKey(Object value) {
    return value instanceof Number n ? (Object) n.doubleValue() : value;
  }

  private static boolean comparable(Object a, Object b) {
    return (a instanceof Number && b instanceof Number) || (a instanceof String && b instanceof String);
  }

  /** Order of two numbers or two strings; 0 (and {@link #comparable} false) across types, so GT never matches them. */
  private static int compare(Object a, Object b) {
    if (a instanceof Number x && b instanceof Number y) {
      return Double.compare(x.doubleValue(), y.doubleValue());
    }
    if (a instanceof String x && b instanceof String y) {
      return x.compareTo(y);
    }
    return 0;
  }

  private static String lower(String s) {
    return s.toLowerCase(Locale.ROOT);
  }
}
