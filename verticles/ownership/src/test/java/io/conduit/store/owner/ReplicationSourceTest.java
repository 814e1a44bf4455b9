package io.conduit.store.owner;

import io.conduit.Conditions;
import io.conduit.store.engine.EngineStats;
import io.conduit.store.engine.KeyValueEngine;
import io.conduit.store.engine.MemoryEngine;
import io.conduit.store.engine.WriteBatch;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Function;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The owner's side of replication when an in-sync standby stops acknowledging: the write waits for
 * it, then the standby is dropped and the claim changed before the write completes; when the claim
 * cannot be changed (another owner took it meanwhile), the write fails instead of being
 * acknowledged without the standby, and so does every later one.
 */
@ExtendWith(VertxExtension.class)
class ReplicationSourceTest {

  private static final long ACK_TIMEOUT_MS = 300;

  private static WriteBatch batch(int n) {
    return new WriteBatch().put(new byte[] {(byte) n}, new byte[] {(byte) n});
  }

  private static <T> T await(Future<T> f) throws Exception {
    return f.toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  /** A source whose standby attached and went live, and which acknowledges nothing after that. */
  private ReplicationSource liveSourceWithSilentStandby(Vertx vertx, String address,
                                                        List<Set<String>> listed, boolean claimLost) throws Exception {
    return liveSourceWithSilentStandby(vertx, address, ids -> {
      listed.add(ids);
      return claimLost && ids.isEmpty() ? Future.failedFuture("the claim is no longer this owner's")
          : Future.succeededFuture();
    });
  }

  /** The same, with {@code inSync} changing the claim's list of in-sync standbys. */
  private ReplicationSource liveSourceWithSilentStandby(Vertx vertx, String address,
                                                        Function<Set<String>, Future<Void>> inSync) throws Exception {
    // receives batches, never acknowledges
    return liveSource(vertx, vertx.getOrCreateContext(), address, inSync, "silent.inbox", m -> { });
  }

  /** A source on {@code context}, started. */
  private static ReplicationSource started(Vertx vertx, Context context, String address, int ackReplicas, long ackTimeoutMs,
                                           Function<Set<String>, Future<Void>> inSync) throws Exception {
    ReplicationSource source = new ReplicationSource(vertx, context, "test store", address, ackReplicas, ackTimeoutMs, inSync);
    CompletableFuture<Void> started = new CompletableFuture<>();
    context.runOnContext(v -> source.start().onComplete(ar -> started.complete(null)));
    started.get(10, TimeUnit.SECONDS);
    return source;
  }

  /** A source on {@code context} whose one standby went live, its batches handled by {@code inbox}. */
  private ReplicationSource liveSource(Vertx vertx, Context context, String address,
                                       Function<Set<String>, Future<Void>> inSync, String inboxAddress,
                                       Handler<Message<Buffer>> inbox) throws Exception {
    ReplicationSource source = started(vertx, context, address, 1, ACK_TIMEOUT_MS, inSync);
    vertx.eventBus().consumer(inboxAddress, inbox);
    String sourceAddress = ReplicationSource.sourceAddress(address);
    await(vertx.eventBus().request(sourceAddress, new JsonObject().put("op", "attach").put("id", "s1")
        .put("inbox", inboxAddress)));
    JsonObject live = (JsonObject) await(vertx.eventBus().request(sourceAddress,
        new JsonObject().put("op", "live").put("id", "s1"))).body();
    assertEquals(true, live.getBoolean("inSync"));
    return source;
  }

  /**
   * An engine whose writes are applied only when a later empty write (a barrier) asks, as RocksDB's
   * writer thread applies them some time after they were handed over; records whether a read
   * came while some were still to be applied.
   */
  private static final class LateEngine implements KeyValueEngine {
    private final MemoryEngine applied = new MemoryEngine();
    private final List<WriteBatch> held = new ArrayList<>();
    private final List<CompletableFuture<Void>> waiting = new ArrayList<>();
    volatile boolean readBeforeApplied;

    @Override
    public synchronized CompletableFuture<Void> write(WriteBatch batch) {
      if (!batch.isEmpty()) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        held.add(batch);
        waiting.add(done);
        return done;
      }
      for (int i = 0; i < held.size(); i++) {
        applied.write(held.get(i)).join();
        waiting.get(i).complete(null);
      }
      held.clear();
      waiting.clear();
      return CompletableFuture.completedFuture(null);
    }

    @Override
    public synchronized void scan(byte[] from, byte[] to, java.util.function.BiPredicate<byte[], byte[]> visitor) {
      readBeforeApplied |= !held.isEmpty();
      applied.scan(from, to, visitor);
    }

    @Override
    public byte[] get(byte[] key) {
      return applied.get(key);
    }

    @Override
    public EngineStats stats() {
      return applied.stats();
    }

    @Override
    public String describe() {
      return "an engine that applies writes late";
    }

    @Override
    public void close() {
    }
  }

