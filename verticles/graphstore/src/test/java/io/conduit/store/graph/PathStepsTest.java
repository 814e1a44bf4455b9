package io.conduit.store.graph;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The steps that look back along each entity's way (GrapheekDB's aliases): dedup and without by an
 * aka name, select's rows, groupCount's tallies, a random neighbour each. The graph: Raf → Flo → Theo,
 * and Raf → Theo added where a test needs two ways to one node.
 */
class PathStepsTest {

  private final GraphStore store = new GraphStore("paths", new GraphData(), null,
      GraphStoreOptions.fromJson(new JsonObject()), Map.of(), Runnable::run);

  private Object send(String json) {
    return GraphCalls.submit(store, json);
  }

  private Object result(String steps) {
    Object reply = send("{\"op\":\"query\",\"steps\":" + steps + "}");
    return assertInstanceOf(JsonObject.class, reply, String.valueOf(reply)).getValue("result");
  }

  private String refused(String steps) {
    GraphException e = assertInstanceOf(GraphException.class, send("{\"op\":\"query\",\"steps\":" + steps + "}"));
    assertEquals(400, e.code().status(), e.getMessage());
    return e.getMessage();
  }

  @BeforeEach
  void people() {
    send("{\"op\":\"addNodes\",\"items\":[{\"name\":\"Raf\",\"weight\":2},{\"name\":\"Flo\",\"weight\":3},"
        + "{\"name\":\"Theo\",\"weight\":5}]}");
    send("{\"op\":\"addEdges\",\"items\":[{\"from\":1,\"to\":2,\"data\":{\"since\":1991}},"
        + "{\"from\":2,\"to\":3,\"data\":{\"since\":1996}}]}");
  }

  @Test
  void dedupByANameKeepsOneEntityPerEntityThatNameNamed() {
    // Raf and Theo each reach Flo: by 'x' these are two different ways, so Flo stays twice
    assertEquals(new JsonArray().add(2).add(2),
        result("[[\"V\",{\"name__in\":[\"Raf\",\"Theo\"]}],[\"aka\",\"x\"],[\"bothV\"],[\"dedup\",\"x\"],[\"ids\"]]"));
    assertEquals(new JsonArray().add(2),
        result("[[\"V\",{\"name__in\":[\"Raf\",\"Theo\"]}],[\"aka\",\"x\"],[\"bothV\"],[\"dedup\"],[\"ids\"]]"));
    assertTrue(refused("[[\"V\"],[\"aka\",\"x\"],[\"bothV\"],[\"dedup\",\"y\"]]")
        .contains("step 4 (dedup): no earlier aka step named 'y' (named so far: x)"));
  }

  @Test
  void withoutANameDropsTheEntityThatNameNamedOnItsOwnWay() {
    // from Raf out and back both ways: Raf himself is dropped, Theo (two hops away) stays
    assertEquals(new JsonArray().add(3), result("[[\"V\",{\"name\":\"Raf\"}],[\"aka\",\"x\"],[\"outV\"],[\"bothV\"],"
        + "[\"without\",\"x\"],[\"ids\"]]"));
    assertEquals(new JsonArray().add(3), result("[[\"V\",{\"name\":\"Raf\"}],[\"aka\",\"x\"],[\"outV\"],[\"bothV\"],"
        + "[\"without\",[\"x\",2]],[\"ids\"]]"), "names and ids together");
    assertTrue(refused("[[\"V\"],[\"without\",\"start\"]]").contains("no earlier aka step named 'start'"));
  }

  @Test
  void selectGivesARowOfTheNamedEntitiesForEachWay() {
    send("{\"op\":\"addEdge\",\"from\":1,\"to\":3}");
    JsonArray rows = (JsonArray) result("[[\"v\",1],[\"aka\",\"x\"],[\"outV\"],[\"aka\",\"y\"],[\"outV\"],[\"aka\",\"z\"],"
        + "[\"select\",[\"x\",\"y\",\"z\"]]]");
    assertEquals(1, rows.size());
    assertEquals(List.of(1L, 2L, 3L), ids(rows.getJsonArray(0)));
    JsonArray pairs = (JsonArray) result("[[\"v\",1],[\"aka\",\"x\"],[\"outV\"],[\"bothV\"],[\"aka\",\"y\"],"
        + "[\"select\",[\"x\",\"y\"]]]");
    // Raf's two ways out (to Flo, to Theo), then both ways on from each, in edge order: Raf twice, as two rows
    assertEquals(List.of(List.of(1L, 1L), List.of(1L, 3L), List.of(1L, 2L), List.of(1L, 1L)),
        pairs.stream().map(row -> ids((JsonArray) row)).toList(), "one row per way, not deduplicated");
    assertTrue(refused("[[\"V\"],[\"select\",[]]]").contains("takes an aka name or a list of them"));
    assertTrue(refused("[[\"V\"],[\"select\",\"x\"],[\"count\"]]").contains("must be the last step"));
  }

