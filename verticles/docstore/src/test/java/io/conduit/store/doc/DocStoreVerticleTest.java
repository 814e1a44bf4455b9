package io.conduit.store.doc;

import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static io.conduit.store.doc.StoreCalls.await;
import static io.conduit.store.doc.StoreCalls.call;
import static io.conduit.store.doc.StoreCalls.failure;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The document store as a client on the event bus sees it, on both backends. */
@ExtendWith(VertxExtension.class)
class DocStoreVerticleTest {

  @TempDir
  Path dir;


  private String deploy(Vertx vertx, String backend, String address) throws Exception {
    JsonObject config = new JsonObject().put("address", address).put("backend", backend)
        .put("dataDir", dir.resolve(address).toString());
    return await(vertx.deployVerticle(new DocStoreVerticle(), new DeploymentOptions().setConfig(config)));
  }



  @Test
  void readsAndWritesAnswerTheDocumentedShapes(Vertx vertx) throws Exception {
    deploy(vertx, "memory", "d1");
    assertEquals(1, call(vertx, "d1", "{\"op\":\"set\",\"path\":[\"l\"],\"value\":[1,2,3]}").getLong("version"));
    assertEquals(new JsonArray("[1,2,3]"), call(vertx, "d1", "{\"op\":\"get\",\"path\":[\"l\"]}").getValue("value"));
    assertEquals(new JsonArray("[\"l\"]"), call(vertx, "d1", "{\"op\":\"keys\",\"path\":[]}").getValue("keys"));
    assertEquals(3, call(vertx, "d1", "{\"op\":\"len\",\"path\":[\"l\"]}").getInteger("len"));
    assertEquals(true, call(vertx, "d1", "{\"op\":\"contains\",\"path\":[\"l\"],\"value\":2}").getBoolean("contains"));
    JsonObject pop = call(vertx, "d1", "{\"op\":\"pop\",\"path\":[\"l\"]}");
    assertEquals(2, pop.getLong("version"));
    assertEquals(3, pop.getInteger("value"));
    JsonObject page = call(vertx, "d1", "{\"op\":\"scan\",\"path\":[\"l\"],\"limit\":1}");
    assertEquals(new JsonArray("[1]"), page.getJsonArray("items"));
    assertTrue(page.getString("next") != null);
  }

  @Test
  void aNullAValueOpProducedIsInItsReplyAndAPlainWriteHasNoValue(Vertx vertx) throws Exception {
    deploy(vertx, "memory", "d0");
    JsonObject set = call(vertx, "d0", "{\"op\":\"set\",\"path\":[\"l\"],\"value\":[1,null]}");
    assertEquals(new JsonObject().put("version", 1L), set, "set replies with its version only");
    JsonObject pop = call(vertx, "d0", "{\"op\":\"pop\",\"path\":[\"l\"]}");
    assertTrue(pop.containsKey("value"), pop.encode());
    assertNull(pop.getValue("value"));
    JsonObject setdefault = call(vertx, "d0", "{\"op\":\"setdefault\",\"path\":[],\"key\":\"n\",\"value\":null}");
    assertEquals("{\"version\":3,\"value\":null}", setdefault.encode());
    JsonObject undo = call(vertx, "d0", "{\"op\":\"undo\"}");
    assertFalse(undo.containsKey("value"), undo.encode());
  }

  @Test
  void errorsCarryTheirCodeAndNameThePath(Vertx vertx) throws Exception {
    deploy(vertx, "memory", "d2");
    ReplyException missing = failure(vertx, "d2", "{\"op\":\"get\",\"path\":[\"nope\"]}");
    assertEquals(404, missing.failureCode());
    assertTrue(missing.getMessage().contains("[\"nope\"]"), missing.getMessage());
    assertEquals(400, failure(vertx, "d2", "{\"op\":\"explode\",\"path\":[]}").failureCode());
    assertEquals(400, failure(vertx, "d2", "{\"path\":[]}").failureCode());
    ReplyException notJson = (ReplyException) assertThrows(ExecutionException.class,
        () -> await(vertx.eventBus().request("d2", "get x"))).getCause();
    assertEquals(400, notJson.failureCode());
    assertEquals(409, failure(vertx, "d2", "{\"op\":\"undo\"}").failureCode());
  }

