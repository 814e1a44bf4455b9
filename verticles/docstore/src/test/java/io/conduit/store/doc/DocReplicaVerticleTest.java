package io.conduit.store.doc;

import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryContext;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static io.conduit.store.doc.StoreCalls.await;
import static io.conduit.store.doc.StoreCalls.call;
import static io.conduit.store.doc.StoreCalls.failure;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A document replica as a reader on the event bus sees it, next to its primary. */
@ExtendWith(VertxExtension.class)
class DocReplicaVerticleTest {

  @TempDir
  Path dir;


  private static void primary(Vertx vertx, String address) throws Exception {
    await(vertx.deployVerticle(new DocStoreVerticle(), new DeploymentOptions().setConfig(
        new JsonObject().put("address", address))));
  }

  private static String replica(Vertx vertx, JsonObject config) throws Exception {
    return await(vertx.deployVerticle(new DocReplicaVerticle(), new DeploymentOptions().setConfig(config)));
  }

  private static String replica(Vertx vertx, String primary) throws Exception {
    return replica(vertx, new JsonObject().put("primary", primary));
  }



  private static JsonObject whole(Vertx vertx, String address, long minVersion) throws Exception {
    return call(vertx, address, "{\"op\":\"get\",\"path\":[],\"minVersion\":" + minVersion + "}");
  }

  /**
   * Drops the primary's change events with these versions before they leave, as a lossy network
   * would; returns how many it dropped. An event leaves as JSON from a clustered node and unbuilt
   * ({@link ChangeEvent}) from a standalone one.
   */
  private static AtomicInteger dropChanges(Vertx vertx, String primary, Set<Long> versions) {
    AtomicInteger dropped = new AtomicInteger();
    Handler<DeliveryContext<Object>> drop = ctx -> {
      Long version = ctx.body() instanceof ChangeEvent e ? e.record().getLong("v")
          : ctx.body() instanceof JsonObject event ? event.getLong("version") : null;
      if (ctx.message().address().equals(primary + ".changes") && versions.contains(version)) {
        dropped.incrementAndGet();
        return;
      }
      ctx.next();
    };
    vertx.eventBus().addOutboundInterceptor(drop);
    return dropped;
  }

  @Test
  void writesOnThePrimaryBecomeVisibleOnTheReplica(Vertx vertx) throws Exception {
    primary(vertx, "r1");
    replica(vertx, "r1");
    call(vertx, "r1", "{\"op\":\"set\",\"path\":[\"l\"],\"value\":[]}");
    for (int i = 0; i < 20; i++) {
      call(vertx, "r1", "{\"op\":\"append\",\"path\":[\"l\"],\"value\":" + i + "}");
    }
    call(vertx, "r1", "{\"op\":\"batch\",\"ops\":[{\"op\":\"incr\",\"path\":[\"n\"]},{\"op\":\"pop\",\"path\":[\"l\"]}]}");
    call(vertx, "r1", "{\"op\":\"undo\"}");
    call(vertx, "r1", "{\"op\":\"redo\"}");
    JsonObject expected = call(vertx, "r1", "{\"op\":\"get\",\"path\":[]}");
    long deadline = System.currentTimeMillis() + 10_000;
    JsonObject seen = call(vertx, "r1.ro", "{\"op\":\"get\",\"path\":[]}");
    while (seen.getLong("version") < 24 && System.currentTimeMillis() < deadline) {
      java.util.concurrent.locks.LockSupport.parkNanos(20_000_000);
      seen = call(vertx, "r1.ro", "{\"op\":\"get\",\"path\":[]}");
    }
    assertEquals(24, seen.getLong("version"));
    assertEquals(expected.getValue("value"), seen.getValue("value"));
  }

  @Test
  void undoingWritesOlderThanTheReplicasSnapshotReplicates(Vertx vertx) throws Exception {
    primary(vertx, "r13");
    call(vertx, "r13", "{\"op\":\"set\",\"path\":[\"x\"],\"value\":1}");
    call(vertx, "r13", "{\"op\":\"set\",\"path\":[\"x\"],\"value\":2}");
    replica(vertx, "r13");
    whole(vertx, "r13.ro", 2);
    call(vertx, "r13", "{\"op\":\"undo\"}");
    call(vertx, "r13", "{\"op\":\"undo\"}");
    assertEquals(new JsonObject(), whole(vertx, "r13.ro", 4).getValue("value"));
    call(vertx, "r13", "{\"op\":\"redo\"}");
    assertEquals(new JsonObject().put("x", 1), whole(vertx, "r13.ro", 5).getValue("value"));
  }

