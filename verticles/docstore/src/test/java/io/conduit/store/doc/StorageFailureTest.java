package io.conduit.store.doc;

import io.conduit.Conditions;
import io.conduit.node.ServiceRoles;
import io.conduit.store.engine.BreakableEngine;
import io.conduit.store.engine.EngineException;
import io.conduit.store.engine.EngineStats;
import io.conduit.store.engine.KeyValueEngine;
import io.conduit.store.engine.MemoryEngine;
import io.conduit.store.engine.WriteBatch;
import io.conduit.store.owner.StoreOwnership;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BiPredicate;
import java.util.stream.LongStream;

import static io.conduit.store.doc.StoreCalls.await;
import static io.conduit.store.doc.StoreCalls.call;
import static io.conduit.store.doc.StoreCalls.failure;
import static io.conduit.store.doc.StoreCalls.refusedUntilReopened;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A write that cannot be made durable stops the store, so nobody reads data a restart would lose;
 * the store is then given up and its data reopened, recovering what was stored.
 */
@ExtendWith(VertxExtension.class)
class StorageFailureTest {

  @Test
  void aWriteThatCannotBeStoredFailsAndTheStoreRefusesEverythingUntilItHasReopenedItsData(Vertx vertx)
      throws Exception {
    BreakableEngine engine = new BreakableEngine();
    DocStoreVerticle store = new DocStoreVerticle(o -> engine);
    await(vertx.deployVerticle(store, new DeploymentOptions().setConfig(
        new JsonObject().put("address", "sf").put("backend", "rocksdb"))));
    call(vertx, "sf", "{\"op\":\"set\",\"path\":[\"x\"],\"value\":1}");
    engine.broken.set(true);

    ReplyException write = failure(vertx, "sf", "{\"op\":\"set\",\"path\":[\"x\"],\"value\":2}");
    assertEquals(500, write.failureCode());
    assertTrue(write.getMessage().contains("could not be stored (no space left on device)"), write.getMessage());
    Conditions.await(5_000, () -> String.valueOf(store.storageFailure()).contains("stopped serving here: write 2 could "
        + "not be stored (no space left on device); another node's in-sync standby may take it over, else it reopens "
        + "its data at"), () -> "the health check is told " + store.storageFailure());

    engine.broken.set(false); // the disk has room again
    JsonObject read = refusedUntilReopened(vertx, "sf", "{\"op\":\"get\",\"path\":[\"x\"]}");
    assertEquals(1, read.getInteger("value"), "what was stored, not the unstored value 2");
    assertEquals(2L, call(vertx, "sf", "{\"op\":\"set\",\"path\":[\"x\"],\"value\":3}").getLong("version"));
    assertEquals(null, store.storageFailure(), "serving again");
  }

  @Test
  void anOwnerWhoseWriteCannotBeStoredGivesTheStoreUpToItsInSyncStandbyAndThenFollowsIt(Vertx vertx,
                                                                                       @TempDir Path dir)
      throws Exception {
    BreakableEngine disk = new BreakableEngine();
    JsonObject a = new JsonObject().put("address", "sf6").put("backend", "rocksdb").put("dataDir", dir.resolve("a").toString());
    DocStoreVerticle first = new DocStoreVerticle(o -> disk);
    await(vertx.deployVerticle(first, new DeploymentOptions().setConfig(a)));
    DocStoreVerticle second = new DocStoreVerticle();
    await(vertx.deployVerticle(second, new DeploymentOptions().setConfig(a.copy().put("dataDir",
        dir.resolve("b").toString()))));
    Conditions.await(20_000, () -> inSync(vertx), () -> "roles " + ServiceRoles.all(vertx));
    for (int i = 1; i <= 20; i++) {
      call(vertx, "sf6", "{\"op\":\"set\",\"path\":[\"k" + i + "\"],\"value\":" + i + "}");
    }
    disk.broken.set(true);
    ReplyException unstored = failure(vertx, "sf6", "{\"op\":\"set\",\"path\":[\"lost\"],\"value\":1}");
    assertTrue(unstored.getMessage().contains("could not be stored (no space left on device)"), unstored.getMessage());
    // the standby takes over at its next check, before the failed owner would reopen its own data
    long given = System.nanoTime();
    Conditions.await(StoreOwnership.CLAIM_AGAIN_AFTER_MS, () -> second.ownership().role() == StoreOwnership.Role.OWNER,
        () -> "roles " + ServiceRoles.all(vertx));
    assertTrue(System.nanoTime() - given < StoreOwnership.CLAIM_AGAIN_AFTER_MS * 1_000_000);
    JsonObject doc = call(vertx, "sf6", "{\"op\":\"get\",\"path\":[]}").getJsonObject("value");
    for (int i = 1; i <= 20; i++) {
      assertEquals(i, doc.getInteger("k" + i), "every acknowledged write: " + doc.encode());
    }
    call(vertx, "sf6", "{\"op\":\"set\",\"path\":[\"after\"],\"value\":1}");
    // the deployment whose disk failed follows the new owner once its disk takes writes again
    disk.broken.set(false);
    Conditions.await(20_000, () -> inSync(vertx), () -> "roles " + ServiceRoles.all(vertx));
    assertEquals(StoreOwnership.Role.STANDBY, first.ownership().role());
    assertEquals(null, first.storageFailure(), "a standby in sync: healthy again");
  }

