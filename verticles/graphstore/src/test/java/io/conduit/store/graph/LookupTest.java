package io.conduit.store.graph;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Each {@code field__lookup} on a node {"name": "Alice", "age": 30, "tags": ["a", "b"]} (id 7). */
class LookupTest {

  private static final Node ALICE = new Node(7, new JsonObject().put("name", "Alice").put("age", 30)
      .put("tags", new JsonArray().add("a").add("b")));

  private static boolean matches(String key, Object value) {
    return Filter.all(parse(new JsonObject().put(key, value), "step 1 (V)"), ALICE);
  }

  private static List<Filter> parse(JsonObject filters, String where) {
    return Filter.parse(filters, where, FilterLimits.NONE);
  }

  @Test
  void exactComparesNumbersByValue() {
    assertTrue(matches("name", "Alice") && matches("name__exact", "Alice") && matches("age", 30.0));
    assertTrue(!matches("name", "alice") && !matches("missing", "x"));
  }

  @Test
  void iexactIgnoresCase() {
    assertTrue(matches("name__iexact", "ALICE") && !matches("name__iexact", "Alic"));
  }

  @Test
  void containsOnStringsAndLists() {
    assertTrue(matches("name__contains", "lic") && !matches("name__contains", "LIC"));
    assertTrue(matches("tags__contains", "b") && !matches("tags__contains", "c"));
  }

  @Test
  void icontainsIgnoresCase() {
    assertTrue(matches("name__icontains", "LIC") && !matches("name__icontains", "bob"));
  }

  @Test
  void containsAndIcontainsFindANeedleInALongTextAsStringContainsDoes() {
    // two letters, so that the long searches meet many partial matches
    java.util.Random random = new java.util.Random(11);
    for (int round = 0; round < 200; round++) {
      String text = letters(random, 1_000 + random.nextInt(2_000));
      int at = random.nextInt(text.length() - 300);
      String needle = random.nextBoolean() ? text.substring(at, at + 100 + random.nextInt(200))
          : letters(random, 100 + random.nextInt(200));
      Node node = new Node(1, new JsonObject().put("text", text));
      boolean expected = text.contains(needle);
      assertEquals(expected, Filter.all(parse(new JsonObject().put("text__contains", needle), "s"), node), needle);
      assertEquals(expected, Filter.all(parse(new JsonObject().put("text__icontains", needle.toUpperCase(
          java.util.Locale.ROOT)), "s"), node), needle);
    }
  }

  private static String letters(java.util.Random random, int length) {
    StringBuilder s = new StringBuilder(length);
    for (int i = 0; i < length; i++) {
      s.append(random.nextInt(3) == 0 ? 'b' : 'a');
    }
    return s.toString();
  }

  @Test
  void inTakesAList() {
    assertTrue(matches("age__in", new JsonArray().add(1).add(30)) && !matches("age__in", new JsonArray().add(31)));
  }

  @Test
  void orderingLookupsCompareNumbersWithNumbersAndStringsWithStrings() {
    assertTrue(matches("age__gt", 29) && !matches("age__gt", 30));
    assertTrue(matches("age__gte", 30) && !matches("age__gte", 31));
    assertTrue(matches("age__lt", 31) && !matches("age__lt", 30));
    assertTrue(matches("age__lte", 30) && !matches("age__lte", 29));
    assertTrue(matches("name__gt", "Aa") && !matches("name__gt", "B"));
    assertTrue(!matches("age__gt", "1") && !matches("age__lt", "zzz") && !matches("name__lte", 5), "never across types");
  }

  @Test
  void startsAndEndsWith() {
    assertTrue(matches("name__startswith", "Al") && !matches("name__startswith", "al"));
    assertTrue(matches("name__istartswith", "al") && !matches("name__istartswith", "li"));
    assertTrue(matches("name__endswith", "ce") && !matches("name__endswith", "CE"));
    assertTrue(matches("name__iendswith", "CE") && !matches("name__iendswith", "li"));
  }

  @Test
  void isnullMatchesAMissingField() {
    assertTrue(matches("city__isnull", true) && !matches("name__isnull", true) && matches("name__isnull", false));
  }

  @Test
  void neqMatchesOtherValuesAndMissingFields() {
    assertTrue(matches("name__neq", "Bob") && !matches("name__neq", "Alice") && matches("city__neq", "x"));
  }

  @Test
  void idFiltersTheEntityId() {
    assertTrue(matches("_id", 7) && matches("_id__in", new JsonArray().add(7)) && matches("_id__lt", 8));
    assertTrue(!matches("_id", 8));
  }

  @Test
  void filtersCombineWithAnd() {
    assertTrue(Filter.all(parse(new JsonObject().put("name", "Alice").put("age__gt", 20), "s"), ALICE));
    assertTrue(!Filter.all(parse(new JsonObject().put("name", "Alice").put("age__gt", 40), "s"), ALICE));
  }

  @Test
  void badFiltersNameTheStepAndTheKey() {
    for (var bad : List.of(List.of("name__like", "x", "unknown lookup 'like'"),
        List.of("age__in", 3, "in takes a list"), List.of("name__isnull", "yes", "isnull takes true or false"),
        List.of("_x", 1, "a field name starts with a letter"), List.of("age__gt", new JsonArray(), "takes a number"))) {
      GraphException e = org.junit.jupiter.api.Assertions.assertThrows(GraphException.class,
          () -> parse(new JsonObject().put((String) bad.get(0), bad.get(1)), "step 3 (outV)"));
      assertEquals(400, e.code().status());
      assertTrue(e.getMessage().startsWith("step 3 (outV): filter '" + bad.get(0) + "'")
          && e.getMessage().contains((String) bad.get(2)), e.getMessage());
    }
  }
}