  @Test
  void undoAndRedoStepThroughWritesAndABatchIsOneStep(Vertx vertx) throws Exception {
    deploy(vertx, "memory", "d3");
    call(vertx, "d3", "{\"op\":\"set\",\"path\":[\"x\"],\"value\":3}");
    call(vertx, "d3", "{\"op\":\"batch\",\"ops\":[{\"op\":\"set\",\"path\":[\"a\"],\"value\":1},"
        + "{\"op\":\"set\",\"path\":[\"b\"],\"value\":2}]}");
    call(vertx, "d3", "{\"op\":\"undo\"}");
    assertEquals(new JsonObject().put("x", 3), call(vertx, "d3", "{\"op\":\"get\",\"path\":[]}").getValue("value"));
    call(vertx, "d3", "{\"op\":\"redo\"}");
    assertEquals(new JsonObject().put("x", 3).put("a", 1).put("b", 2),
        call(vertx, "d3", "{\"op\":\"get\",\"path\":[]}").getValue("value"));
    call(vertx, "d3", "{\"op\":\"undo\"}");
    call(vertx, "d3", "{\"op\":\"set\",\"path\":[\"y\"],\"value\":4}");
    assertEquals(409, failure(vertx, "d3", "{\"op\":\"redo\"}").failureCode(), "a new write clears redo");
  }

  @Test
  void historyIsBounded(Vertx vertx) throws Exception {
    await(vertx.deployVerticle(new DocStoreVerticle(), new DeploymentOptions().setConfig(
        new JsonObject().put("address", "d4").put("historySize", 2))));
    for (int i = 0; i < 4; i++) {
      call(vertx, "d4", "{\"op\":\"set\",\"path\":[\"n\"],\"value\":" + i + "}");
    }
    call(vertx, "d4", "{\"op\":\"undo\"}");
    call(vertx, "d4", "{\"op\":\"undo\"}");
    assertEquals(409, failure(vertx, "d4", "{\"op\":\"undo\"}").failureCode());
    assertEquals(1, call(vertx, "d4", "{\"op\":\"get\",\"path\":[\"n\"]}").getInteger("value"));
  }

  @Test
  void otherClientsWaitWhileTheLockIsHeldAndProceedAfterUnlock(Vertx vertx) throws Exception {
    deploy(vertx, "memory", "d5");
    String token = call(vertx, "d5", "{\"op\":\"lock\",\"ttlMs\":10000}").getString("token");
    CompletableFuture<JsonObject> waiting = vertx.eventBus().<JsonObject>request("d5",
        new JsonObject("{\"op\":\"set\",\"path\":[\"who\"],\"value\":\"other\"}")).map(m -> m.body())
        .toCompletionStage().toCompletableFuture();
    call(vertx, "d5", "{\"op\":\"set\",\"path\":[\"who\"],\"value\":\"holder\",\"token\":\"" + token + "\"}");
    assertTrue(!waiting.isDone(), "the other client's write waits for the lock");
    assertEquals("holder", call(vertx, "d5", "{\"op\":\"get\",\"path\":[\"who\"],\"token\":\"" + token + "\"}")
        .getString("value"));
    call(vertx, "d5", "{\"op\":\"unlock\",\"token\":\"" + token + "\"}");
    assertEquals(2, waiting.get(10, TimeUnit.SECONDS).getLong("version"));
    assertEquals("other", call(vertx, "d5", "{\"op\":\"get\",\"path\":[\"who\"]}").getString("value"));
  }

  @Test
  void requestsWaitingForTheLockFailUnavailableWhenTheStoreStopsServing(Vertx vertx) throws Exception {
    String deployment = deploy(vertx, "memory", "d5b");
    String token = call(vertx, "d5b", "{\"op\":\"lock\",\"ttlMs\":10000}").getString("token");
    CompletableFuture<JsonObject> waiting = vertx.eventBus().<JsonObject>request("d5b",
        new JsonObject("{\"op\":\"set\",\"path\":[\"who\"],\"value\":\"other\"}"),
            new DeliveryOptions().setSendTimeout(20_000)).map(m -> m.body())
        .toCompletionStage().toCompletableFuture();
    // the holder's read goes through, after the write the bus delivered before it: that one waits
    call(vertx, "d5b", "{\"op\":\"get\",\"path\":[],\"token\":\"" + token + "\"}");
    assertFalse(waiting.isDone());
    await(vertx.undeploy(deployment));
    ExecutionException e = assertThrows(ExecutionException.class, () -> waiting.get(5, TimeUnit.SECONDS));
    ReplyException r = assertInstanceOf(ReplyException.class, e.getCause());
    assertEquals(503, r.failureCode(), r.getMessage());
    assertTrue(r.getMessage().contains("nothing was changed"), r.getMessage());
  }

