package io.conduit.store.doc;

import io.conduit.store.engine.EngineStats;
import io.conduit.store.engine.KeyValueEngine;
import io.conduit.store.engine.WriteBatch;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BiPredicate;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The writes of one turn of the store's loop reach the engine as one write, after the turn; their
 * records reach the snapshot thread only after that write was handed over; every write of the turn
 * hears the write's outcome on the store's context, even when one of them throws.
 */
@ExtendWith(VertxExtension.class)
class JournalTurnTest {

  /** An engine that keeps what it is given and completes each write when the test says so. */
  private static class HeldEngine implements KeyValueEngine {
    final List<WriteBatch> batches = new CopyOnWriteArrayList<>();
    final List<CompletableFuture<Void>> writes = new CopyOnWriteArrayList<>();
    final List<String> events;
    /** Set: every write is refused at once, on the caller's thread, as a closed engine refuses. */
    volatile RuntimeException refusing;

    HeldEngine(List<String> events) {
      this.events = events;
    }

    @Override
    public CompletableFuture<Void> write(WriteBatch batch) {
      if (refusing != null) {
        events.add("refused " + batch.size());
        throw refusing;
      }
      CompletableFuture<Void> write = new CompletableFuture<>();
      batches.add(batch);
      writes.add(write);
      events.add("write of " + batch.size());
      return write;
    }

    @Override
    public byte[] get(byte[] key) {
      throw new AssertionError("the journal's appends read nothing");
    }

    @Override
    public void scan(byte[] fromInclusive, byte[] toExclusive, BiPredicate<byte[], byte[]> visitor) {
      throw new AssertionError("the journal's appends scan nothing");
    }

    @Override
    public EngineStats stats() {
      throw new AssertionError("not asked");
    }

    @Override
    public String describe() {
      return "held";
    }

    @Override
    public void close() {
    }
  }

  /** What one write of the turn heard: its failure (null: stored) and whether on the store's context. */
  private record Heard(long version, Throwable failure, boolean onContext) {
  }

  private final List<String> events = new CopyOnWriteArrayList<>();
  private final List<Heard> heard = new CopyOnWriteArrayList<>();
  private final HeldEngine engine = new HeldEngine(events);

  /** A write at {@code version}, as far as the turn looks at it: its record. */
  private static DocState.Applied write(long version) {
    return written(new JsonObject().put("v", version).put("kind", "write")
        .put("op", new JsonObject().put("op", "set").put("path", List.of("k")).put("value", version)));
  }

  private static DocState.Applied written(JsonObject record) {
    return new DocState.Applied(null, record);
  }

  private Consumer<Throwable> outcome(Context context, long version) {
    return failure -> heard.add(new Heard(version, failure, Vertx.currentContext() == context));
  }

  private JournalTurn turn(Context context) {
    return new JournalTurn(context, new DocJournal(engine),
        w -> events.add("fed " + w.record().getLong("v")), new ContextHop(context));
  }

  private static void runOn(Context context, Runnable body) throws Exception {
    CompletableFuture<Void> ran = new CompletableFuture<>();
    context.runOnContext(v -> {
      try {
        body.run();
        ran.complete(null);
      } catch (RuntimeException | Error e) {
        ran.completeExceptionally(e);
      }
    });
    ran.get(10, TimeUnit.SECONDS);
  }

