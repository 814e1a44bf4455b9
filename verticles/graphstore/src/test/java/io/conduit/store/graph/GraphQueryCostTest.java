package io.conduit.store.graph;

import io.vertx.core.DeploymentOptions;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.function.BiPredicate;

import static io.conduit.store.graph.GraphCalls.await;
import static io.conduit.store.graph.GraphCalls.failure;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Graph queries pay for what they do: a filter's list or needle is prepared once per query, its size
 * is capped by the store's config, and the time limit holds however costly each comparison is.
 */
@ExtendWith(VertxExtension.class)
class GraphQueryCostTest {

  private static final String G = "costs";

  private static void deploy(Vertx vertx, JsonObject config) throws Exception {
    await(vertx.deployVerticle(new GraphStoreVerticle(), new DeploymentOptions().setConfig(
        config.put("address", G).put("backend", "memory"))));
  }

  /** Adds nodes with these data, in order, and gives their ids. */
  private static List<Long> addNodes(Vertx vertx, List<JsonObject> data) throws Exception {
    JsonObject reply = request(vertx, new JsonObject().put("op", "addNodes").put("items", new JsonArray(
        new ArrayList<>(data))));
    return reply.getJsonArray("ids").stream().map(id -> ((Number) id).longValue()).toList();
  }

  private static JsonObject request(Vertx vertx, JsonObject body) throws Exception {
    return (JsonObject) await(vertx.eventBus().request(G, body)).body();
  }

  private static JsonObject query(JsonArray steps) {
    return new JsonObject().put("op", "query").put("steps", steps);
  }

  private static JsonArray filtered(String step, String key, Object value, String last) {
    return new JsonArray().add(new JsonArray().add(step).add(new JsonObject().put(key, value)))
        .add(new JsonArray().add(last));
  }

  private static List<Long> ids(Vertx vertx, String key, Object value) throws Exception {
    return request(vertx, query(filtered("V", key, value, "ids"))).getJsonArray("result").stream()
        .map(id -> ((Number) id).longValue()).toList();
  }

  /** The ids of the nodes whose {@code field} matches, found by testing every node with {@code match}. */
  private static List<Long> bruteForce(List<Long> ids, List<JsonObject> data, String field,
                                       BiPredicate<Object, Object> match, Object value) {
    List<Long> expected = new ArrayList<>();
    for (int i = 0; i < ids.size(); i++) {
      Object actual = data.get(i).getValue(field);
      if (actual != null && match.test(actual, value)) {
        expected.add(ids.get(i));
      }
    }
    return expected;
  }

  /** Whether a value in the list is the same as the field's: the brute force, one value after another. */
  private static boolean anyIsSame(Object actual, Object values) {
    for (Object v : (List<?>) values) {
      if (v != null && sameValue(actual, v)) {
        return true;
      }
    }
    return false;
  }

  private static boolean sameValue(Object a, Object b) {
    return a instanceof Number x && b instanceof Number y ? x.doubleValue() == y.doubleValue() : a.equals(b);
  }

  private static void assertFails(ReplyException e, int code, String text) {
    assertEquals(code, e.failureCode(), e.getMessage());
    assertTrue(e.getMessage().contains(text), e.getMessage());
  }

  @Test
  void anInListAsLongAsAllowedOverManyNodesFindsWhatTestingEachValueFinds(Vertx vertx) throws Exception {
    deploy(vertx, new JsonObject()); // the default limits: 10,000 values, 500 ms
    List<JsonObject> data = new ArrayList<>();
    for (int i = 0; i < 20_000; i++) {
      Object k = switch (i % 4) {
        case 0 -> i;
        case 1 -> 3_000_000_000L + i;
        case 2 -> i + 0.5;
        default -> "s" + i;
      };
      data.add(new JsonObject().put("k", k));
    }
    data.add(new JsonObject().put("k", new JsonObject().put("a", 1)));
    data.add(new JsonObject().put("k", new JsonArray().add(1).add(2)));
    data.add(new JsonObject().put("k", true));
    data.add(new JsonObject().putNull("k"));
    data.add(new JsonObject());
    List<Long> ids = addNodes(vertx, data);
    // numbers in other types than stored (4.0 for 4, a double for a long), strings that look like
    // numbers, objects, lists, null and values no node has
    Random random = new Random(7);
    JsonArray values = new JsonArray().add(new JsonObject().put("a", 1)).add(new JsonArray().add(1).add(2))
        .add(true).addNull().add("4").add(8.0);
    while (values.size() < 10_000) {
      int i = random.nextInt(40_000);
      values.add(switch (random.nextInt(4)) {
        case 0 -> (double) i;
        case 1 -> (double) (3_000_000_000L + i);
        case 2 -> i + 0.5;
        default -> "s" + i;
      });
    }
    List<Long> expected = bruteForce(ids, data, "k", GraphQueryCostTest::anyIsSame, values.getList());
    assertTrue(expected.size() > 1_000, "the list matches many nodes: " + expected.size());
    assertEquals(expected, ids(vertx, "k__in", values));
  }

