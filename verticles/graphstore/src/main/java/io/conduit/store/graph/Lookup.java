package io.conduit.store.graph;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * How a filter compares a field with its value: the {@code __lookup} suffix of a filter key
 * ({@code name__icontains}). A missing field matches only {@code isnull: true} and {@code neq}.
 * Numbers compare by value (1 equals 1.0); ordering lookups compare numbers with numbers and strings
 * with strings, and never match across types. A filter's value is {@link #prepare}d once per query
 * (an {@code in} list hashed, a case-insensitive needle lowercased, a substring's search table
 * built), then tested on each entity.
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

  /** Whether the value is a string searched for in the field's text (bounded by {@code maxFilterStringLength}). */
  boolean searchesText() {
    return switch (this) {
      case IEXACT, CONTAINS, ICONTAINS, STARTSWITH, ISTARTSWITH, ENDSWITH, IENDSWITH -> true;
      default -> false;
    };
  }

  /** The form of a (valid) value that {@link #test} takes: done once per query, not once per entity. */
  Object prepare(Object value) {
    return switch (this) {
      case IN -> ValueSet.of((JsonArray) value);
      case CONTAINS -> value instanceof String s ? new Needle(s) : value;
      case ICONTAINS -> new Needle(lower((String) value));
      case ISTARTSWITH, IENDSWITH -> lower((String) value);
      default -> value;
    };
  }

  /** Whether a field's value matches; {@code operand} is the filter's value as {@link #prepare} gave it. */
  boolean test(Object field, Object operand) {
    return switch (this) {
      case EXACT -> field != null && same(field, operand);
      case NEQ -> field == null || !same(field, operand);
      case ISNULL -> (field == null) == (Boolean) operand;
      case IN -> field != null && ((ValueSet) operand).contains(field);
      case IEXACT -> field instanceof String s && s.equalsIgnoreCase((String) operand);
      case CONTAINS -> field instanceof String s ? operand instanceof Needle n && n.foundIn(s)
          : field instanceof JsonArray a && a.stream().anyMatch(v -> same(v, raw(operand)));
      case ICONTAINS -> field instanceof String s && ((Needle) operand).foundIn(lower(s));
      case STARTSWITH -> field instanceof String s && s.startsWith((String) operand);
      case ISTARTSWITH -> field instanceof String s && lower(s).startsWith((String) operand);
      case ENDSWITH -> field instanceof String s && s.endsWith((String) operand);
      case IENDSWITH -> field instanceof String s && lower(s).endsWith((String) operand);
      case GT -> compare(field, operand) > 0;
      case GTE -> compare(field, operand) >= 0 && comparable(field, operand);
      case LT -> compare(field, operand) < 0 && comparable(field, operand);
      case LTE -> compare(field, operand) <= 0 && comparable(field, operand);
    };
  }

  /**
   * Roughly what {@link #test} costs on this field, in units of one cheap comparison, so that a query's
   * budget reads the clock as often as its work needs: a long text (lowercased, or searched by a
   * {@link Needle}) and a list or object compared element by element cost more.
   */
  long cost(Object field, Object operand) {
    long units = 1;
    if (field instanceof String s) {
      units += s.length() >> (operand instanceof Needle ? 4 : 6);
    } else if (field instanceof JsonArray a) {
      units += a.size();
    } else if (field instanceof JsonObject o) {
      units += o.size();
    }
    if (operand instanceof ValueSet set) {
      units += set.comparisons(field);
    }
    return units;
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

  /** A prepared value as given: {@code contains} on a list looks for the needle's string as one element. */
  private static Object raw(Object operand) {
    return operand instanceof Needle n ? n.text() : operand;
  }

  private static String lower(String s) {
    return s.toLowerCase(Locale.ROOT);
  }
}
