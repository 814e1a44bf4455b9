package io.conduit.store.doc;

import io.conduit.node.TurnBatch;
import io.conduit.store.engine.KeyValueEngine;
import io.conduit.store.engine.WriteBatch;
import io.vertx.core.Context;
import io.vertx.core.internal.ContextInternal;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * The writes one turn of the store's event loop applies, handed to the journal as one engine write
 * once the turn's work is done, and their outcomes brought back to the store's context together.
 *
 * <p>Each engine write is a hand-off to the engine's writer thread and an acknowledgement back. Under
 * 16 clients a turn applies about five writes; handed over one by one, they woke the writer more
 * than once a turn and paid a queue entry, a future and a hop back per write. Joined, they are
 * atomic as one write, which changes nothing a client can see: the engine already joins queued
 * writes into one group, and no write is acknowledged without every write before it.
 *
 * <p>The failure unit is the turn: when the engine refuses the joined write, every write in it
 * fails. A refusal the engine gives at once is known at the end of the turn, not at the write (the
 * writes applied after it in the turn are refused with it), or, while earlier acknowledgements are
 * still on their way back, once they have come. Either way no write is acknowledged that a restart
 * would not find.
 *
 * <p>A write reaches {@code submitted} (the snapshot thread) only once its record has gone to the
 * engine, so that a snapshot never covers a record the log was not given first. Event loop only.
 */
final class JournalTurn {

  /** One write of the turn: the write, its log entry (with its blob changes), who hears how it went. */
  private record Entry(DocState.Applied write, WriteBatch batch, Consumer<Throwable> outcome) {
  }

  private final ContextInternal context;
  private final DocJournal journal;
  private final Consumer<DocState.Applied> submitted;
  private final ContextHop back;
  private final TurnBatch<Entry> turn;

  /**
   * @param context   the store's: the turn's write goes, on it, once the tasks its loop had queued have run
   * @param journal   the store's log, which the turn's write goes to
   * @param submitted hears of each write once it went to the engine
   * @param back      brings the outcomes to the store's context
   */
  JournalTurn(Context context, DocJournal journal, Consumer<DocState.Applied> submitted, ContextHop back) {
    this.context = (ContextInternal) context;
    this.journal = journal;
    this.submitted = submitted;
    this.back = back;
    // on the store's context, as a message's handler runs: an engine that replicates sends from it
    this.turn = new TurnBatch<>(task -> this.context.executor().execute(() -> this.context.dispatch(task)),
        this::submit);
  }

  /**
   * Adds the write's record, with the blob changes that belong to it, to this turn's write;
   * {@code outcome} runs on the store's context once that write is stored (null) or has failed.
   * Throws when the record cannot be encoded, or the loop takes no more tasks; nothing is added then.
   */
  void append(DocState.Applied write, WriteBatch with, Consumer<Throwable> outcome) {
    turn.add(new Entry(write, journal.entry(write.record(), with), outcome));
  }

  /**
   * Hands this turn's write over now, not when the turn's work is done: a snapshot asked for in the
   * middle of a turn ({@code save}, a replica's {@code snapshot}) then covers every write applied
   * before it, as it did when each write went over at once.
   */
  void flush() {
    turn.handOnNow();
  }

  private void submit(List<Entry> entries) {
    WriteBatch write = entries.get(0).batch();
    for (int i = 1; i < entries.size(); i++) {
      write.addAll(entries.get(i).batch());
    }
    CompletableFuture<Void> stored = KeyValueEngine.attempt(() -> journal.write(write));
    if (!stored.isCompletedExceptionally()) {
      for (int i = 0; i < entries.size(); i++) {
        run(submitted, entries.get(i).write());
      }
    }
    back.whenComplete(stored, (ok, failure) -> {
      for (int i = 0; i < entries.size(); i++) {
        run(entries.get(i).outcome(), failure);
      }
    });
  }

  /** Runs one of a turn's actions; one that throws is reported and keeps none of the others from running. */
  private <T> void run(Consumer<T> action, T value) {
    try {
      action.accept(value);
    } catch (RuntimeException e) {
      context.reportException(e);
    }
  }
}