  private static void await(BooleanSupplier condition, String what) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (!condition.getAsBoolean()) {
      assertTrue(System.nanoTime() < deadline, "not within 10 s: " + what);
      LockSupport.parkNanos(1_000_000);
    }
  }

  @Test
  void aTurnsWritesGoToTheEngineAsOneWriteAfterTheTurnAndAreAnsweredTogether(Vertx vertx) throws Exception {
    Context context = vertx.getOrCreateContext();
    JournalTurn turn = turn(context);
    runOn(context, () -> {
      for (long v = 1; v <= 3; v++) {
        turn.append(write(v), new WriteBatch(), outcome(context, v));
      }
      assertTrue(engine.batches.isEmpty(), "handed over before the turn was done");
    });
    await(() -> events.size() == 4, "the turn's write and its records fed on");
    assertEquals(List.of("write of 3", "fed 1", "fed 2", "fed 3"), events,
        "one write, and the snapshot thread hears of each record only once the log has it");
    WriteBatch written = engine.batches.get(0);
    assertEquals(3, written.writers());
    assertEquals(0, heard.size(), "answered before the engine stored them");

    engine.writes.get(0).complete(null); // on the test's thread, as the engine's writer would
    await(() -> heard.size() == 3, "the turn's outcomes");
    for (int i = 0; i < 3; i++) {
      assertEquals(new Heard(i + 1, null, true), heard.get(i));
    }

    runOn(context, () -> turn.append(write(4), new WriteBatch(), outcome(context, 4)));
    await(() -> engine.batches.size() == 2, "the next turn's write");
    assertEquals(1, engine.batches.get(1).writers(), "a later turn's write is its own");
  }

  @Test
  void aFailedWriteFailsEveryWriteOfItsTurnAndOneThatThrowsStopsNoOther(Vertx vertx) throws Exception {
    Context context = vertx.getOrCreateContext();
    List<Throwable> reported = new CopyOnWriteArrayList<>();
    context.exceptionHandler(reported::add);
    JournalTurn turn = turn(context);
    IllegalStateException thrown = new IllegalStateException("an outcome's own fault");
    runOn(context, () -> {
      turn.append(write(1), new WriteBatch(), failure -> {
        throw thrown;
      });
      turn.append(write(2), new WriteBatch(), outcome(context, 2));
      turn.append(write(3), new WriteBatch(), outcome(context, 3));
    });
    await(() -> engine.writes.size() == 1, "the turn's write");
    RuntimeException disk = new RuntimeException("disk full");
    engine.writes.get(0).completeExceptionally(disk);
    await(() -> heard.size() == 2, "the other outcomes");
    assertSame(disk, heard.get(0).failure());
    assertSame(disk, heard.get(1).failure());
    await(() -> reported.size() == 1, "the throwing outcome reported");
    assertSame(thrown, reported.get(0));
  }

  @Test
  void aWriteTheEngineRefusesAtOnceFailsTheTurnOnTheStoresContextAndFeedsNoRecord(Vertx vertx) throws Exception {
    Context context = vertx.getOrCreateContext();
    JournalTurn turn = turn(context);
    IllegalStateException closed = new IllegalStateException("the engine is closed");
    engine.refusing = closed;
    runOn(context, () -> {
      turn.append(write(1), new WriteBatch(), outcome(context, 1));
      turn.append(write(2), new WriteBatch(), outcome(context, 2));
    });
    await(() -> heard.size() == 2, "the turn's outcomes");
    assertEquals(List.of(new Heard(1, closed, true), new Heard(2, closed, true)), heard);
    assertEquals(List.of("refused 2"), events, "records the log was not given reach no snapshot");
  }

  @Test
  void theTurnsWriteIsHandedOverOnTheStoresContext(Vertx vertx) throws Exception {
    Context context = vertx.getOrCreateContext();
    List<Object> contexts = new CopyOnWriteArrayList<>();
    JournalTurn turn = new JournalTurn(context, new DocJournal(new HeldEngine(events) {
      @Override
      public CompletableFuture<Void> write(WriteBatch batch) {
        contexts.add(String.valueOf(Vertx.currentContext() == null ? null
            : ((io.vertx.core.internal.ContextInternal) Vertx.currentContext()).unwrap() == context));
        return super.write(batch);
      }
    }), r -> { }, new ContextHop(context));
    runOn(context, () -> turn.append(write(1), new WriteBatch(), outcome(context, 1)));
    await(() -> contexts.size() == 1, "the turn's write");
    assertEquals(List.of("true"), contexts, "an engine that replicates sends from the store's context");
  }

  @Test
  void aFlushHandsTheTurnOverAtOnceAndTheTurnsEndThenHasNothingLeft(Vertx vertx) throws Exception {
    Context context = vertx.getOrCreateContext();
    JournalTurn turn = turn(context);
    runOn(context, () -> {
      turn.append(write(1), new WriteBatch(), outcome(context, 1));
      turn.flush();
      assertEquals(List.of("write of 1", "fed 1"), events, "handed over and fed at once");
      turn.append(write(2), new WriteBatch(), outcome(context, 2));
    });
    await(() -> engine.batches.size() == 2, "the rest of the turn's write");
    assertEquals(List.of("write of 1", "fed 1", "write of 1", "fed 2"), events);
  }

  @Test
  void aRecordThatCannotBeEncodedIsRefusedAndLeavesTheTurnAsItWas(Vertx vertx) throws Exception {
    Context context = vertx.getOrCreateContext();
    JournalTurn turn = turn(context);
    runOn(context, () -> {
      assertThrows(RuntimeException.class,
          () -> turn.append(written(new JsonObject().put("kind", "write")), new WriteBatch(), outcome(context, 0)));
      turn.append(write(7), new WriteBatch(), outcome(context, 7));
    });
    await(() -> engine.batches.size() == 1, "the turn's write");
    WriteBatch written = engine.batches.get(0);
    assertEquals(1, written.size());
    assertEquals(1, written.writers());
    assertArrayEquals(new byte[][] {DocJournal.logKey(7)}, keys(written));
  }

  private static byte[][] keys(WriteBatch batch) {
    List<byte[]> keys = new CopyOnWriteArrayList<>();
    batch.forEach((key, value) -> keys.add(key));
    return keys.toArray(byte[][]::new);
  }
}