  @Test
  void aHolderThatStopsRenewingLosesTheLeaseAndTheQueueMovesOn(Vertx vertx) throws Exception {
    deploy(vertx, "memory", "d6");
    call(vertx, "d6", "{\"op\":\"lock\",\"ttlMs\":300}");
    long start = System.nanoTime();
    JsonObject next = call(vertx, "d6", "{\"op\":\"set\",\"path\":[\"k\"],\"value\":1}");
    assertEquals(1, next.getLong("version"));
    assertTrue(System.nanoTime() - start >= 200_000_000L, "it waited for the lease to run out");
  }

  @Test
  void aBadTokenIsAConflict(Vertx vertx) throws Exception {
    deploy(vertx, "memory", "d7");
    assertEquals(409, failure(vertx, "d7", "{\"op\":\"unlock\",\"token\":\"forged\"}").failureCode());
    assertEquals(409, failure(vertx, "d7", "{\"op\":\"renew\",\"token\":\"forged\"}").failureCode());
    assertEquals(400, failure(vertx, "d7", "{\"op\":\"lock\",\"ttlMs\":-5}").failureCode());
  }

  @Test
  void aRequestThatWaitsPastItsDeadlineIsRefusedAndChangesNothing(Vertx vertx) throws Exception {
    deploy(vertx, "memory", "d8");
    call(vertx, "d8", "{\"op\":\"lock\",\"ttlMs\":5000}");
    ReplyException e = failure(vertx, "d8", "{\"op\":\"set\",\"path\":[\"k\"],\"value\":1,\"timeoutMs\":300}");
    assertEquals(409, e.failureCode());
    assertTrue(e.getMessage().contains("stayed locked"), e.getMessage());
  }

  @Test
  void sixteenConcurrentClientsLoseNoIncrement(Vertx vertx) throws Exception {
    deploy(vertx, "rocksdb", "d9");
    List<Future<?>> all = new ArrayList<>();
    for (int c = 0; c < 16; c++) {
      Future<Object> chain = Future.succeededFuture();
      for (int i = 0; i < 50; i++) {
        chain = chain.compose(v -> vertx.eventBus().request("d9",
            new JsonObject("{\"op\":\"incr\",\"path\":[\"n\"]}")).map(m -> null));
      }
      all.add(chain);
    }
    await(Future.all(all));
    assertEquals(800, call(vertx, "d9", "{\"op\":\"get\",\"path\":[\"n\"]}").getInteger("value"));
  }

  @Test
  void aRestartKeepsTheDocumentTheVersionAndTheUndoHistory(Vertx vertx) throws Exception {
    String id = deploy(vertx, "rocksdb", "d10");
    call(vertx, "d10", "{\"op\":\"set\",\"path\":[\"x\"],\"value\":1}");
    call(vertx, "d10", "{\"op\":\"set\",\"path\":[\"x\"],\"value\":2}");
    await(vertx.undeploy(id));
    deploy(vertx, "rocksdb", "d10");
    assertEquals(2, call(vertx, "d10", "{\"op\":\"get\",\"path\":[\"x\"]}").getInteger("value"));
    assertEquals(3, call(vertx, "d10", "{\"op\":\"undo\"}").getLong("version"));
    assertEquals(1, call(vertx, "d10", "{\"op\":\"get\",\"path\":[\"x\"]}").getInteger("value"));
  }

