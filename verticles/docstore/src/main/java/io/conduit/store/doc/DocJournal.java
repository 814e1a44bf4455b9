package io.conduit.store.doc;

import io.conduit.store.engine.KeyValueEngine;
import io.conduit.store.engine.WriteBatch;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;

/**
 * The store's write-ahead log, snapshots and blobs in a {@link KeyValueEngine}. Every write appends
 * one record (O(size of the change)); a snapshot replaces the records up to its version, so a
 * restart replays at most the records since the last snapshot.
 * Keys: {@code 0x01 + version (8 bytes)} a record, {@code 0x02} the snapshot, {@code 0x03 + id} a blob.
 */
final class DocJournal {

  private static final byte LOG = 1;
  private static final byte[] SNAPSHOT = {2};
  private static final byte BLOB = 3;

  private final KeyValueEngine engine;

  DocJournal(KeyValueEngine engine) {
    this.engine = engine;
  }

  /**
   * What a restart found: the state, the version of the snapshot on disk it started from, and how
   * much of the log it replayed on top.
   */
  record Recovered(DocState state, long snapshotVersion, long replayed, long millis) {
  }

  /**
   * Loads the snapshot and replays the records after it. Blocking: call from a worker.
   *
   * @throws IllegalStateException when a record is missing between the snapshot and the last
   *         record: each write depends on the ones before it, so a state that skips one is refused
   *         rather than served
   */
  Recovered recover(int historyLimit) {
    long start = System.nanoTime();
    byte[] snap = engine.get(SNAPSHOT);
    DocState state = snap == null ? DocState.empty(historyLimit)
        : DocState.fromSnapshot(new JsonObject(Buffer.buffer(snap)), historyLimit);
    long snapshotVersion = state.version;
    long[] replayed = {0};
    engine.scan(logKey(state.version + 1), new byte[] {LOG + 1}, (key, value) -> {
      long version = ByteBuffer.wrap(key, 1, 8).getLong();
      if (version != state.version + 1) {
        throw new IllegalStateException("the journal has no record of "
            + (version == state.version + 2 ? "version " + (state.version + 1)
                : "versions " + (state.version + 1) + " to " + (version - 1))
            + " (the " + (replayed[0] == 0 ? "snapshot" : "record") + " before is version " + state.version
            + ", the next record version " + version + "): writes were lost from the data folder, and the "
            + "store will not serve a state that skips them; restore the folder from a backup");
      }
      state.replay(new JsonObject(Buffer.buffer(value)));
      replayed[0]++;
      return true;
    });
    return new Recovered(state, snapshotVersion, replayed[0], (System.nanoTime() - start) / 1_000_000);
  }

  /** Appends a record, with any blob changes that belong to the same write, atomically. */
  CompletableFuture<Void> append(JsonObject record, WriteBatch batch) {
    return engine.write(batch.put(logKey(record.getLong("v")), record.toBuffer().getBytes()));
  }

  /**
   * Stores a snapshot and drops every record it covers: all up to its version, not only those since
   * the last snapshot, so the records of a snapshot that failed to be written go with the next one.
   * One range tombstone, whatever the span: a delete per record held every write queued behind it
   * about 90 ms per 100,000.
   */
  CompletableFuture<Void> snapshot(JsonObject snapshot) {
    return engine.write(new WriteBatch().put(SNAPSHOT, snapshot.toBuffer().getBytes())
        .deleteRange(logKey(0), logKey(snapshot.getLong("v") + 1)));
  }

  static byte[] blobKey(String id) {
    byte[] idBytes = id.getBytes(StandardCharsets.UTF_8);
    byte[] key = new byte[idBytes.length + 1];
    key[0] = BLOB;
    System.arraycopy(idBytes, 0, key, 1, idBytes.length);
    return key;
  }

  /** A blob's bytes. Blocking: call from a worker. */
  byte[] blob(String id) {
    return engine.get(blobKey(id));
  }

  static byte[] logKey(long version) {
    return ByteBuffer.allocate(9).put(LOG).putLong(version).array();
  }
}
