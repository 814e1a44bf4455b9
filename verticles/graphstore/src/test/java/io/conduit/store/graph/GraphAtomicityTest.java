package io.conduit.store.graph;

import io.conduit.store.engine.MemoryEngine;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A node removal that fails in the middle (after some of its edges went) leaves nothing half done:
 * not in memory, not in the indexes, not on disk.
 */
class GraphAtomicityTest {

  private final MemoryEngine engine = new MemoryEngine();
  private final GraphData graph = new GraphData();
  private final GraphStore store = new GraphStore("atomic", graph, new GraphJournal(engine),
      GraphStoreOptions.fromJson(new JsonObject()), Map.of(), Runnable::run);

  /** The reply body, or the failure, of one request (the store runs it on this thread). */
  private Object send(String json) {
    return GraphCalls.submit(store, json);
  }

  private Object result(String steps) {
    return ((JsonObject) send("{\"op\":\"query\",\"steps\":" + steps + "}")).getValue("result");
  }

  @Test
  void aFailureInTheMiddleOfANodeRemovalUndoesAllOfIt() {
    send("{\"op\":\"addNodes\",\"items\":[{\"name\":\"hub\"},{\"name\":\"a\"},{\"name\":\"b\"},{\"name\":\"c\"}]}");
    send("{\"op\":\"addEdges\",\"items\":[{\"from\":1,\"to\":2,\"data\":{\"rel\":\"x\"}},"
        + "{\"from\":1,\"to\":3,\"data\":{\"rel\":\"x\"}},{\"from\":4,\"to\":1,\"data\":{\"rel\":\"x\"}}]}");
    send("{\"op\":\"createIndex\",\"on\":\"edge\",\"fields\":[\"rel\"]}");
    send("{\"op\":\"createIndex\",\"on\":\"node\",\"fields\":[\"name\"]}");
    List<Long> removed = new ArrayList<>();
    graph.beforeRemove = id -> {
      if (removed.size() == 2) {
        throw new IllegalStateException("injected failure after two edges");
      }
      removed.add(id);
    };

    Object failed = send("{\"op\":\"remove\",\"id\":1}");

    assertTrue(failed instanceof GraphException e && e.code().status() == 500
        && e.getMessage().contains("undid it"), String.valueOf(failed));
    assertEquals(List.of(5L, 6L), removed, "the failure came after two of the hub's three edges were gone");
    assertEquals(3L, result("[[\"E\",{\"rel\":\"x\"}],[\"count\"]]"), "the index lists all three edges again");
    assertEquals(3L, result("[[\"E\",{\"rel__iexact\":\"x\"}],[\"count\"]]"), "a scan finds all three edges");
    assertEquals(new JsonArray().add(2).add(3).add(4), result("[[\"V\",{\"name\":\"hub\"}],[\"bothV\"],[\"ids\"]]"));
    assertEquals(new JsonArray().add(1), result("[[\"v\",4],[\"outV\"],[\"ids\"]]"));

    GraphData onDisk = new GraphJournal(engine).recover().graph();
    assertEquals(4, onDisk.nodes.size());
    assertEquals(3, onDisk.edges.size(), "nothing of the failed removal reached the engine");

    graph.beforeRemove = id -> { };
    assertEquals(new JsonObject().put("count", 4), send("{\"op\":\"remove\",\"id\":1}"));
    GraphData after = new GraphJournal(engine).recover().graph();
    assertEquals(3, after.nodes.size());
    assertEquals(0, after.edges.size());
    assertNull(after.nodes.get(1L));
  }
}
