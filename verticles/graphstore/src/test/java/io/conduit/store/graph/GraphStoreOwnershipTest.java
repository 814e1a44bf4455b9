package io.conduit.store.graph;

import io.conduit.codec.ErrorCode;
import io.conduit.store.engine.BreakableEngine;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A write whose durability fails because the store stopped being its address's owner (the
 * replication to its standbys was stopped) is a retriable UNAVAILABLE, and the store is not taken
 * for broken; the same failure while it owns the address is a storage failure that stops it.
 */
class GraphStoreOwnershipTest {

  private static GraphStore store() {
    BreakableEngine engine = new BreakableEngine(); // writes fail, as an owner's do once its replication stopped
    engine.broken.set(true);
    return new GraphStore("g", new GraphData(), new GraphJournal(engine),
        GraphStoreOptions.fromJson(new JsonObject()), Map.of(), Runnable::run);
  }

  @Test
  void aWriteThatFailsAfterTheStoreStoppedOwningIsUnavailableAndTheStoreIsNotBroken() {
    GraphStore store = store().ownedWhile(() -> false);
    Object failed = GraphCalls.submit(store, "{\"op\":\"addNode\",\"data\":{\"n\":1}}");
    assertTrue(failed instanceof GraphException e && e.code() == ErrorCode.UNAVAILABLE
        && e.getMessage().contains("may or may not have been applied"), String.valueOf(failed));
    assertEquals(null, store.failure());
  }

  @Test
  void theSameFailureWhileOwningStopsTheStore() {
    GraphStore store = store();
    Object failed = GraphCalls.submit(store, "{\"op\":\"addNode\",\"data\":{\"n\":1}}");
    assertTrue(failed instanceof GraphException e && e.code() == ErrorCode.INTERNAL, String.valueOf(failed));
    assertTrue(store.failure().contains("stopped serving"), store.failure());
  }
}
