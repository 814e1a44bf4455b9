package io.conduit.store.graph;

import io.vertx.core.json.JsonArray;

import java.util.List;

/**
 * Whether a query's filters imply a partial index's filter: every entity the query's filters accept
 * is then in the index, so the planner may start from the index. Only sure implications count; when
 * in doubt the answer is no and the query scans, which is slower but never wrong.
 */
final class FilterImplication {

  private FilterImplication() {
  }

  /** Whether some filter of {@code query} implies {@code wanted}. */
  static boolean implied(Filter wanted, List<Filter> query) {
    for (Filter given : query) {
      if (given.field().equals(wanted.field()) && implies(given, wanted)) {
        return true;
      }
    }
    return false;
  }

  /** Whether every value {@code given} accepts, {@code wanted} accepts too (both on the same field). */
  static boolean implies(Filter given, Filter wanted) {
    if (given.lookup() == wanted.lookup() && Lookup.same(given.value(), wanted.value())) {
      return true;
    }
    Lookup g = given.lookup();
    Lookup w = wanted.lookup();
    if (g == Lookup.EXACT) {
      // a field equal to the value: the wanted filter's verdict on that value is its verdict on the field
      return given.value() != null && w.test(given.value(), wanted.operand());
    }
    if (g == Lookup.IN) {
      for (Object v : (JsonArray) given.value()) {
        if (v != null && !w.test(v, wanted.operand())) {
          return false;
        }
      }
      return true;
    }
    if (w == Lookup.ISNULL && Boolean.FALSE.equals(wanted.value())) {
      // every lookup but neq and isnull needs a value in the field to match
      return g != Lookup.NEQ && g != Lookup.ISNULL;
    }
    return bounds(given, wanted) || texts(given, wanted);
  }

  /** A range inside a range of the same direction: {@code age__gt: 30} implies {@code age__gte: 18}. */
  private static boolean bounds(Filter given, Filter wanted) {
    int sides = side(given.lookup()) * side(wanted.lookup());
    if (sides <= 0) {
      return false;
    }
    int order = order(given.value(), wanted.value());
    if (order == Integer.MIN_VALUE) {
      return false;
    }
    boolean up = side(given.lookup()) > 0;
    int toward = up ? order : -order; // > 0: given's bound lies further inside the wanted range
    boolean givenStrict = given.lookup() == Lookup.GT || given.lookup() == Lookup.LT;
    boolean wantedStrict = wanted.lookup() == Lookup.GT || wanted.lookup() == Lookup.LT;
    return toward > 0 || (toward == 0 && (givenStrict || !wantedStrict));
  }

  /**
   * {@code name__startswith: "Anna"} implies {@code name__startswith: "An"}; likewise within endswith, contains
   * and their case-insensitive forms (compared on the lowercased operands the lookups test with). A
   * case-sensitive filter never implies a case-insensitive one here (lowercasing a prefix is not always a
   * prefix of the lowercased text), and {@code contains} also matches list elements, so it implies only itself.
   */
  private static boolean texts(Filter given, Filter wanted) {
    if (!(given.value() instanceof String g) || !(wanted.value() instanceof String w)) {
      return false;
    }
    Lookup by = given.lookup();
    return switch (wanted.lookup()) {
      case STARTSWITH -> by == Lookup.STARTSWITH && g.startsWith(w);
      case ENDSWITH -> by == Lookup.ENDSWITH && g.endsWith(w);
      case CONTAINS -> (by == Lookup.STARTSWITH || by == Lookup.ENDSWITH) && g.contains(w);
      case ISTARTSWITH -> by == Lookup.ISTARTSWITH && lowered(given).startsWith(lowered(wanted));
      case IENDSWITH -> by == Lookup.IENDSWITH && lowered(given).endsWith(lowered(wanted));
      case ICONTAINS -> (by == Lookup.ICONTAINS || by == Lookup.ISTARTSWITH || by == Lookup.IENDSWITH)
          && lowered(given).contains(lowered(wanted));
      default -> false;
    };
  }

  /** The lowercased text a case-insensitive lookup compares with (its prepared operand). */
  private static String lowered(Filter f) {
    return f.operand() instanceof Needle n ? n.text() : (String) f.operand();
  }

  /** +1 for a lower bound (gt, gte), -1 for an upper bound (lt, lte), 0 otherwise. */
  private static int side(Lookup l) {
    return switch (l) {
      case GT, GTE -> 1;
      case LT, LTE -> -1;
      default -> 0;
    };
  }

  /** The order of two numbers or two strings, or {@code Integer.MIN_VALUE} across types. */
  private static int order(Object a, Object b) {
    if (a instanceof Number x && b instanceof Number y) {
      return Double.compare(x.doubleValue(), y.doubleValue());
    }
    if (a instanceof String x && b instanceof String y) {
      return Integer.signum(x.compareTo(y));
    }
    return Integer.MIN_VALUE;
  }
}