  @Test
  void aStandbyAttachingWhileABatchIsNotYetAppliedFindsItInItsFirstPage(Vertx vertx) throws Exception {
    Context context = vertx.getOrCreateContext();
    ReplicationSource source = new ReplicationSource(vertx, context, "test store", "r9", 1, ACK_TIMEOUT_MS,
        ids -> Future.succeededFuture());
    LateEngine late = new LateEngine();
    CompletableFuture<Void> written = new CompletableFuture<>();
    context.runOnContext(v -> source.start().onComplete(ar -> {
      source.engine(late);
      // batch 1 handed to the engine and numbered, not yet applied
      new ReplicatedEngine(late, source).write(batch(1));
      written.complete(null);
    }));
    written.get(10, TimeUnit.SECONDS);
    String sourceAddress = ReplicationSource.sourceAddress("r9");
    JsonObject attached = (JsonObject) await(vertx.eventBus().request(sourceAddress, new JsonObject()
        .put("op", "attach").put("id", "s1").put("inbox", "r9.inbox"))).body();
    assertEquals(1L, attached.getLong("seq"), "batch 1 is not sent to the standby: its copy must hold it");
    JsonObject page = (JsonObject) await(vertx.eventBus().request(sourceAddress, new JsonObject()
        .put("op", "page").put("id", "s1"))).body();
    assertEquals(1, page.getJsonArray("entries").size(), "the first page holds batch 1: " + page.encode());
    assertTrue(!late.readBeforeApplied, "the page was read before batch 1 was applied");
  }

  @Test
  void aStandbyIsListedInSyncOnlyOnceItHasAcknowledgedTheBatchesQueuedDuringItsCopy(Vertx vertx) throws Exception {
    Context context = vertx.getOrCreateContext();
    List<Set<String>> listed = new CopyOnWriteArrayList<>();
    ReplicationSource source = started(vertx, context, "r11", 1, 5_000, ids -> {
      listed.add(ids);
      return Future.succeededFuture();
    });
    // the standby acknowledges a batch only when the test lets it
    List<Message<Buffer>> received = new CopyOnWriteArrayList<>();
    vertx.eventBus().<Buffer>consumer("r11.inbox", received::add);
    String sourceAddress = ReplicationSource.sourceAddress("r11");
    await(vertx.eventBus().request(sourceAddress, new JsonObject().put("op", "attach").put("id", "s1")
        .put("inbox", "r11.inbox")));
    // written while it copies: queued for it, acknowledged without it
    source.replicate(1, batch(1)).get(10, TimeUnit.SECONDS);
    Future<Message<Object>> live = vertx.eventBus().request(sourceAddress, new JsonObject().put("op", "live").put("id", "s1"));
    Conditions.await(5_000, () -> received.size() == 1, () -> "batch 1 not sent: " + received.size());
    // live but not in sync yet: a write from now on waits for it all the same
    CompletableFuture<Void> second = source.replicate(2, batch(2));
    Conditions.holdsFor(300, () -> !live.isComplete() && listed.isEmpty() && !second.isDone(),
        () -> "listed " + listed + " before it acknowledged batch 1; write 2 done: " + second.isDone());
    received.get(0).reply(null);
    assertEquals(true, ((JsonObject) await(live).body()).getBoolean("inSync"));
    assertEquals(List.of(Set.of("s1")), listed);
    Conditions.await(5_000, () -> received.size() == 2, () -> "batch 2 not sent");
    assertTrue(!second.isDone(), "write 2 completed before the standby acknowledged it");
    received.get(1).reply(null);
    second.get(10, TimeUnit.SECONDS);
  }

  @Test
  void aStopAnswersAStandbyStillCatchingUp(Vertx vertx) throws Exception {
    Context context = vertx.getOrCreateContext();
    ReplicationSource source = started(vertx, context, "r12", 1, 5_000, ids -> Future.succeededFuture());
    List<Message<Buffer>> received = new CopyOnWriteArrayList<>();
    vertx.eventBus().<Buffer>consumer("r12.inbox", received::add); // never acknowledges
    String sourceAddress = ReplicationSource.sourceAddress("r12");
    await(vertx.eventBus().request(sourceAddress, new JsonObject().put("op", "attach").put("id", "s1")
        .put("inbox", "r12.inbox")));
    source.replicate(1, batch(1)).get(10, TimeUnit.SECONDS);
    Future<Message<Object>> live = vertx.eventBus().request(sourceAddress, new JsonObject().put("op", "live").put("id", "s1"));
    Conditions.await(5_000, () -> received.size() == 1, () -> "batch 1 not sent");
    CompletableFuture<Void> stopped = new CompletableFuture<>();
    context.runOnContext(v -> source.stop().onComplete(ar -> stopped.complete(null)));
    stopped.get(10, TimeUnit.SECONDS);
    Conditions.await(2_000, live::isComplete, () -> "the request to go live is unanswered after the owner stopped");
    assertTrue(live.failed() && live.cause().getMessage().contains("the owner stopped before this standby was in sync"),
        String.valueOf(live.cause()));
  }