  private static boolean inSync(Vertx vertx) {
    return ServiceRoles.all(vertx).stream().anyMatch(r -> r.getString("reason", "").contains("in sync"));
  }

  /** An exception, or an Error such as a stack overflow, thrown on the way to the engine. */
  @ParameterizedTest
  @ValueSource(booleans = {false, true})
  void aWriteWhoseEngineThrowsIsAWriteThatWasNotStored(boolean anError, Vertx vertx) throws Exception {
    BreakableEngine engine = new BreakableEngine();
    String address = "sf2-" + anError;
    await(vertx.deployVerticle(new DocStoreVerticle(o -> engine), new DeploymentOptions().setConfig(
        new JsonObject().put("address", address).put("backend", "rocksdb"))));
    call(vertx, address, "{\"op\":\"set\",\"path\":[\"x\"],\"value\":1}");
    AtomicBoolean fault = anError ? engine.erring : engine.faulty;
    fault.set(true);

    ReplyException write = failure(vertx, address, "{\"op\":\"set\",\"path\":[\"x\"],\"value\":2}");
    assertEquals(500, write.failureCode());
    assertTrue(write.getMessage().contains("could not be stored (" + (anError ? "java.lang.StackOverflowError"
        : "an engine fault") + ")"), write.getMessage());

    fault.set(false);
    JsonObject read = refusedUntilReopened(vertx, address, "{\"op\":\"get\",\"path\":[\"x\"]}");
    assertEquals(1, read.getInteger("value"), "the unstored value 2 must not be served");
  }

  @Test
  void aWriteThatWaitedBehindTheLockWhileAnotherFailedIsRefusedNotApplied(Vertx vertx) throws Exception {
    BreakableEngine engine = new BreakableEngine();
    await(vertx.deployVerticle(new DocStoreVerticle(o -> engine), new DeploymentOptions().setConfig(
        new JsonObject().put("address", "sf3").put("backend", "rocksdb"))));
    String token = call(vertx, "sf3", "{\"op\":\"lock\",\"ttlMs\":500}").getString("token");
    // another client's write waits behind the lock
    var waiting = vertx.eventBus().request("sf3", new JsonObject("{\"op\":\"set\",\"path\":[\"y\"],\"value\":1,"
        + "\"timeoutMs\":10000}"));
    engine.broken.set(true);
    ReplyException write = failure(vertx, "sf3", "{\"op\":\"set\",\"path\":[\"x\"],\"value\":2,\"token\":\"" + token + "\"}");
    assertTrue(write.getMessage().contains("could not be stored"), write.getMessage());
    engine.broken.set(false); // the next write would be stored: it must not be made all the same
    // the store stopped: the write waiting for the lock is refused, unapplied
    ReplyException refused = assertInstanceOf(ReplyException.class,
        assertThrows(ExecutionException.class, () -> await(waiting)).getCause());
    assertEquals(503, refused.failureCode());
    assertTrue(refused.getMessage().contains("stopped serving here while this request waited for its lock; nothing "
        + "was changed"), refused.getMessage());
    assertEquals(new JsonObject(), refusedUntilReopened(vertx, "sf3", "{\"op\":\"get\",\"path\":[]}")
        .getJsonObject("value"), "neither write was applied");
  }

