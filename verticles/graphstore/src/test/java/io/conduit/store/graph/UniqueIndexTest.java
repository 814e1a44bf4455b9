package io.conduit.store.graph;

import io.conduit.store.engine.MemoryEngine;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A unique index refuses a write that would give two entities the same key, with a 409 naming the
 * index and the key, and the whole request changes nothing; it cannot be created over data that
 * already breaks it; it survives a restart.
 */
class UniqueIndexTest {

  private final MemoryEngine engine = new MemoryEngine();
  private GraphStore store = open();

  private GraphStore open() {
    return new GraphStore("unique", new GraphJournal(engine).recover().graph(), new GraphJournal(engine),
        GraphStoreOptions.fromJson(new JsonObject()), Map.of(), Runnable::run);
  }

  private Object send(String json) {
    return GraphCalls.submit(store, json);
  }

  private JsonObject ok(String json) {
    return assertInstanceOf(JsonObject.class, send(json), json);
  }

  private GraphException conflict(String json) {
    GraphException e = assertInstanceOf(GraphException.class, send(json), json);
    assertEquals(409, e.code().status(), e.getMessage());
    return e;
  }

  private Object result(String steps) {
    return ok("{\"op\":\"query\",\"steps\":" + steps + "}").getValue("result");
  }

  private void people() {
    ok("{\"op\":\"addNodes\",\"items\":[{\"email\":\"ann@example.com\",\"team\":\"a\"},"
        + "{\"email\":\"bob@example.com\",\"team\":\"a\"},{\"team\":\"b\"}]}");
    assertEquals("people_email", ok("{\"op\":\"createIndex\",\"on\":\"node\",\"fields\":[\"email\"],\"unique\":true,"
        + "\"name\":\"people_email\"}").getString("name"));
  }

  @Test
  void aSecondEntityWithTheSameKeyIsRefusedNamingTheIndexAndTheKey() {
    people();
    GraphException e = conflict("{\"op\":\"addNode\",\"data\":{\"email\":\"ann@example.com\"}}");
    assertEquals("unique index people_email: node {email: \"ann@example.com\"} already exists (id 1); nothing of "
        + "this request was applied", e.getMessage());
    assertEquals(3L, result("[[\"V\"],[\"count\"]]"));
    ok("{\"op\":\"addNode\",\"data\":{\"email\":\"cid@example.com\"}}");
    ok("{\"op\":\"addNode\",\"data\":{\"team\":\"b\"}}"); // without the field: not constrained
  }

  @Test
  void aRefusedBatchOrUpdateOrLoadChangesNothing() {
    people();
    long next = ok("{\"op\":\"info\"}").getLong("nextId");
    conflict("{\"op\":\"addNodes\",\"items\":[{\"email\":\"new@example.com\"},{\"email\":\"new@example.com\"}]}");
    assertEquals(new JsonArray(), result("[[\"V\",{\"email\":\"new@example.com\"}],[\"ids\"]]"));
    assertEquals(next, ok("{\"op\":\"info\"}").getLong("nextId"), "no id was used up");

    conflict("{\"op\":\"update\",\"id\":2,\"data\":{\"email\":\"ann@example.com\"}}");
    assertEquals(new JsonArray().add(new JsonObject().put("email", "bob@example.com").put("team", "a")),
        result("[[\"v\",2],[\"data\"]]"));
    assertEquals(new JsonArray().add(2), result("[[\"V\",{\"email\":\"bob@example.com\"}],[\"ids\"]]"),
        "the index still files bob under his own address");
    ok("{\"op\":\"update\",\"id\":2,\"data\":{\"team\":\"c\"}}"); // his own key again: no conflict with himself

    conflict("{\"op\":\"load\",\"items\":[{\"id\":50,\"kind\":\"node\",\"data\":{\"email\":\"x@example.com\"}},"
        + "{\"id\":51,\"kind\":\"node\",\"data\":{\"email\":\"bob@example.com\"}}]}");
    assertEquals(3L, result("[[\"V\"],[\"count\"]]"));
    GraphData onDisk = new GraphJournal(engine).recover().graph();
    assertEquals(3, onDisk.nodes.size(), "nothing refused reached the engine");
  }

