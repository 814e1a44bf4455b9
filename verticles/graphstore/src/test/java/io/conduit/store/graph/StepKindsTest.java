package io.conduit.store.graph;

import io.vertx.core.json.JsonArray;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Each step takes nodes or edges; a query that gives one the wrong kind is refused before it runs. */
class StepKindsTest {

  private static GraphException refused(String steps) {
    GraphException e = assertThrows(GraphException.class,
        () -> Query.parse(new JsonArray(steps), false, FilterLimits.NONE));
    assertEquals(400, e.code().status(), e.getMessage());
    return e;
  }

  private static StepKinds.Kind kind(String steps) {
    return StepKinds.check(Query.parse(new JsonArray(steps), false, FilterLimits.NONE).steps());
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "[[\"v\", 3], [\"outE\"], [\"inE\"]]|step 3 (inE): inE takes nodes, but step 2 (outE) gives edges; from edges, go to their nodes first with outV, inV or bothV",
      "[[\"E\"], [\"bothE\"]]|step 2 (bothE): bothE takes nodes",
      "[[\"v\", 2], [\"inE\"], [\"limit\", 3], [\"outE\", {\"w\": 1}], [\"count\"]]|but step 3 (limit) gives edges",
      "[[\"V\"], [\"outE\", 2]]|step 2 (outE): repeated 2 times",
      "[[\"V\"], [\"union\", [[\"E\"]]]]|step 2 (union): combines nodes with edges",
      "[[\"E\"], [\"aka\", \"x\"], [\"outV\"], [\"collect\", \"x\"], [\"outE\"]]|step 5 (outE): outE takes nodes",
      "[[\"V\"], [\"collect\", \"x\"]]|step 2 (collect): no earlier aka step named 'x'"})
  void aStepGivenTheWrongKindIsA400NamingItAndTheKindItGot(String steps, String message) {
    GraphException e = refused(steps);
    assertTrue(e.getMessage().contains(message), e.getMessage());
  }

  @Test
  void everyGrapheekdbTraversalBetweenNodesAndEdgesIsAccepted() {
    assertEquals(StepKinds.Kind.EDGES, kind("[[\"v\", 1], [\"outV\"], [\"inE\"]]"));
    assertEquals(StepKinds.Kind.NODES, kind("[[\"v\", 1], [\"outE\"], [\"inV\"]]"));
    assertEquals(StepKinds.Kind.NODES, kind("[[\"e\", 4], [\"bothV\"], [\"outV\", 3]]"));
    assertEquals(StepKinds.Kind.EDGES, kind("[[\"e\", 4], [\"outV\"], [\"bothE\"], [\"dedup\"], [\"count\"]]"));
    assertEquals(StepKinds.Kind.EDGES, kind("[[\"E\"], [\"aka\", \"x\"], [\"outV\"], [\"collect\", \"x\"]]"));
    assertEquals(StepKinds.Kind.NODES, kind("[[\"shortestPath\", {\"from\": 1, \"to\": 2}], [\"intersection\", [[\"V\"]]]]"));
  }

  @Test
  void aLookupOnAFieldInsideAFieldIsA400NamingTheClauseAndTheLookups() {
    GraphException e = refused("[[\"V\", {\"foo__subfoo__gt\": 1}], [\"count\"]]");
    assertTrue(e.getMessage().startsWith("step 1 (V): filter 'foo__subfoo__gt': 'subfoo' is not a lookup"), e.getMessage());
    assertTrue(e.getMessage().contains("exact, iexact, contains"), e.getMessage());
    GraphException hop = refused("[[\"V\", {\"name\": \"Raf\"}], [\"bothV\", {\"foo__xxx__gt\": 1}], [\"count\"]]");
    assertTrue(hop.getMessage().startsWith("step 2 (bothV): filter 'foo__xxx__gt': 'xxx' is not a lookup"),
        hop.getMessage());
    GraphException unknown = refused("[[\"V\", {\"foo__around\": 1}]]");
    assertTrue(unknown.getMessage().contains("unknown lookup 'around' (expected one of exact, "), unknown.getMessage());
  }

  @Test
  void fieldNamesFollowOneRuleWhereverTheyAppear() {
    // any name data may hold can be filtered, ordered and summed: "first name" and "âge" included
    kind("[[\"V\", {\"first name__istartswith\": \"a\", \"âge__gt\": 3}], [\"orderBy\", \"-first name\"], [\"sum\", \"âge\"]]");
    assertTrue(refused("[[\"V\"], [\"orderBy\", \"_id\"]]").getMessage().contains("starts with a letter"));
    assertTrue(refused("[[\"V\"], [\"sum\", \"a__b\"]]").getMessage().contains("does not contain '__'"));
  }
}