  @Test
  void groupCountTalliesEachEntityLargestFirst() {
    send("{\"op\":\"addNode\",\"data\":{\"name\":\"Ann\"}}"); // 6
    send("{\"op\":\"addEdges\",\"items\":[{\"from\":2,\"to\":6},{\"from\":1,\"to\":3},{\"from\":3,\"to\":6}]}");
    // Raf → Flo → Theo, Flo → Ann, Raf → Theo → Ann: two hops from Raf reach Theo once and Ann twice
    String twoHops = "[[\"V\",{\"name\":\"Raf\"}],[\"aka\",\"x\"],[\"outV\"],[\"outV\"],";
    assertEquals(List.of(List.of(6L, 2L), List.of(3L, 1L)), tally(result(twoHops + "[\"groupCount\"]]")));
    assertEquals(List.of(List.of(3L, 1L), List.of(6L, 2L)), tally(result(twoHops + "[\"groupCount\",{\"asc\":true}]]")));
    JsonArray shares = (JsonArray) result(twoHops + "[\"groupCount\",{\"percent\":true}]]");
    assertEquals(2.0 / 3, shares.getJsonArray(0).getDouble(1), 1e-9);
    assertEquals(1.0 / 3, shares.getJsonArray(1).getDouble(1), 1e-9);
    // the total of x's weight over the ways that reached each: Raf weighs 2
    assertEquals(List.of(List.of(6L, 4L), List.of(3L, 2L)),
        tally(result(twoHops + "[\"groupCount\",{\"field\":\"weight\",\"of\":\"x\"}]]")));
    assertTrue(refused(twoHops + "[\"groupCount\",{\"of\":\"x\"}]]").contains("give 'field' too"));
    assertTrue(refused(twoHops + "[\"groupCount\",{\"by\":\"x\"}]]").contains("unknown option 'by'"));
  }

  @Test
  void randomWithAHopGoesToOneNeighbourOfEachAtRandom() {
    send("{\"op\":\"addEdge\",\"from\":1,\"to\":3}");
    Set<Object> seen = new HashSet<>();
    for (int i = 0; i < 200 && seen.size() < 2; i++) {
      JsonArray one = (JsonArray) result("[[\"V\",{\"name\":\"Raf\"}],[\"random\",{\"hop\":\"outV\"}],[\"ids\"]]");
      assertEquals(1, one.size());
      seen.add(one.getValue(0));
    }
    assertEquals(Set.of(2L, 3L), seen, "both of Raf's neighbours come up");
    assertEquals(new JsonArray(), result("[[\"V\",{\"name\":\"Theo\"}],[\"random\",{\"hop\":\"outE\"}],[\"ids\"]]"),
        "no neighbour, no entity");
    assertEquals(new JsonArray().add(6), result("[[\"V\",{\"name\":\"Raf\"}],[\"random\",{\"hop\":\"outE\","
        + "\"filters\":{\"since__isnull\":true}}],[\"ids\"]]"));
    assertTrue(refused("[[\"E\"],[\"random\",{\"hop\":\"outE\"}]]").contains("outE takes nodes, but step 1 (E) gives edges"));
    assertTrue(refused("[[\"V\"],[\"random\",{\"hop\":\"sideways\"}]]").contains("takes a count, or {\"hop\""));
  }

  @Test
  void bothGoesToTheOtherEndOfEachMatchingEdgeOutThenIn() {
    send("{\"op\":\"addEdge\",\"from\":2,\"to\":2,\"data\":{\"since\":2000}}"); // Flo's loop: not a neighbour
    assertEquals(new JsonArray().add(3).add(1), result("[[\"v\",2],[\"both\"],[\"ids\"]]"));
    assertEquals(new JsonArray().add(1), result("[[\"v\",2],[\"both\",{\"since\":1991}],[\"ids\"]]"));
    assertEquals(new JsonArray().add(3).add(1), result("[[\"v\",1],[\"both\",2],[\"ids\"]]"),
        "Raf's neighbour Flo, then Flo's: Theo and Raf; duplicates kept");
    assertTrue(refused("[[\"E\"],[\"both\"]]").contains("both takes nodes"));
  }

  @Test
  void anUpdateByStepsChangesEveryEntityTheQueryGivesOrNone() {
    assertEquals(new JsonObject().put("count", 3), send("{\"op\":\"update\",\"steps\":[[\"V\",{\"weight__lt\":4}],"
        + "[\"bothV\"],[\"bothV\"]],\"data\":{\"seen\":true}}"), "Flo, Raf, Theo, Flo: each once");
    assertEquals(new JsonArray().add(1).add(2).add(3), result("[[\"V\",{\"seen\":true}],[\"ids\"]]"));
    send("{\"op\":\"createIndex\",\"on\":\"node\",\"fields\":[\"rank\"],\"unique\":true}");
    GraphException e = assertInstanceOf(GraphException.class, send("{\"op\":\"update\",\"steps\":[[\"V\"]],"
        + "\"data\":{\"rank\":1}}"));
    assertEquals(409, e.code().status());
    assertEquals(new JsonArray(), result("[[\"V\",{\"rank\":1}],[\"ids\"]]"), "the first node's change was undone too");
    GraphException both = assertInstanceOf(GraphException.class, send("{\"op\":\"update\",\"id\":1,"
        + "\"steps\":[[\"V\"]],\"data\":{}}"));
    assertTrue(both.getMessage().startsWith("update takes either 'id'"), both.getMessage());
  }

  @Test
  void orderByTakesAPlusForAscending() {
    assertEquals(new JsonArray().add(2).add(1).add(3), result("[[\"V\"],[\"orderBy\",\"+name\"],[\"ids\"]]"));
  }

  private static List<Long> ids(JsonArray entities) {
    return entities.stream().map(e -> ((JsonObject) e).getLong("id")).toList();
  }

  private static List<List<Long>> tally(Object result) {
    return ((JsonArray) result).stream().map(p -> (JsonArray) p)
        .map(p -> List.of(p.getJsonObject(0).getLong("id"), p.getLong(1))).toList();
  }
}