  @Test
  void readsAnswerThePrimarysShapesPlusTheReplicasVersion(Vertx vertx) throws Exception {
    primary(vertx, "r2");
    replica(vertx, "r2");
    call(vertx, "r2", "{\"op\":\"set\",\"path\":[\"l\"],\"value\":[1,2,3]}");
    assertEquals(new JsonArray("[\"l\"]"), call(vertx, "r2.ro", "{\"op\":\"keys\",\"path\":[],\"minVersion\":1}")
        .getValue("keys"));
    assertEquals(3, call(vertx, "r2.ro", "{\"op\":\"len\",\"path\":[\"l\"],\"minVersion\":1}").getInteger("len"));
    JsonObject contains = call(vertx, "r2.ro", "{\"op\":\"contains\",\"path\":[\"l\"],\"value\":2,\"minVersion\":1}");
    assertEquals(true, contains.getBoolean("contains"));
    assertEquals(1, contains.getLong("version"));
    JsonObject page = call(vertx, "r2.ro", "{\"op\":\"scan\",\"path\":[\"l\"],\"limit\":2,\"minVersion\":1}");
    assertEquals(new JsonArray("[1,2]"), page.getJsonArray("items"));
    assertTrue(page.getString("next") != null);
    assertEquals(1, page.getLong("version"));
    assertEquals(404, failure(vertx, "r2.ro", "{\"op\":\"get\",\"path\":[\"nope\"],\"minVersion\":1}").failureCode());
  }

  @Test
  void aReadWithTheVersionAWriteReturnedSeesThatWrite(Vertx vertx) throws Exception {
    primary(vertx, "r3");
    replica(vertx, "r3");
    for (int i = 1; i <= 50; i++) {
      JsonObject write = call(vertx, "r3", "{\"op\":\"incr\",\"path\":[\"n\"]}");
      JsonObject read = call(vertx, "r3.ro", "{\"op\":\"get\",\"path\":[\"n\"],\"minVersion\":"
          + write.getLong("version") + "}");
      assertEquals(i, read.getInteger("value"));
    }
  }

  @Test
  void anUnreachableMinVersionTimesOutWith504AndSaysSo(Vertx vertx) throws Exception {
    primary(vertx, "r4");
    replica(vertx, new JsonObject().put("primary", "r4").put("waitMs", 300));
    whole(vertx, "r4.ro", 0);
    ReplyException e = failure(vertx, "r4.ro", "{\"op\":\"get\",\"path\":[],\"minVersion\":99}");
    assertEquals(504, e.failureCode());
    assertEquals("replica at version 0 has not reached minVersion 99 within 300 ms", e.getMessage());
  }

  @Test
  void aShorterRequestTimeoutShortensTheWait(Vertx vertx) throws Exception {
    primary(vertx, "r5");
    replica(vertx, "r5");
    whole(vertx, "r5.ro", 0);
    long start = System.nanoTime();
    ReplyException e = failure(vertx, "r5.ro", "{\"op\":\"get\",\"path\":[],\"minVersion\":99,\"timeoutMs\":250}");
    assertEquals(504, e.failureCode());
    assertTrue(e.getMessage().endsWith("within 200 ms"), e.getMessage());
    assertTrue(System.nanoTime() - start < 2_000_000_000L, "it did not wait the default 5 s");
  }

  @Test
  void writesToTheReplicaAreRefusedWith400(Vertx vertx) throws Exception {
    primary(vertx, "r6");
    replica(vertx, "r6");
    for (String write : new String[] {"{\"op\":\"set\",\"path\":[\"x\"],\"value\":1}", "{\"op\":\"undo\"}",
        "{\"op\":\"lock\"}"}) {
      ReplyException e = failure(vertx, "r6.ro", write);
      assertEquals(400, e.failureCode());
      assertTrue(e.getMessage().contains("read-only") && e.getMessage().contains("primary at 'r6'"), e.getMessage());
    }
    assertEquals(new JsonObject(), call(vertx, "r6", "{\"op\":\"get\",\"path\":[]}").getValue("value"));
  }

  @Test
  void aReplicaStartedOrRestartedAfterWritesCatchesUpFromTheSnapshot(Vertx vertx) throws Exception {
    primary(vertx, "r7");
    for (int i = 0; i < 10; i++) {
      call(vertx, "r7", "{\"op\":\"incr\",\"path\":[\"n\"]}");
    }
    String id = replica(vertx, "r7");
    assertEquals(10, whole(vertx, "r7.ro", 10).getJsonObject("value").getInteger("n"));
    await(vertx.undeploy(id));
    call(vertx, "r7", "{\"op\":\"set\",\"path\":[\"after\"],\"value\":true}");
    replica(vertx, "r7");
    assertEquals(new JsonObject().put("n", 10).put("after", true), whole(vertx, "r7.ro", 11).getValue("value"));
  }