  @Test
  void aRestartReplaysTheLogAfterTheLastSnapshot(Vertx vertx) throws Exception {
    JsonObject config = new JsonObject().put("address", "d11").put("backend", "rocksdb")
        .put("dataDir", dir.resolve("d11").toString()).put("snapshotEvery", 3);
    String id = await(vertx.deployVerticle(new DocStoreVerticle(), new DeploymentOptions().setConfig(config)));
    call(vertx, "d11", "{\"op\":\"set\",\"path\":[\"l\"],\"value\":[]}");
    for (int i = 1; i <= 7; i++) {
      call(vertx, "d11", "{\"op\":\"append\",\"path\":[\"l\"],\"value\":" + i + "}");
    }
    await(vertx.undeploy(id));
    await(vertx.deployVerticle(new DocStoreVerticle(), new DeploymentOptions().setConfig(config)));
    assertEquals(7, call(vertx, "d11", "{\"op\":\"len\",\"path\":[\"l\"]}").getInteger("len"));
  }

  @Test
  void aStartAfterACrashThenACleanStopLeavesASnapshotSoTheNextStartReplaysNothing(Vertx vertx) throws Exception {
    Path data = dir.resolve("d14");
    // What a crashed store leaves: log records and no snapshot.
    try (var engine = io.conduit.store.engine.Engines.open("rocksdb", data, io.conduit.store.engine.Durability.DEFAULT)) {
      DocJournal journal = new DocJournal(engine);
      DocState crashed = DocState.empty(1000);
      for (int i = 0; i < 5; i++) {
        DocState.Applied applied = crashed.write(new JsonObject("{\"op\":\"set\",\"path\":[\"k" + i + "\"],\"value\":" + i + "}"));
        journal.write(journal.entry(applied.record(), new io.conduit.store.engine.WriteBatch())).get(10, TimeUnit.SECONDS);
      }
    }
    JsonObject config = new JsonObject().put("address", "d14").put("backend", "rocksdb").put("dataDir", data.toString());
    String id = await(vertx.deployVerticle(new DocStoreVerticle(), new DeploymentOptions().setConfig(config)));
    assertEquals(4, call(vertx, "d14", "{\"op\":\"get\",\"path\":[\"k4\"]}").getInteger("value"));
    await(vertx.undeploy(id));
    try (var engine = io.conduit.store.engine.Engines.open("rocksdb", data, io.conduit.store.engine.Durability.DEFAULT)) {
      DocJournal.Recovered recovered = new DocJournal(engine).recover(1000);
      assertEquals(0, recovered.replayed(), "records replayed after a clean stop");
      assertEquals(5, recovered.state().version);
    }
  }

  @Test
  void aLogIsReplayedUpToItsFirstMissingRecordAndTheRecordsAfterItAreDropped(Vertx vertx) throws Exception {
    Path data = dir.resolve("d15");
    try (var engine = io.conduit.store.engine.Engines.open("rocksdb", data, io.conduit.store.engine.Durability.DEFAULT)) {
      DocJournal journal = new DocJournal(engine);
      DocState written = DocState.empty(1000);
      for (int i = 1; i <= 5; i++) {
        DocState.Applied applied = written.write(new JsonObject("{\"op\":\"incr\",\"path\":[\"n\"]}"));
        journal.write(journal.entry(applied.record(), new io.conduit.store.engine.WriteBatch())).get(10, TimeUnit.SECONDS);
      }
      // what a write that could not be stored leaves: 3 and 4 missing, 5 stored after them (never acknowledged)
      engine.write(new io.conduit.store.engine.WriteBatch().delete(DocJournal.logKey(3)).delete(DocJournal.logKey(4)))
          .get(10, TimeUnit.SECONDS);
    }
    JsonObject config = new JsonObject().put("address", "d15").put("backend", "rocksdb").put("dataDir", data.toString());
    String id = await(vertx.deployVerticle(new DocStoreVerticle(), new DeploymentOptions().setConfig(config)));
    assertEquals(2, call(vertx, "d15", "{\"op\":\"get\",\"path\":[\"n\"]}").getInteger("value"),
        "replayed up to the gap, not 5 over 2");
    assertEquals(3L, call(vertx, "d15", "{\"op\":\"incr\",\"path\":[\"n\"]}").getLong("version"));
    assertEquals(4L, call(vertx, "d15", "{\"op\":\"incr\",\"path\":[\"n\"]}").getLong("version"));
    await(vertx.undeploy(id));
    // the record 5 set aside is out of the log: it does not come back after the new 3 and 4
    id = await(vertx.deployVerticle(new DocStoreVerticle(), new DeploymentOptions().setConfig(config)));
    assertEquals(4, call(vertx, "d15", "{\"op\":\"get\",\"path\":[\"n\"]}").getInteger("value"));
    await(vertx.undeploy(id));
    // but kept in the folder, for whoever repairs it
    try (var engine = io.conduit.store.engine.Engines.open("rocksdb", data, io.conduit.store.engine.Durability.DEFAULT)) {
      List<JsonObject> aside = new ArrayList<>();
      engine.scan(new byte[] {4}, new byte[] {5}, (k, v) -> aside.add(new JsonObject(Buffer.buffer(v))));
      assertEquals(List.of(5L), aside.stream().map(r -> r.getLong("v")).toList());
    }
  }