  @Test
  void writesStoredAfterOneThatWasNotAreNotAcknowledgedAndARestartEndsAtTheMissingOne(Vertx vertx) throws Exception {
    WriterThreadEngine engine = new WriterThreadEngine();
    try {
      burstThenRestart(vertx, engine);
    } finally {
      engine.end();
    }
  }

  private static void burstThenRestart(Vertx vertx, WriterThreadEngine engine) throws Exception {
    JsonObject config = new JsonObject().put("address", "sf4").put("backend", "rocksdb");
    String id = await(vertx.deployVerticle(new DocStoreVerticle(o -> engine), new DeploymentOptions().setConfig(config)));
    String incr = "{\"op\":\"incr\",\"path\":[\"n\"]}";
    assertEquals(1L, call(vertx, "sf4", incr).getLong("version"));
    engine.failing.set(21);
    engine.held = new CompletableFuture<>(); // the writer waits: later writes are applied before 21's failure is known
    List<Future<Message<JsonObject>>> burst = new ArrayList<>();
    // in three parts, so that write 21 goes to the engine on its own, after 2-20 and before 22-61
    for (int[] part : new int[][] {{2, 20}, {21, 21}, {22, 61}}) {
      for (int v = part[0]; v <= part[1]; v++) {
        burst.add(vertx.eventBus().request("sf4", new JsonObject(incr)));
      }
      engine.awaitSubmitted(part[1]);
    }
    engine.held.complete(null);
    await(Future.join(burst).transform(settled -> Future.succeededFuture())); // every reply, whatever it was
    List<Long> acknowledged = new ArrayList<>();
    for (Future<Message<JsonObject>> reply : burst) {
      if (reply.succeeded()) {
        acknowledged.add(reply.result().body().getLong("version"));
      } else {
        assertRefusedAfter(reply.cause(), "write 21 could not be stored (disk error on write 21)");
      }
    }
    assertEquals(LongStream.rangeClosed(2, 20).boxed().toList(), acknowledged,
        "nothing after the write that was not stored is acknowledged, though the engine stored it");

    await(vertx.undeploy(id)); // no snapshot of what memory held
    engine.failing.set(0);
    String restarted = await(vertx.deployVerticle(new DocStoreVerticle(o -> engine),
        new DeploymentOptions().setConfig(config)));
    assertEquals(20, call(vertx, "sf4", "{\"op\":\"get\",\"path\":[\"n\"]}").getInteger("value"),
        "every acknowledged write, and none after the missing one");
    assertEquals(21L, call(vertx, "sf4", incr).getLong("version"));
    await(vertx.undeploy(restarted)); // while the writer runs: a clean stop writes a snapshot
  }

  @Test
  void writesStillOnTheirWayWhenALaterOneFailsAtOnceAreAcknowledged(Vertx vertx) throws Exception {
    WriterThreadEngine engine = new WriterThreadEngine();
    try {
      await(vertx.deployVerticle(new DocStoreVerticle(o -> engine), new DeploymentOptions().setConfig(
          new JsonObject().put("address", "sf5").put("backend", "rocksdb"))));
      String incr = "{\"op\":\"incr\",\"path\":[\"n\"]}";
      assertEquals(1L, call(vertx, "sf5", incr).getLong("version"));
      engine.held = new CompletableFuture<>(); // writes 2-4 wait on the writer thread
      engine.throwing.set(5); // write 5 throws at once
      List<Future<Message<JsonObject>>> writes = new ArrayList<>();
      for (int i = 0; i < 3; i++) {
        writes.add(vertx.eventBus().request("sf5", new JsonObject(incr)));
      }
      engine.awaitSubmitted(4);
      for (int i = 0; i < 2; i++) {
        writes.add(vertx.eventBus().request("sf5", new JsonObject(incr)));
      }
      ReplyException failed = assertInstanceOf(ReplyException.class, assertThrows(ExecutionException.class,
          () -> await(writes.get(3))).getCause());
      assertTrue(failed.getMessage().contains("write 5 could not be stored (engine fault on write"), failed.getMessage());
      engine.held.complete(null);
      for (int i = 0; i < 3; i++) {
        assertEquals(i + 2L, await(writes.get(i)).body().getLong("version"), "stored before the failed one: acknowledged");
      }
      assertRefusedAfter(assertThrows(ExecutionException.class, () -> await(writes.get(4))).getCause(),
          "write 5 could not be stored");
    } finally {
      engine.held.complete(null);
      engine.end();
    }
  }

