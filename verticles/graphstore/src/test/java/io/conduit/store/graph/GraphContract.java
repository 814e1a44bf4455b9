package io.conduit.store.graph;

import io.conduit.client.graph.Entity;
import io.conduit.client.graph.Graph;
import io.conduit.client.graph.GraphQuery;
import io.conduit.client.graph.GraphStoreException;
import io.conduit.client.graph.GroupCount;
import io.conduit.client.graph.NewEdge;
import io.vertx.core.Context;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.FilterReader;
import java.io.FilterWriter;
import java.io.IOException;
import java.io.Reader;
import java.io.StringReader;
import java.io.StringWriter;
import java.io.Writer;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The graph API as a user sees it, written once and run against an embedded graph, a graph over the
 * event bus and a graph through the ZeroMQ bridge: GrapheekDB's "same API remote as local", kept honest.
 * The fixture is four people: Ann knows Bob, Bob knows Cid, Ann likes Cid, Cid knows Dee.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
abstract class GraphContract {

  /** A new, empty graph for one test. */
  protected abstract Graph newGraph() throws Exception;

  protected Graph g;
  protected long ann;
  protected long bob;
  protected long cid;
  protected long dee;
  protected long annBob;
  protected long bobCid;
  protected long annCid;
  protected long cidDee;

  @BeforeEach
  void people() throws Exception {
    g = newGraph();
    List<Long> ids = join(g.addNodes(List.of(person("Ann", 30, "Paris"), person("Bob", 25, "London"),
        person("Cid", 35, "Paris"), new JsonObject().put("name", "Dee"))));
    ann = ids.get(0);
    bob = ids.get(1);
    cid = ids.get(2);
    dee = ids.get(3);
    List<Long> edges = join(g.addEdges(List.of(knows(ann, bob, 1), knows(bob, cid, 2),
        new NewEdge(ann, cid, new JsonObject().put("rel", "likes").put("w", 5)), knows(cid, dee, 1))));
    annBob = edges.get(0);
    bobCid = edges.get(1);
    annCid = edges.get(2);
    cidDee = edges.get(3);
  }

  private static JsonObject person(String name, int age, String city) {
    return new JsonObject().put("name", name).put("age", age).put("city", city);
  }

  private static NewEdge knows(long from, long to, int w) {
    return new NewEdge(from, to, new JsonObject().put("rel", "knows").put("w", w));
  }

