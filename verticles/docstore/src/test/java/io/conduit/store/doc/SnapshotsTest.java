package io.conduit.store.doc;

import io.conduit.store.engine.BreakableEngine;
import io.conduit.store.engine.WriteBatch;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The snapshot thread is woken for records in batches; what it writes and answers must still
 * cover every record fed, and automatic snapshots must still fall on every {@code every}-th one.
 */
class SnapshotsTest {

  private final BreakableEngine engine = new BreakableEngine();
  private final DocJournal journal = new DocJournal(engine);
  private final DocState live = DocState.empty(100);
  private Snapshots snapshots;

  @AfterEach
  void close() {
    if (snapshots != null) {
      snapshots.close();
    }
  }

  private void start(int every) {
    snapshots = new Snapshots(journal, live, 0, 100, every, "test");
  }

  /** Writes k{from}..k{to}, one record each, as the store does. */
  private void write(int from, int to) throws Exception {
    for (int i = from; i <= to; i++) {
      write(i);
    }
  }

  /** What the store does per write: apply, append to the log, feed the snapshot thread. */
  private void write(int i) throws Exception {
    DocState.Applied applied = live.write(new JsonObject().put("op", "set").put("path", new io.vertx.core.json.JsonArray()
        .add("k" + i)).put("value", i));
    journal.write(journal.entry(applied.record(), new WriteBatch())).get(10, TimeUnit.SECONDS);
    snapshots.applied(applied);
  }

  @Test
  void anAutomaticSnapshotFallsOnEveryNthRecord() throws Exception {
    start(5);
    write(1, 12);
    DocJournal.Recovered recovered = recoveredAfterQueuedSnapshots();
    // asked for at records 5 and 10; each covers what the thread has been fed by the time it runs
    assertTrue(recovered.snapshotVersion() >= 10, "the second automatic snapshot covers records 1-10");
    assertEquals(12 - recovered.snapshotVersion(), recovered.replayed());
    assertEquals(12, recovered.state().version);
    assertEquals(12, recovered.state().tree.snapshot().getInteger("k12"));
  }

  /** The versions of the log records left in the engine. */
  private java.util.List<Long> logVersions() {
    java.util.List<Long> versions = new java.util.ArrayList<>();
    engine.scan(new byte[] {1}, new byte[] {2}, (k, v) -> versions.add(java.nio.ByteBuffer.wrap(k, 1, 8).getLong()));
    return versions;
  }

  @Test
  void aSnapshotDropsEveryRecordItCoversAndNoOther() throws Exception {
    start(100_000);
    write(1, 10);
    journal.snapshot(new JsonObject().put("v", 6L)).get(10, TimeUnit.SECONDS);
    assertEquals(java.util.List.of(7L, 8L, 9L, 10L), logVersions());
    journal.snapshot(new JsonObject().put("v", 6L)).get(10, TimeUnit.SECONDS); // nothing new: the snapshot only
    assertEquals(java.util.List.of(7L, 8L, 9L, 10L), logVersions());
    journal.snapshot(new JsonObject().put("v", 9L)).get(10, TimeUnit.SECONDS);
    assertEquals(java.util.List.of(10L), logVersions());
  }

  @Test
  void theRecordsOfASnapshotThatFailedGoWithTheNextOne() throws Exception {
    start(100_000);
    write(1, 5);
    engine.broken.set(true); // a full disk, say
    assertThrows(ExecutionException.class, () -> snapshots.save().get(10, TimeUnit.SECONDS));
    engine.broken.set(false);
    write(6, 7);
    assertEquals(7L, snapshots.save().get(10, TimeUnit.SECONDS));
    assertEquals(java.util.List.of(), logVersions(), "records 1-5 were left behind");
  }

  @Test
  void aSaveThatFailedIsWrittenWhenAskedAgainWithNothingNew() throws Exception {
    start(100_000);
    write(1, 5);
    engine.broken.set(true);
    assertThrows(ExecutionException.class, () -> snapshots.save().get(10, TimeUnit.SECONDS));
    engine.broken.set(false);
    assertEquals(5L, snapshots.save().get(10, TimeUnit.SECONDS));
    assertEquals(5, journal.recover(100).snapshotVersion(), "the second save wrote what the first could not");
  }