  @Test
  void aPartialUniqueIndexConstrainsOnlyTheEntitiesItCovers() {
    ok("{\"op\":\"createIndex\",\"on\":\"edge\",\"fields\":[\"slot\"],\"filters\":{\"kind\":\"booking\"},\"unique\":true}");
    ok("{\"op\":\"addNodes\",\"items\":[{},{}]}");
    ok("{\"op\":\"addEdge\",\"from\":1,\"to\":2,\"data\":{\"kind\":\"booking\",\"slot\":9}}");
    ok("{\"op\":\"addEdge\",\"from\":1,\"to\":2,\"data\":{\"kind\":\"draft\",\"slot\":9}}");
    GraphException e = conflict("{\"op\":\"addEdge\",\"from\":2,\"to\":1,\"data\":{\"kind\":\"booking\",\"slot\":9.0}}");
    assertTrue(e.getMessage().contains("edge {slot: 9} already exists (id 3)"), e.getMessage());
  }

  @Test
  void aUniqueIndexOverDataThatBreaksItIsRefusedAndNotKept() {
    ok("{\"op\":\"addNodes\",\"items\":[{\"email\":\"a@x\"},{\"email\":\"b@x\"},{\"email\":\"a@x\"}]}");
    GraphException e = conflict("{\"op\":\"createIndex\",\"on\":\"node\",\"fields\":[\"email\"],\"unique\":true}");
    assertEquals("createIndex: unique index node_email: the graph already has 2 nodes with {email: \"a@x\"} "
        + "(ids [1, 3]); the index was not created", e.getMessage());
    assertEquals(new JsonArray(), ok("{\"op\":\"listIndexes\"}").getJsonArray("indexes"));
    assertTrue(new GraphJournal(engine).recover().graph().indexes.all().isEmpty(), "nor on disk");
    ok("{\"op\":\"createIndex\",\"on\":\"node\",\"fields\":[\"email\"]}"); // a plain one is fine
  }

  @Test
  void aUniqueIndexIsStillEnforcedAfterARestart() {
    people();
    store = open();
    JsonObject listed = ok("{\"op\":\"listIndexes\"}").getJsonArray("indexes").getJsonObject(0);
    assertEquals(true, listed.getBoolean("unique"));
    conflict("{\"op\":\"addNode\",\"data\":{\"email\":\"bob@example.com\"}}");
  }

  @Test
  void aUniqueIndexWhoseBuildAStopCutShortOverDuplicatesIsDroppedAtTheNextStart() {
    // what a stop in the middle of the build leaves: the definition stored, the data breaking it
    GraphData graph = new GraphData();
    graph.addNode(new JsonObject().put("email", "a@x"));
    graph.addNode(new JsonObject().put("email", "a@x"));
    graph.createIndex(IndexDefinition.parse(new JsonObject().put("on", "node").put("fields", new JsonArray().add("email"))
        .put("unique", true), FilterLimits.NONE));
    new GraphJournal(engine).write(graph, graph.takeTouched()).join();

    store = open();
    assertEquals(new JsonArray(), ok("{\"op\":\"listIndexes\"}").getJsonArray("indexes"));
    assertTrue(new GraphJournal(engine).recover().graph().indexes.all().isEmpty(), "dropped on disk too");
  }

  @Test
  void badUniqueOptionsAre400s() {
    GraphException notBoolean = assertInstanceOf(GraphException.class,
        send("{\"op\":\"createIndex\",\"on\":\"node\",\"fields\":[\"email\"],\"unique\":\"yes\"}"));
    assertEquals("createIndex: 'unique' must be true or false, got yes", notBoolean.getMessage());
    GraphException noFields = assertInstanceOf(GraphException.class,
        send("{\"op\":\"createIndex\",\"on\":\"node\",\"filters\":{\"a\":1},\"unique\":true}"));
    assertTrue(noFields.getMessage().contains("a unique index needs 'fields'"), noFields.getMessage());
  }
}