  @Test
  void lostEventsAreHealedByAFreshSnapshot(Vertx vertx) throws Exception {
    primary(vertx, "r8");
    replica(vertx, "r8");
    AtomicInteger dropped = dropChanges(vertx, "r8", Set.of(2L, 3L));
    for (int i = 1; i <= 5; i++) {
      call(vertx, "r8", "{\"op\":\"set\",\"path\":[\"k" + i + "\"],\"value\":" + i + "}");
    }
    JsonObject read = whole(vertx, "r8.ro", 5);
    assertEquals(call(vertx, "r8", "{\"op\":\"get\",\"path\":[]}").getValue("value"), read.getValue("value"));
    // the replica's snapshot request was served after the events were published: all are counted
    assertEquals(2, dropped.get(), "events 2 and 3 were lost");
  }

  @Test
  void aLostLastEventIsHealedWhenAReadWaitsForIt(Vertx vertx) throws Exception {
    primary(vertx, "r9");
    replica(vertx, "r9");
    AtomicInteger dropped = dropChanges(vertx, "r9", Set.of(3L));
    for (int i = 1; i <= 3; i++) {
      call(vertx, "r9", "{\"op\":\"incr\",\"path\":[\"n\"]}");
    }
    assertEquals(3, whole(vertx, "r9.ro", 3).getJsonObject("value").getInteger("n"));
    assertEquals(1, dropped.get(), "event 3 was lost");
  }

  @Test
  void aStrayEventFromTheFutureDoesNotWedgeTheReplica(Vertx vertx) throws Exception {
    primary(vertx, "r10");
    replica(vertx, "r10");
    call(vertx, "r10", "{\"op\":\"set\",\"path\":[\"x\"],\"value\":1}");
    whole(vertx, "r10.ro", 1);
    vertx.eventBus().publish("r10.changes", new JsonObject().put("version", 6).put("record", new JsonObject()
        .put("v", 6).put("kind", "write").put("op", new JsonObject("{\"op\":\"set\",\"path\":[\"x\"],\"value\":666}"))));
    call(vertx, "r10", "{\"op\":\"set\",\"path\":[\"y\"],\"value\":2}");
    JsonObject read = whole(vertx, "r10.ro", 2);
    assertEquals(new JsonObject().put("x", 1).put("y", 2), read.getValue("value"));
    assertEquals(2, read.getLong("version"));
  }

  @Test
  void aReplicaDeployedBeforeItsPrimaryCatchesUpOnceThePrimaryArrives(Vertx vertx) throws Exception {
    replica(vertx, "r11");
    assertEquals(true, call(vertx, "r11.ro", "{\"op\":\"status\"}").getBoolean("lagging"));
    ReplyException early = failure(vertx, "r11.ro", "{\"op\":\"get\",\"path\":[],\"timeoutMs\":300}");
    assertEquals(503, early.failureCode());
    assertTrue(early.getMessage().contains("no snapshot from its primary 'r11'"), early.getMessage());
    primary(vertx, "r11");
    call(vertx, "r11", "{\"op\":\"set\",\"path\":[\"x\"],\"value\":1}");
    assertEquals(1, whole(vertx, "r11.ro", 1).getJsonObject("value").getInteger("x"));
    JsonObject status = call(vertx, "r11.ro", "{\"op\":\"status\"}");
    assertEquals(new JsonObject().put("version", 1).put("primary", "r11").put("lagging", false), status);
  }

  @Test
  void aRocksDbPrimaryServesItsSnapshotToANewReplica(Vertx vertx) throws Exception {
    await(vertx.deployVerticle(new DocStoreVerticle(), new DeploymentOptions().setConfig(new JsonObject()
        .put("address", "r12").put("backend", "rocksdb").put("dataDir", dir.resolve("r12").toString()))));
    call(vertx, "r12", "{\"op\":\"set\",\"path\":[\"l\"],\"value\":[]}");
    for (int i = 0; i < 5; i++) {
      call(vertx, "r12", "{\"op\":\"append\",\"path\":[\"l\"],\"value\":" + i + "}");
    }
    replica(vertx, "r12");
    assertEquals(new JsonArray("[0,1,2,3,4]"), call(vertx, "r12.ro", "{\"op\":\"get\",\"path\":[\"l\"],\"minVersion\":6}")
        .getValue("value"));
    long v = call(vertx, "r12", "{\"op\":\"pop\",\"path\":[\"l\"]}").getLong("version");
    assertEquals(4, call(vertx, "r12.ro", "{\"op\":\"len\",\"path\":[\"l\"],\"minVersion\":" + v + "}").getInteger("len"));
  }

  @Test
  void badConfigIsNamed(Vertx vertx) {
    var e = assertThrows(ExecutionException.class, () -> replica(vertx, new JsonObject().put("primry", "docs")));
    assertTrue(e.getCause().getMessage().contains("unknown field 'primry'"), e.getCause().getMessage());
  }
}
