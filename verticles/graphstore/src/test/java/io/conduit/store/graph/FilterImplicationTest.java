package io.conduit.store.graph;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** When a query's filter lets the planner use a partial index: only when it is sure, never wrongly. */
class FilterImplicationTest {

  /** Field values the property test tries: numbers, texts in several cases, lists, a missing field. */
  private static final List<Object> VALUES = Arrays.asList(null, 0, 1, 1.0, 2, 2.5, 3, 10, -1, "", "a", "A", "ab",
      "Ab", "abc", "ABC", "b", "ba", "cab", "Anna", "anna", "Ann", true, false, new JsonArray().add("a"),
      new JsonArray().add("ab").add(1), new JsonObject().put("x", 1));
  private static final List<String> LOOKUPS = Arrays.stream(Lookup.values()).map(Lookup::key).toList();

  private static Filter filter(String key, Object value) {
    return Filter.parse(new JsonObject().put(key, value), "test", FilterLimits.NONE).get(0);
  }

  private static boolean implies(String givenKey, Object given, String wantedKey, Object wanted) {
    return FilterImplication.implies(filter(givenKey, given), filter(wantedKey, wanted));
  }

  @Test
  void theFormsUsersWriteAreRecognised() {
    assertTrue(implies("foo", 1, "foo", 1), "GrapheekDB's add_node_index(foo=1) then V(foo=1)");
    assertTrue(implies("foo", 1.0, "foo", 1), "numbers by value");
    assertTrue(implies("age__gt", 30, "age__gte", 18));
    assertTrue(implies("age__gte", 18, "age__gte", 18));
    assertTrue(implies("age__gt", 18, "age__gte", 18));
    assertTrue(implies("age__lt", 10, "age__lte", 10));
    assertTrue(implies("age", 40, "age__gt", 18), "an exact value inside the range");
    assertTrue(implies("age__in", new JsonArray().add(20).add(30), "age__gt", 18), "every listed value inside");
    assertTrue(implies("name__startswith", "Anna", "name__startswith", "An"));
    assertTrue(implies("name__istartswith", "ANNA", "name__istartswith", "an"));
    assertTrue(implies("name__startswith", "Anna", "name__contains", "nn"));
    assertTrue(implies("name__icontains", "ANN", "name__icontains", "n"));
    assertTrue(implies("name", "Ann", "name__isnull", false), "an exact value is not null");
    assertTrue(implies("age__gt", 3, "age__isnull", false));
    assertTrue(implies("name", "Ann", "name__iexact", "ann"));
  }

  @Test
  void whatIsNotSureIsNotImplied() {
    assertFalse(implies("age__gte", 18, "age__gt", 18), "18 itself");
    assertFalse(implies("age__gt", 10, "age__gt", 18));
    assertFalse(implies("age__gt", 10, "age__lt", 18), "opposite directions");
    assertFalse(implies("age__in", new JsonArray().add(20).add(3), "age__gt", 18));
    assertFalse(implies("age__gt", "a", "age__gt", 1), "a text bound says nothing of numbers");
    assertFalse(implies("name__contains", "ab", "name__contains", "a"), "contains also matches list elements");
    assertFalse(implies("name__startswith", "Anna", "name__istartswith", "an"), "case-sensitive to insensitive");
    assertFalse(implies("name__neq", "Ann", "name__isnull", false), "neq matches a missing field");
    assertFalse(implies("name__isnull", true, "name__isnull", false));
    assertFalse(implies("name", null, "name__isnull", true), "exact null matches nothing, and is not used");
  }

  @Test
  void wheneverOneFilterImpliesAnotherEveryValueTheFirstAcceptsTheSecondAcceptsToo() {
    Random random = new Random(20261203);
    int implications = 0;
    for (int i = 0; i < 200_000; i++) {
      Filter given = randomFilter(random);
      Filter wanted = randomFilter(random);
      if (given == null || wanted == null || !FilterImplication.implies(given, wanted)) {
        continue;
      }
      implications++;
      for (Object v : VALUES) {
        Element e = new Node(1, v == null ? new JsonObject() : new JsonObject().put("f", v));
        assertTrue(!given.test(e) || wanted.test(e), given + " was said to imply " + wanted + ", but " + v
            + " passes the first and not the second");
      }
    }
    assertTrue(implications > 1_000, "the random filters implied each other " + implications + " times");
  }

  private static Filter randomFilter(Random random) {
    String lookup = LOOKUPS.get(random.nextInt(LOOKUPS.size()));
    Object value;
    if ("in".equals(lookup)) {
      List<Object> list = new ArrayList<>();
      for (int n = random.nextInt(4); n > 0; n--) {
        list.add(VALUES.get(random.nextInt(VALUES.size())));
      }
      value = new JsonArray(list);
    } else {
      value = VALUES.get(random.nextInt(VALUES.size()));
    }
    try {
      return filter("f__" + lookup, value);
    } catch (GraphException refused) {
      return null; // a value the lookup does not take
    }
  }
}