  @Test
  void aWriteThatTheCompletionOfAnotherSetsOffIsSentAfterIt(Vertx vertx) throws Exception {
    Context context = vertx.getOrCreateContext();
    ReplicationSource source = started(vertx, context, "r10", 0, ACK_TIMEOUT_MS, ids -> Future.succeededFuture());
    ReplicatedEngine engine = new ReplicatedEngine(new MemoryEngine(), source);
    List<Long> received = new CopyOnWriteArrayList<>();
    vertx.eventBus().<Buffer>consumer("r10.inbox", m -> {
      received.add(m.body().getLong(0));
      m.reply(null);
    });
    String sourceAddress = ReplicationSource.sourceAddress("r10");
    await(vertx.eventBus().request(sourceAddress, new JsonObject().put("op", "attach").put("id", "s1")
        .put("inbox", "r10.inbox")));
    await(vertx.eventBus().request(sourceAddress, new JsonObject().put("op", "live").put("id", "s1")));
    // written from another thread (as the snapshot writer writes): handled on the context, where
    // its completion sets off the next write at once
    CompletableFuture<Void> second = new CompletableFuture<>();
    engine.write(batch(1)).thenRun(() -> engine.write(batch(2)).whenComplete((v, e) -> second.complete(null)));
    second.get(10, TimeUnit.SECONDS);
    Conditions.await(5_000, () -> received.size() == 2, () -> "received " + received);
    assertEquals(List.of(1L, 2L), received, "a standby takes its batches in order only");
  }

  @Test
  void aWriteWaitsForTheSilentStandbyThenCompletesOnceTheClaimNoLongerListsIt(Vertx vertx) throws Exception {
    List<Set<String>> listed = new CopyOnWriteArrayList<>();
    ReplicationSource source = liveSourceWithSilentStandby(vertx, "r1", listed, false);
    long start = System.nanoTime();
    source.replicate(1, batch(1)).get(10, TimeUnit.SECONDS);
    assertTrue(System.nanoTime() - start >= ACK_TIMEOUT_MS * 1_000_000L, "completed before the standby was dropped");
    assertEquals(List.of(Set.of("s1"), Set.of()), listed, "listed in sync, then no longer");
    source.replicate(2, batch(2)).get(10, TimeUnit.SECONDS); // no standby to wait for now
  }

