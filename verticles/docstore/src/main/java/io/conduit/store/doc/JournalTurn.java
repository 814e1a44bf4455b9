package io.conduit.store.doc;

import io.conduit.store.engine.KeyValueEngine;
import io.conduit.store.engine.WriteBatch;
import io.vertx.core.internal.ContextInternal;
import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.List;
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
 * fails, and a refusal the engine gives at once is known at the end of the turn, not at the write
 * (the writes applied after it in the turn are refused with it). Either way no write is
 * acknowledged that a restart would not find.
 *
 * <p>A record reaches {@code submitted} (the snapshot thread) only once it has gone to the engine,
 * so that a snapshot never covers a record the log was not given first. Event loop only.
 */
final class JournalTurn {

  private final ContextInternal context;
  private final DocJournal journal;
  private final Consumer<JsonObject> submitted;
  private final ContextHop back;
  private final List<JsonObject> records = new ArrayList<>();
  private List<Consumer<Throwable>> outcomes = new ArrayList<>();
  private WriteBatch batch;

  /**
   * @param context   the store's: the turn's write goes once the tasks its loop had queued have run
   * @param submitted hears of each record once its write went to the engine
   * @param back      brings the outcomes to the store's context
   */
  JournalTurn(ContextInternal context, DocJournal journal, Consumer<JsonObject> submitted, ContextHop back) {
    this.context = context;
    this.journal = journal;
    this.submitted = submitted;
    this.back = back;
  }

  /**
   * Adds the record, with the blob changes that belong to it, to this turn's write; {@code outcome}
   * runs on the store's context once that write is stored (null) or has failed. Throws when the
   * record cannot be encoded; nothing is added then.
   */
  void append(JsonObject record, WriteBatch with, Consumer<Throwable> outcome) {
    WriteBatch entry = journal.entry(record, with);
    if (batch == null) {
      batch = entry;
      context.executor().execute(this::submit);
    } else {
      batch.add(entry);
    }
    records.add(record);
    outcomes.add(outcome);
  }

  private void submit() {
    WriteBatch write = batch;
    List<Consumer<Throwable>> waiting = outcomes;
    batch = null;
    outcomes = new ArrayList<>(waiting.size());
    back.whenComplete(KeyValueEngine.attempt(() -> journal.write(write)), (ok, failure) -> {
      for (int i = 0; i < waiting.size(); i++) {
        run(waiting.get(i), failure);
      }
    });
    for (int i = 0; i < records.size(); i++) {
      run(submitted, records.get(i));
    }
    records.clear();
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