  @Test
  void everyWriteIsPublishedOnTheChangeStream(Vertx vertx) throws Exception {
    deploy(vertx, "memory", "d12");
    CompletableFuture<JsonObject> change = new CompletableFuture<>();
    List<Object> sent = new CopyOnWriteArrayList<>();
    vertx.eventBus().addOutboundInterceptor(ctx -> {
      if (ctx.message().address().equals("d12.changes")) {
        sent.add(ctx.body());
      }
      ctx.next();
    });
    await(vertx.eventBus().<JsonObject>consumer("d12.changes", m -> change.complete(m.body())).completion());
    call(vertx, "d12", "{\"op\":\"set\",\"path\":[\"x\"],\"value\":42}");
    JsonObject c = change.get(10, TimeUnit.SECONDS);
    assertEquals(1, c.getLong("version"));
    assertEquals("set", c.getString("op"));
    assertEquals(new JsonArray().add("x"), c.getJsonArray("path"));
    assertEquals(42, c.getInteger("value"));
    assertEquals(1, c.getJsonObject("record").getLong("v"));
    // a standalone node sends it unbuilt: the JSON is made for the consumers there are
    assertEquals(1, sent.size());
    assertInstanceOf(ChangeEvent.class, sent.get(0));
  }

  @Test
  void blobsAreStoredOutOfTheTreeAndReadBack(Vertx vertx) throws Exception {
    deploy(vertx, "rocksdb", "d13");
    byte[] bytes = new byte[100_000];
    new java.util.Random(1).nextBytes(bytes);
    JsonObject put = await(vertx.eventBus().<JsonObject>request("d13", Buffer.buffer(bytes),
        new DeliveryOptions().addHeader("op", "putBlob").addHeader("path", "[\"files\"]"))).body();
    assertEquals(1, put.getLong("version"));
    JsonObject ref = call(vertx, "d13", "{\"op\":\"get\",\"path\":[\"files\"]}").getJsonObject("value");
    assertEquals(100_000, ref.getInteger("size"));
    Buffer back = await(vertx.eventBus().<Buffer>request("d13", new JsonObject("{\"op\":\"getBlob\",\"path\":[\"files\"]}"))).body();
    assertEquals(Buffer.buffer(bytes), back);
    call(vertx, "d13", "{\"op\":\"deleteBlob\",\"path\":[\"files\"]}");
    assertEquals(404, failure(vertx, "d13", "{\"op\":\"getBlob\",\"path\":[\"files\"]}").failureCode());
    call(vertx, "d13", "{\"op\":\"undo\"}");
    assertEquals(Buffer.buffer(bytes), await(vertx.eventBus().<Buffer>request("d13",
        new JsonObject("{\"op\":\"getBlob\",\"path\":[\"files\"]}"))).body(), "undo brings the blob back");
  }

  /** Deploys a RocksDB store; returns its context, whose loop can send it requests that arrive in one turn. */
  private io.vertx.core.Context deployOnRocksdb(Vertx vertx, String address) throws Exception {
    var store = new DocStoreVerticle() {
      io.vertx.core.Context loop() {
        return context;
      }
    };
    await(vertx.deployVerticle(store, new DeploymentOptions().setConfig(new JsonObject().put("address", address)
        .put("backend", "rocksdb").put("dataDir", dir.resolve(address).toString()))));
    return store.loop();
  }