  /**
   * A write refused once an earlier one could not be stored: the refusal names that one ({@code why});
   * or, when this thread sent it only after the store had given itself up and closed, nothing serves
   * the address any more (NO_HANDLERS), as for any store not served on this node; or, when it reached
   * the store's consumer just as that closed, the event bus discarded it unhandled (its TIMEOUT
   * "Discarded the request"). Never applied, in every case.
   */
  private static void assertRefusedAfter(Throwable failure, String why) {
    ReplyException refused = assertInstanceOf(ReplyException.class, failure);
    assertTrue(refused.getMessage().contains(why) || refused.failureType() == ReplyFailure.NO_HANDLERS
            || refused.failureType() == ReplyFailure.TIMEOUT && refused.getMessage().startsWith("Discarded the request"),
        refused.failureType() + ": " + refused.getMessage());
  }

  /**
   * Writes applied in order on a thread of their own, as RocksDB's writer applies them, so that a
   * store applies later requests before an earlier write's outcome is known. The write that carries
   * a chosen version's log record fails: the store joins a turn's writes into one engine write, so a
   * failure is chosen by version, not by engine write. Keeps its data across a "restart": a store's
   * close does nothing; {@link #end()} ends the writer.
   */
  private static final class WriterThreadEngine implements KeyValueEngine {
    /** The version whose write fails on the writer thread (0: none). */
    final AtomicLong failing = new AtomicLong();
    /** The version whose write throws at once, on the caller's thread (0: none). */
    final AtomicLong throwing = new AtomicLong();
    /** The highest version handed to this engine so far. */
    final AtomicLong submitted = new AtomicLong();
    /** The writer waits for it before each write: complete it to let them through. */
    volatile CompletableFuture<Void> held = CompletableFuture.completedFuture(null);
    private final MemoryEngine delegate = new MemoryEngine();
    private final ExecutorService writer = Executors.newSingleThreadExecutor();

    @Override
    public byte[] get(byte[] key) {
      return delegate.get(key);
    }

    @Override
    public void scan(byte[] from, byte[] to, BiPredicate<byte[], byte[]> visitor) {
      delegate.scan(from, to, visitor);
    }

    @Override
    public CompletableFuture<Void> write(WriteBatch batch) {
      List<Long> versions = new ArrayList<>();
      try {
        batch.forEach((key, value) -> {
          if (key.length == 9 && key[0] == 1) { // a log record: 0x01 + version
            versions.add(ByteBuffer.wrap(key, 1, 8).getLong());
          }
        });
      } catch (IllegalStateException snapshot) {
        // a snapshot's write, which deletes the records it covers as a range: it carries no record
      }
      versions.forEach(v -> submitted.accumulateAndGet(v, Math::max));
      long throwsAt = throwing.get();
      if (versions.contains(throwsAt)) {
        throw new IllegalStateException("engine fault on write " + throwsAt);
      }
      long failsAt = failing.get();
      return CompletableFuture.runAsync(() -> {
        held.join();
        if (versions.contains(failsAt)) {
          throw new EngineException("disk error on write " + failsAt);
        }
        delegate.write(batch).join();
      }, writer);
    }

    /** Waits until the store has handed this engine the write of {@code version}. */
    void awaitSubmitted(long version) {
      Conditions.await(10_000, () -> submitted.get() >= version, () -> "handed over up to " + submitted.get());
    }

    @Override
    public EngineStats stats() {
      return delegate.stats();
    }

    @Override
    public String describe() {
      return "memory engine with a writer thread";
    }

    @Override
    public void close() {
      // a "restart" finds what was stored
    }

    void end() {
      writer.shutdownNow();
    }
  }
}