  static <T> T join(CompletionStage<T> stage) throws Exception {
    try {
      return stage.toCompletableFuture().get(20, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      throw e.getCause() instanceof Exception cause ? cause : e;
    }
  }

  static GraphStoreException fails(CompletionStage<?> stage) {
    ExecutionException e = assertThrows(ExecutionException.class,
        () -> stage.toCompletableFuture().get(20, TimeUnit.SECONDS));
    return assertInstanceOf(GraphStoreException.class, e.getCause());
  }

  static JsonObject f(String key, Object value) {
    return new JsonObject().put(key, value);
  }

  private List<String> names(CompletionStage<List<JsonObject>> data) throws Exception {
    return join(data).stream().map(d -> d.getString("name")).toList();
  }

  // ---- writes and reply shapes

  @Test
  void idsAreUniqueAcrossNodesAndEdges() throws Exception {
    Set<Long> all = new HashSet<>(List.of(ann, bob, cid, dee, annBob, bobCid, annCid, cidDee));
    assertEquals(8, all.size());
  }

  @Test
  void anAddedNodeComesBackWithItsData() throws Exception {
    long id = join(g.addNode(f("name", "Eve")));
    Entity eve = join(g.v(id).entities()).get(0);
    assertEquals(new Entity(id, "node", null, null, f("name", "Eve")), eve);
  }

  @Test
  void anEdgeComesBackWithItsEndpoints() throws Exception {
    Entity edge = join(g.e(annBob).entities()).get(0);
    assertEquals(new Entity(annBob, "edge", ann, bob, new JsonObject().put("rel", "knows").put("w", 1)), edge);
  }

  @Test
  void anEdgeToAMissingNodeIsRefusedWith404() {
    GraphStoreException e = fails(g.addEdge(ann, 999_999, new JsonObject()));
    assertEquals(404, e.status());
    assertTrue(e.getMessage().contains("999999"), e.getMessage());
  }

  @Test
  void bulkEdgesAreAllOrNothing() throws Exception {
    GraphStoreException e = fails(g.addEdges(List.of(knows(ann, dee, 1), knows(dee, 424_242, 1))));
    assertEquals(404, e.status());
    assertEquals(4L, join(g.E().count()), "the first edge of the failed bulk must not stay");
  }

  @Test
  void updateMergesFieldsAndReplaceReplacesThem() throws Exception {
    assertEquals(1L, join(g.update(ann, f("age", 31))));
    assertEquals(List.of(person("Ann", 31, "Paris")), join(g.v(ann).data()));
    join(g.replace(ann, f("nick", "A")));
    assertEquals(List.of(f("nick", "A")), join(g.v(ann).data()));
    assertEquals(1L, join(g.update(annBob, f("w", 9))));
    assertEquals(9L, join(g.e(annBob).sum("w")).longValue());
  }

  @Test
  void removingANodeRemovesItsEdges() throws Exception {
    assertEquals(4L, join(g.remove(cid)), "Cid and its three edges");
    assertEquals(1L, join(g.E().count()));
    assertEquals(List.of(annBob), join(g.E().ids()));
  }

  @Test
  void removeAppliesToAQueryResult() throws Exception {
    assertEquals(2L, join(g.E(f("rel", "knows")).limit(2).remove()));
    assertEquals(List.of(annCid, cidDee), join(g.E().ids()));
  }

  @Test
  void missingIdsGive404NamingTheId() {
    GraphStoreException e = fails(g.v(ann, 77_777).entities());
    assertEquals(404, e.status());
    assertTrue(e.getMessage().contains("step 1 (v)") && e.getMessage().contains("77777"), e.getMessage());
    assertEquals(404, fails(g.remove(77_777)).status());
    assertEquals(404, fails(g.update(77_777, f("a", 1))).status());
  }

  @Test
  void fieldNamesMustStartWithALetter() {
    GraphStoreException e = fails(g.addNode(f("_secret", 1)));
    assertEquals(400, e.status());
    assertTrue(e.getMessage().contains("_secret"), e.getMessage());
  }

  // ---- starts and hops

  @Test
  void vAndEFilter() throws Exception {
    assertEquals(List.of("Ann", "Cid"), names(g.V(f("city", "Paris")).data()));
    assertEquals(List.of(annCid), join(g.E(f("rel", "likes")).ids()));
    assertEquals(4L, join(g.V().count()));
  }

  @Test
  void outVFollowsEdgesFromANode() throws Exception {
    assertEquals(List.of("Bob", "Cid"), names(g.v(ann).outV().data()));
    assertEquals(List.of("Bob"), names(g.v(ann).outV(f("age__lt", 30)).data()));
  }

  @Test
  void inVFollowsEdgesBackwards() throws Exception {
    assertEquals(List.of("Bob", "Ann"), names(g.v(cid).inV().data()));
  }

  @Test
  void bothVGoesBothWaysInEdgeOrder() throws Exception {
    // Cid's edges, oldest first: Bob→Cid, Ann→Cid, Cid→Dee (GrapheekDB's order too)
    assertEquals(List.of("Bob", "Ann", "Dee"), names(g.v(cid).bothV().data()));
  }

  @Test
  void edgeHopsFollowGrapheekSemantics() throws Exception {
    assertEquals(List.of(annBob, annCid), join(g.v(ann).outE().ids()));
    assertEquals(List.of(bobCid, annCid), join(g.v(cid).inE().ids()));
    assertEquals(List.of(bobCid, annCid, cidDee), join(g.v(cid).bothE().ids()), "in edge-id order, both ways");
    assertEquals(join(g.v(ann).outV().ids()), join(g.v(ann).outE().outV().ids()), "outE.outV = outV");
    assertEquals(List.of(ann), join(g.e(annBob).inV().ids()), "an edge's inV is its source");
    assertEquals(List.of(ann, bob), join(g.e(annBob).bothV().ids()));
    assertEquals(List.of(annCid), join(g.v(ann).outE(f("rel", "likes")).ids()));
  }

  @Test
  void hopsRepeat() throws Exception {
    assertEquals(List.of("Cid", "Dee"), names(g.v(ann).outV(2).data()), "Ann→Bob→Cid, Ann→Cid→Dee");
    assertEquals(List.of("Dee"), names(g.v(ann).outV(3).data()));
  }

  @Test
  void edgeStepsOnEdgesAreRefused() {
    GraphStoreException e = fails(g.e(annBob).outE().entities());
    assertEquals(400, e.status());
    assertTrue(e.getMessage().contains("step 2 (outE)"), e.getMessage());
  }

  // ---- shaping

  @Test
  void limitSkipAndDedup() throws Exception {
    assertEquals(List.of(cid, dee, dee), join(g.v(ann, bob).outV().outV().ids()), "two paths reach Dee");
    assertEquals(List.of(cid, dee), join(g.v(ann, bob).outV().outV().dedup().ids()));
    assertEquals(List.of(bob, cid), join(g.V().skip(1).limit(2).ids()));
  }

  @Test
  void withoutDropsIds() throws Exception {
    assertEquals(List.of(ann, dee), join(g.V().without(bob, cid).ids()));
  }

  @Test
  void orderByAscendingAndDescendingWithMissingFieldsLast() throws Exception {
    assertEquals(List.of("Bob", "Ann", "Cid", "Dee"), names(g.V().orderBy("age", false).data()));
    assertEquals(List.of("Cid", "Ann", "Bob", "Dee"), names(g.V().orderBy("age", true).data()));
  }

  @Test
  void randomPicksDistinctEntities() throws Exception {
    List<Long> picked = join(g.V().random(3).ids());
    assertEquals(3, new HashSet<>(picked).size());
    assertTrue(List.of(ann, bob, cid, dee).containsAll(picked));
  }

  @Test
  void akaAndCollectReturnToANamedStep() throws Exception {
    // people who know someone living in Paris
    assertEquals(List.of("Ann", "Bob"), names(g.V().aka("p").outV(f("city", "Paris")).collect("p").data()));
  }

  @Test
  void setOperationsBetweenTwoQueries() throws Exception {
    assertEquals(List.of(ann, cid, bob), join(g.V(f("city", "Paris")).union(g.V(f("age__lt", 30))).ids()));
    assertEquals(List.of(cid), join(g.V(f("city", "Paris")).intersection(g.V(f("age__gt", 30))).ids()));
    assertEquals(List.of(ann), join(g.V(f("city", "Paris")).difference(g.V(f("age__gt", 30))).ids()));
    assertEquals(List.of(ann, bob, dee), join(g.V(f("age__lte", 30)).symmetricDifference(g.V(f("age__isnull", true))).ids()));
  }

  @Test
  void shortestPathFollowsTheCheapestEdges() throws Exception {
    assertEquals(List.of(ann, cid, dee), join(g.shortestPath(ann, dee, null).ids()), "by hops");
    assertEquals(List.of(ann, bob, cid, dee), join(g.shortestPath(ann, dee, "w").ids()), "by weight: 1+2+1 < 5+1");
    assertEquals(List.of(), join(g.shortestPath(dee, ann, null).ids()), "edges are followed from→to");
  }

  // ---- results

  @Test
  void dataProjectsFields() throws Exception {
    assertEquals(List.of(new JsonObject().put("name", "Ann").put("age", 30)), join(g.v(ann).data("name", "age")));
  }

  @Test
  void countSumAndPercent() throws Exception {
    assertEquals(2L, join(g.V(f("city", "Paris")).count()));
    assertEquals(90L, join(g.V().sum("age")).longValue());
    assertEquals(50.0, join(g.V(f("city", "Paris")).percent()));
    assertEquals(25.0, join(g.E(f("rel", "likes")).percent()));
  }

  // ---- errors name the step and the filter

  @Test
  void anUnknownLookupNamesTheStepAndTheFilter() {
    GraphStoreException e = fails(g.v(ann).outV(f("name__like", "x")).count());
    assertEquals(400, e.status());
    assertTrue(e.getMessage().contains("step 2 (outV)") && e.getMessage().contains("name__like"), e.getMessage());
  }

  @Test
  void anUnknownStepIsRefusedWithoutDispatch() {
    GraphStoreException e = fails(g.query(new JsonArray("[[\"V\"], [\"clear\"]]")).count());
    assertEquals(400, e.status());
    assertTrue(e.getMessage().contains("step 2: unknown step 'clear'"), e.getMessage());
  }

  // ---- indexes

  @Test
  void anIndexGivesTheSameAnswersAsAScan() throws Exception {
    List<Long> scanned = join(g.V(f("city", "Paris")).ids());
    String name = join(g.createIndex("node", List.of("city"), null));
    assertEquals("node_city", name);
    assertEquals(scanned, join(g.V(f("city", "Paris")).ids()));
    assertEquals(List.of(ann, bob, cid), join(g.V(f("city__in", new JsonArray().add("London").add("Paris"))).ids()));
    long eve = join(g.addNode(person("Eve", 40, "Paris")));
    join(g.update(ann, f("city", "Rome")));
    assertEquals(List.of(cid, eve), join(g.V(f("city", "Paris")).ids()), "the index follows writes");
  }

  @Test
  void compositeAndPartialIndexes() throws Exception {
    join(g.createIndex("node", List.of("city", "age"), null));
    join(g.createIndex("edge", List.of("rel"), f("w__gte", 2)));
    assertEquals(List.of(cid), join(g.V(new JsonObject().put("city", "Paris").put("age", 35)).ids()));
    assertEquals(List.of(bobCid), join(g.E(new JsonObject().put("rel", "knows").put("w__gte", 2)).ids()));
    assertEquals(List.of(annBob, bobCid, cidDee), join(g.E(f("rel", "knows")).ids()), "partial index not used here");
    JsonArray listed = join(g.listIndexes());
    assertEquals(2, listed.size());
    assertEquals(1L, join(g.dropIndex("node_city_age")));
    assertEquals(1, join(g.listIndexes()).size());
  }

  @Test
  void aPartialIndexByFiltersAloneAndAUniqueIndex() throws Exception {
    String parisians = join(g.createIndex("node", List.of(), f("city", "Paris")));
    assertEquals(List.of(ann, cid), join(g.V(new JsonObject().put("city", "Paris").put("age__gt", 20)).ids()));
    join(g.dropIndex(parisians));
    join(g.createUniqueIndex("node", List.of("name"), null));
    GraphStoreException e = fails(g.addNode(f("name", "Bob")));
    assertEquals(409, e.status());
    assertTrue(e.getMessage().contains("unique index node_name: node {name: \"Bob\"} already exists (id " + bob + ")"),
        e.getMessage());
    assertEquals(409, fails(g.createUniqueIndex("edge", List.of("rel"), null)).status(), "two edges are 'knows'");
  }

  @Test
  void stepsThatLookBackAlongEachWay() throws Exception {
    // Ann → Bob → Cid and Ann → Cid; Cid → Dee
    GraphQuery fromAnn = g.v(ann).aka("start").outV().aka("mid").outV();
    assertEquals(List.of(cid, dee), join(fromAnn.ids()));
    assertEquals(List.of(List.of(ann, bob, cid), List.of(ann, cid, dee)),
        join(fromAnn.aka("end").select("start", "mid", "end")).stream().map(row -> row.stream().map(Entity::id).toList())
            .toList());
    // Ann's neighbours Bob and Cid; theirs: Cid and Ann, then Dee, Bob and Ann; Ann left out
    assertEquals(List.of(cid, dee, bob), join(g.v(ann).aka("me").both(null).both(null).withoutNamed("me").dedup().ids()));
    GraphQuery fromAnnAndBob = g.V(f("name__in", new JsonArray().add("Ann").add("Bob"))).aka("x").outV();
    assertEquals(List.of(bob, cid, cid), join(fromAnnAndBob.dedupBy("x").ids()), "Cid once from Ann, once from Bob");
    assertEquals(List.of(bob, cid), join(fromAnnAndBob.dedup().ids()));
    List<GroupCount.Tally> tallies = join(g.V().outV().groupCount(new GroupCount()));
    assertEquals(List.of(cid, bob, dee), tallies.stream().map(t -> t.entity().id()).toList(), "Cid twice, then first-reached");
    assertEquals(2L, tallies.get(0).value().longValue());
    assertEquals(List.of(cid), join(g.v(ann).randomHop("outV", f("name", "Cid")).ids()));
    assertEquals(2L, join(g.V(f("city", "Paris")).update(f("visited", true))));
    assertEquals(List.of(ann, cid), join(g.V(f("visited", true)).ids()));
  }

  @Test
  void anEdgeStepAfterEdgesIsA400() {
    GraphStoreException e = fails(g.v(ann).outE().inE().count());
    assertEquals(400, e.status());
    assertTrue(e.getMessage().contains("inE takes nodes, but step 2 (outE) gives edges"), e.getMessage());
  }

  @Test
  void indexErrors() throws Exception {
    join(g.createIndex("node", List.of("city"), null));
    assertEquals(409, fails(g.createIndex("node", List.of("city"), null)).status());
    assertEquals(400, fails(g.createIndex("vertex", List.of("city"), null)).status());
    assertEquals(404, fails(g.dropIndex("nope")).status());
  }

  // ---- scripts, dump and load

  @Test
  void anUnknownScriptIsA404() {
    GraphStoreException e = fails(g.script("nope", null));
    assertEquals(404, e.status());
    assertTrue(e.getMessage().contains("no server script named nope"), e.getMessage());
  }

  @Test
  void aScriptRunsAndItsResultComesBack() throws Exception {
    Object result = join(g.script(TestScripts.Befriend.NAME, new JsonObject().put("a", ann).put("b", dee)));
    assertEquals(2L, ((Number) result).longValue(), "two edges added");
    assertEquals(List.of(dee), join(g.v(ann).outV(f("name", "Dee")).ids()));
  }

  @Test
  void aFailingScriptChangesNothing() throws Exception {
    GraphStoreException e = fails(g.script(TestScripts.RemoveThenFail.NAME, new JsonObject().put("id", cid)));
    assertEquals(500, e.status());
    assertEquals(4L, join(g.V().count()));
    assertEquals(4L, join(g.E().count()));
    assertEquals(List.of(cid), join(g.v(bob).outV().ids()));
  }

  @Test
  void aScriptThatFailsWithAnErrorChangesNothingAndTheStoreServesOn() throws Exception {
    GraphStoreException e = fails(g.script(TestScripts.AddThenAssert.NAME, new JsonObject()));
    assertEquals(500, e.status());
    assertTrue(e.getMessage().contains("script addThenAssert failed, so none of its changes were kept: "
        + "java.lang.AssertionError"), e.getMessage());
    assertEquals(4L, join(g.V().count()));
    assertEquals(List.of(), join(g.V(f("half", true)).ids()));
  }

  @Test
  void aScriptThatRecursesTooDeepFailsBetweenChangesIsUndoneAndTheStoreServesOn() throws Exception {
    GraphStoreException e = fails(g.script(TestScripts.GrowWithoutEnd.NAME, new JsonObject().put("from", ann)));
    assertEquals(500, e.status());
    assertTrue(e.getMessage().contains("the script recursed too deep"), e.getMessage());
    assertEquals(4L, join(g.V().count()));
    assertEquals(4L, join(g.E().count()));
  }

  @Test
  void aDumpLoadsIntoAnotherGraphWithTheSameIds() throws Exception {
    StringWriter dump = new StringWriter();
    assertEquals(8L, join(g.exportTo(dump)));
    Graph copy = newGraph();
    assertEquals(8L, join(copy.loadFrom(new StringReader(dump.toString()))));
    assertEquals(join(g.E().entities()), join(copy.E().entities()));
    assertEquals(join(g.V().entities()), join(copy.V().entities()));
    long next = join(copy.addNode(new JsonObject()));
    assertTrue(next > cidDee, "new ids continue after the loaded ones");
    assertEquals(409, fails(copy.loadFrom(new StringReader(dump.toString()))).status());
  }

  @Test
  void aDumpIsWrittenAndReadOffTheEventLoops() throws Exception {
    List<String> onLoops = new CopyOnWriteArrayList<>();
    AtomicInteger calls = new AtomicInteger();
    Runnable seen = () -> {
      calls.incrementAndGet();
      if (Context.isOnEventLoopThread()) {
        onLoops.add(Thread.currentThread().getName());
      }
    };
    StringWriter dump = new StringWriter();
    Writer out = new FilterWriter(dump) {
      @Override
      public void write(int c) throws IOException {
        seen.run();
        super.write(c);
      }

      @Override
      public void write(char[] chars, int off, int len) throws IOException {
        seen.run();
        super.write(chars, off, len);
      }

      @Override
      public void write(String str, int off, int len) throws IOException {
        seen.run();
        super.write(str, off, len);
      }
    };
    assertEquals(8L, join(g.exportTo(out)));
    Reader in = new FilterReader(new StringReader(dump.toString())) {
      @Override
      public int read() throws IOException {
        seen.run();
        return super.read();
      }

      @Override
      public int read(char[] chars, int off, int len) throws IOException {
        seen.run();
        return super.read(chars, off, len);
      }
    };
    assertEquals(8L, join(newGraph().loadFrom(in)));
    assertTrue(calls.get() > 2, "the Writer and the Reader were used");
    assertEquals(List.of(), onLoops, "Writer or Reader calls on an event loop");
  }
}