  @Test
  void fewerRecordsThanABatchAreInTheCurrentSnapshot() throws Exception {
    start(100_000);
    write(1, 3);
    JsonObject current = snapshots.current().get(10, TimeUnit.SECONDS);
    assertEquals(3, current.getLong("version"));
    assertEquals(3, current.getJsonObject("document").getInteger("k3"));
  }

  @Test
  void manyBatchesAndATailAreAllReplayed() throws Exception {
    start(100_000);
    int records = Snapshots.FEED_BATCH * 3 + 7;
    write(1, records);
    JsonObject current = snapshots.current().get(10, TimeUnit.SECONDS);
    assertEquals(records, current.getLong("version"));
    assertEquals(live.tree.snapshot(), current.getJsonObject("document"));
  }

  @Test
  void saveCoversRecordsTheThreadHadNotYetSeen() throws Exception {
    start(100_000);
    write(1, 10);
    assertEquals(10L, snapshots.save().get(10, TimeUnit.SECONDS));
    DocJournal.Recovered recovered = journal.recover(100);
    assertEquals(10, recovered.snapshotVersion());
    assertEquals(0, recovered.replayed());
    assertTrue(recovered.state().tree.snapshot().containsKey("k10"));
  }

  @Test
  void aSaveRestartsTheCountToTheNextAutomaticSnapshot() throws Exception {
    start(5);
    write(1, 3);
    assertEquals(3L, snapshots.save().get(10, TimeUnit.SECONDS));
    write(4, 7);
    // 4 records since the save: no automatic snapshot yet, however late the thread runs
    assertEquals(7, snapshots.current().get(10, TimeUnit.SECONDS).getLong("version"));
    assertEquals(3, journal.recover(100).snapshotVersion());
    write(8);
    assertEquals(8, recoveredAfterQueuedSnapshots().snapshotVersion(), "five records after the save");
  }

  @Test
  void aSnapshotAfterUndosAndRedosRestoresTheDocumentAndItsHistory() throws Exception {
    start(100_000);
    write(1, 4);
    for (DocState.Applied moved : new DocState.Applied[] {live.undo(), live.undo(), live.redo()}) {
      journal.write(journal.entry(moved.record(), new WriteBatch())).get(10, TimeUnit.SECONDS);
      snapshots.applied(moved);
    }
    assertEquals(7L, snapshots.save().get(10, TimeUnit.SECONDS));
    DocJournal.Recovered recovered = journal.recover(100);
    assertEquals(0, recovered.replayed());
    assertEquals(live.snapshot().encode(), recovered.state().snapshot().encode(), "document, version and history");
  }

  @Test
  void aWriteTheShadowCannotFollowStopsEverySnapshotAfterIt() throws Exception {
    start(100_000);
    write(1, 2);
    // a write the live store never made: a set that replaced k9, which the shadow does not have
    DocState other = DocState.empty(100);
    other.write(new JsonObject().put("op", "set").put("path", new io.vertx.core.json.JsonArray().add("k9")).put("value", 0));
    snapshots.applied(other.write(new JsonObject().put("op", "set").put("path", new io.vertx.core.json.JsonArray()
        .add("k9")).put("value", 1)));
    ExecutionException saved = assertThrows(ExecutionException.class, () -> snapshots.save().get(10, TimeUnit.SECONDS));
    assertTrue(saved.getCause().getMessage().contains("could not follow write 2"), saved.getCause().getMessage());
    assertThrows(ExecutionException.class, () -> snapshots.current().get(10, TimeUnit.SECONDS));
    write(3);
    assertThrows(ExecutionException.class, () -> snapshots.save().get(10, TimeUnit.SECONDS));
    assertEquals(0, journal.recover(100).snapshotVersion(), "no snapshot written");
  }

  /**
   * The journal as a restart finds it once the snapshot thread has done everything queued so far:
   * {@code current()} runs after the queued snapshots on that one thread, and the memory engine
   * writes before it returns, so no waiting on a clock.
   */
  private DocJournal.Recovered recoveredAfterQueuedSnapshots() throws Exception {
    snapshots.current().get(10, TimeUnit.SECONDS);
    return journal.recover(100);
  }
}