  @Test
  void aWriteWaitingForTheClaimToChangeFailsWhenTheOwnerStepsDown(Vertx vertx) throws Exception {
    // the claim's change never completes: a cluster that lost its quorum may keep it waiting long
    Promise<Void> neverChanged = Promise.promise();
    ReplicationSource source = liveSourceWithSilentStandby(vertx, "r3",
        ids -> ids.isEmpty() ? neverChanged.future() : Future.succeededFuture());
    CompletableFuture<Void> write = source.replicate(1, batch(1));
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (!source.waitingForTheClaim() && System.nanoTime() < deadline) {
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(5));
    }
    assertTrue(source.waitingForTheClaim(), "the standby was dropped and the write waits for the claim");
    CompletableFuture<Void> stopped = new CompletableFuture<>();
    vertx.getOrCreateContext().runOnContext(v -> source.stop().onComplete(ar -> stopped.complete(null)));
    stopped.get(10, TimeUnit.SECONDS);
    ExecutionException failed = assertThrows(ExecutionException.class, () -> write.get(10, TimeUnit.SECONDS));
    assertInstanceOf(SteppedDownException.class, failed.getCause());
  }

  @Test
  void whenTheClaimCannotBeChangedTheWriteFailsRatherThanBeAcknowledgedWithoutTheStandby(Vertx vertx)
      throws Exception {
    List<Set<String>> listed = new CopyOnWriteArrayList<>();
    ReplicationSource source = liveSourceWithSilentStandby(vertx, "r2", listed, true);
    ExecutionException failed = assertThrows(ExecutionException.class,
        () -> source.replicate(1, batch(1)).get(10, TimeUnit.SECONDS));
    assertTrue(failed.getCause().getMessage().contains("the cluster could not be told"), failed.getCause().getMessage());
    assertTrue(failed.getCause().getMessage().contains("the write is on the owner but not acknowledged"),
        failed.getCause().getMessage());
    ExecutionException later = assertThrows(ExecutionException.class,
        () -> source.replicate(2, batch(2)).get(10, TimeUnit.SECONDS));
    assertTrue(later.getCause().getMessage().contains("the claim is no longer this owner's"),
        later.getCause().getMessage());
  }

  @Test
  void aWriteOnTheStoresContextWithNoStandbyIsDoneWithoutWaitingForTheContext(Vertx vertx) throws Exception {
    Context context = vertx.getOrCreateContext();
    ReplicationSource source = new ReplicationSource(vertx, context, "test store", "r4", 1, ACK_TIMEOUT_MS,
        ids -> Future.succeededFuture());
    CompletableFuture<Boolean> doneAtOnce = new CompletableFuture<>();
    context.runOnContext(v -> source.start().onComplete(ar -> doneAtOnce.complete(source.replicate(1, batch(1)).isDone())));
    assertTrue(doneAtOnce.get(10, TimeUnit.SECONDS), "the store's own write waited for a turn of its event loop");
    source.replicate(2, batch(2)).get(10, TimeUnit.SECONDS); // from another thread: through the context
  }

  @Test
  void batchesFromTheStoresContextAndAnotherThreadReachTheStandbyInTheirOrder(Vertx vertx) throws Exception {
    // the store writes from its event loop, its snapshots from a thread of their own: the standby must
    // get every batch in the order the engine took them, whichever thread each came from
    Context context = vertx.getOrCreateContext();
    List<Long> received = new CopyOnWriteArrayList<>();
    ReplicationSource source = liveSource(vertx, context, "r5", ids -> Future.succeededFuture(), "ordered.inbox", m -> {
      received.add(m.body().getLong(0));
      m.reply(null);
    });
    MemoryEngine memory = new MemoryEngine();
    source.engine(memory);
    ReplicatedEngine engine = new ReplicatedEngine(memory, source);
    int each = 500;
    List<CompletableFuture<Void>> writes = new CopyOnWriteArrayList<>();
    CompletableFuture<Void> loopDone = new CompletableFuture<>();
    Thread other = new Thread(() -> {
      for (int i = 0; i < each; i++) {
        writes.add(engine.write(batch(i)));
      }
    });
    context.runOnContext(v -> {
      other.start();
      // in slices, so that the other thread's batches fall between the loop's
      writeSlice(context, engine, writes, each, loopDone);
    });
    loopDone.get(10, TimeUnit.SECONDS);
    other.join(10_000);
    CompletableFuture.allOf(writes.toArray(CompletableFuture[]::new)).get(10, TimeUnit.SECONDS);
    assertEquals(2 * each, writes.size());
    assertEquals(2 * each, received.size(), "batches the standby got");
    for (int i = 0; i < received.size(); i++) {
      assertEquals(i + 1, received.get(i), "batch " + (i + 1) + " arrived as the " + (i + 1) + "th");
    }
  }

  @Test
  void aWriteAfterTheOwnerSteppedDownFailsAsSteppedDownThoughNoStandbyIsWaitedFor(Vertx vertx) throws Exception {
    Context context = vertx.getOrCreateContext();
    ReplicationSource source = new ReplicationSource(vertx, context, "test store", "r6", 1, ACK_TIMEOUT_MS,
        ids -> Future.succeededFuture());
    ReplicatedEngine engine = new ReplicatedEngine(new MemoryEngine(), source);
    CompletableFuture<CompletableFuture<Void>> written = new CompletableFuture<>();
    context.runOnContext(v -> source.start().compose(started -> source.stop())
        .onComplete(ar -> written.complete(engine.write(batch(1)))));
    ExecutionException failed = assertThrows(ExecutionException.class,
        () -> written.get(10, TimeUnit.SECONDS).get(10, TimeUnit.SECONDS));
    assertInstanceOf(SteppedDownException.class, failed.getCause());
  }

  private static void writeSlice(Context context, ReplicatedEngine engine, List<CompletableFuture<Void>> writes,
                                 int left, CompletableFuture<Void> done) {
    for (int i = 0; i < 10 && left > 0; i++, left--) {
      writes.add(engine.write(batch(left)));
    }
    if (left == 0) {
      done.complete(null);
      return;
    }
    int rest = left;
    context.runOnContext(v -> writeSlice(context, engine, writes, rest, done));
  }
}