  @Test
  void aBlobPutJustBeforeIsReadBackEvenInTheSameTurn(Vertx vertx) throws Exception {
    io.vertx.core.Context loop = deployOnRocksdb(vertx, "d19");
    CompletableFuture<List<Future<io.vertx.core.eventbus.Message<Object>>>> sent = new CompletableFuture<>();
    loop.runOnContext(v -> sent.complete(List.of(
        vertx.eventBus().request("d19", Buffer.buffer("the bytes"),
            new DeliveryOptions().addHeader("op", "putBlob").addHeader("path", "[\"f\"]")),
        vertx.eventBus().request("d19", new JsonObject("{\"op\":\"getBlob\",\"path\":[\"f\"]}")))));
    List<Future<io.vertx.core.eventbus.Message<Object>>> replies = sent.get(10, TimeUnit.SECONDS);
    assertEquals(1L, ((JsonObject) await(replies.get(0)).body()).getLong("version"));
    assertEquals(Buffer.buffer("the bytes"), await(replies.get(1)).body(), "read after the put before it");
  }

  /**
   * A store hands the writes of one turn of its loop to the engine together once the turn's work
   * is done; a {@code save} or a replica's {@code snapshot} in the same turn still covers the
   * writes applied before it.
   */
  @Test
  void aSaveOrASnapshotCoversTheWritesAppliedBeforeItInTheSameTurn(Vertx vertx) throws Exception {
    io.vertx.core.Context loop = deployOnRocksdb(vertx, "d18");
    CompletableFuture<List<Future<io.vertx.core.eventbus.Message<JsonObject>>>> sent = new CompletableFuture<>();
    // sent from the store's own loop: all four are delivered in one turn, in this order
    loop.runOnContext(v -> sent.complete(List.of(
        vertx.eventBus().request("d18", new JsonObject("{\"op\":\"set\",\"path\":[\"a\"],\"value\":1}")),
        vertx.eventBus().request("d18", new JsonObject("{\"op\":\"save\"}")),
        vertx.eventBus().request("d18", new JsonObject("{\"op\":\"set\",\"path\":[\"b\"],\"value\":2}")),
        vertx.eventBus().request("d18", new JsonObject("{\"op\":\"snapshot\"}")))));
    List<Future<io.vertx.core.eventbus.Message<JsonObject>>> replies = sent.get(10, TimeUnit.SECONDS);
    assertEquals(1L, await(replies.get(0)).body().getLong("version"));
    long saved = await(replies.get(1)).body().getLong("version");
    assertTrue(saved >= 1, "the save covers the set before it (and may cover the one after): " + saved);
    assertEquals(2L, await(replies.get(2)).body().getLong("version"));
    JsonObject snapshot = await(replies.get(3)).body();
    assertEquals(2L, snapshot.getLong("version"), "the snapshot covers both sets: " + snapshot.encode());
    assertEquals(new JsonObject().put("a", 1).put("b", 2), snapshot.getJsonObject("document"));
  }

  @Test
  void aPutBlobWithoutBytesIsABadRequestNamingWhereTheBytesGo(Vertx vertx) throws Exception {
    deploy(vertx, "memory", "d16");
    ReplyException e = failure(vertx, "d16", "{\"op\":\"putBlob\",\"path\":[\"f\"]}");
    assertEquals(400, e.failureCode(), e.getMessage());
    assertEquals("putBlob takes the blob's bytes as a binary body (headers op=putBlob and path=[...]), not a JSON "
        + "request", e.getMessage());
    assertEquals(0, call(vertx, "d16", "{\"op\":\"save\"}").getLong("version"), "nothing was written");
  }

  @Test
  void theLockHolderCanPutABlob(Vertx vertx) throws Exception {
    deploy(vertx, "memory", "d15");
    String token = call(vertx, "d15", "{\"op\":\"lock\",\"ttlMs\":10000}").getString("token");
    JsonObject put = await(vertx.eventBus().<JsonObject>request("d15", Buffer.buffer("bytes"), new DeliveryOptions()
        .addHeader("op", "putBlob").addHeader("path", "[\"f\"]").addHeader("token", token).setSendTimeout(3000))).body();
    assertEquals(1, put.getLong("version"));
  }

  @Test
  void badConfigIsNamed(Vertx vertx) {
    var e = assertThrows(ExecutionException.class, () -> await(vertx.deployVerticle(new DocStoreVerticle(),
        new DeploymentOptions().setConfig(new JsonObject().put("backend", "floppy")))));
    assertTrue(e.getCause().getMessage().contains("backend must be one of [memory, rocksdb]"), e.getCause().getMessage());
  }
}