  @Test
  void aListOverMaxFilterValuesIsA413NamingTheFilter(Vertx vertx) throws Exception {
    deploy(vertx, new JsonObject());
    addNodes(vertx, List.of(new JsonObject().put("name", "Ann")));
    JsonArray names = new JsonArray();
    for (int i = 0; i < 100_000; i++) {
      names.add("name" + i);
    }
    assertFails(failure(vertx, G, query(filtered("V", "name__in", names, "count"))), 413,
        "step 1 (V): filter 'name__in' has 100000 values, the most allowed is 10000 (graph config maxFilterValues)");
  }

  @Test
  void aNeedleOverMaxFilterStringLengthIsA413NamingTheFilter(Vertx vertx) throws Exception {
    deploy(vertx, new JsonObject().put("maxFilterStringLength", 100));
    addNodes(vertx, List.of(new JsonObject().put("name", "Ann")));
    JsonArray steps = new JsonArray().add(new JsonArray().add("V"))
        .add(new JsonArray().add("outV").add(new JsonObject().put("name__icontains", "x".repeat(101))));
    assertFails(failure(vertx, G, query(steps)), 413, "step 2 (outV): filter 'name__icontains' has a string of 101 "
        + "characters, the most allowed is 100 (graph config maxFilterStringLength)");
  }

  @Test
  void aQueryOfCostlyComparisonsStopsWithTheTimeoutErrorSoonAfterItsLimit(Vertx vertx) throws Exception {
    deploy(vertx, new JsonObject().put("queryTimeLimitMs", 100));
    // each comparison lowercases 50,000 characters and looks for a 1,000-character needle that almost
    // matches at every position: far fewer than 4,096 of them fit in the limit
    String text = "a".repeat(50_000);
    List<JsonObject> data = new ArrayList<>();
    for (int i = 0; i < 20_000; i++) {
      data.add(new JsonObject().put("text", text));
    }
    addNodes(vertx, data);
    JsonObject costly = query(filtered("V", "text__icontains", "a".repeat(999) + "b", "count"));
    long start = System.nanoTime();
    ReplyException e = failure(vertx, G, costly);
    long elapsedMs = (System.nanoTime() - start) / 1_000_000;
    assertFails(e, 413, "ran past its time limit of 100 ms at step 1 (V)");
    assertTrue(elapsedMs < 100 + 400, "stopped after " + elapsedMs + " ms");
  }

  @Test
  void icontainsMatchesWhatLowercasingBothSidesFinds(Vertx vertx) throws Exception {
    deploy(vertx, new JsonObject());
    List<JsonObject> data = new ArrayList<>();
    for (String name : List.of("Ann", "ANNA", "joANNe", "Bob", "İstanbul", "istanbul", "STRASSE", "Straße", "")) {
      data.add(new JsonObject().put("name", name));
    }
    data.add(new JsonObject().put("name", 42));
    List<Long> ids = addNodes(vertx, data);
    BiPredicate<Object, Object> icontains = (actual, needle) -> actual instanceof String s
        && s.toLowerCase(Locale.ROOT).contains(((String) needle).toLowerCase(Locale.ROOT));
    for (String needle : List.of("ann", "ANN", "nNe", "İST", "ist", "ss", "SS", "ß", "", "x")) {
      assertEquals(bruteForce(ids, data, "name", icontains, needle), ids(vertx, "name__icontains", needle), needle);
    }
  }

  @Test
  void istartswithAndIendswithMatchWhatLowercasingBothSidesFinds(Vertx vertx) throws Exception {
    deploy(vertx, new JsonObject());
    List<JsonObject> data = new ArrayList<>();
    for (String name : List.of("Ann", "ANNA", "joANNe", "İstanbul", "istanbul", "Straße")) {
      data.add(new JsonObject().put("name", name));
    }
    List<Long> ids = addNodes(vertx, data);
    for (String needle : List.of("an", "AN", "İs", "NE", "ße", "a")) {
      String lower = needle.toLowerCase(Locale.ROOT);
      assertEquals(bruteForce(ids, data, "name", (a, n) -> ((String) a).toLowerCase(Locale.ROOT).startsWith(lower),
          needle), ids(vertx, "name__istartswith", needle), "istartswith " + needle);
      assertEquals(bruteForce(ids, data, "name", (a, n) -> ((String) a).toLowerCase(Locale.ROOT).endsWith(lower),
          needle), ids(vertx, "name__iendswith", needle), "iendswith " + needle);
    }
  }
}
