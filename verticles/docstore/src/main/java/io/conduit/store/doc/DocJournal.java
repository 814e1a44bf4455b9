package io.conduit.store.doc;

import io.conduit.codec.cbp.Bodies;
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
 * Keys: {@code 0x01 + version (8 bytes)} a record, {@code 0x02} the snapshot, {@code 0x03 + id} a blob,
 * {@code 0x04 + time + version} a record set aside at a restart.
 */
final class DocJournal {

  private static final byte LOG = 1;
  private static final byte[] SNAPSHOT = {2};
  private static final byte BLOB = 3;
  /** Records a restart could not replay: {@code 0x04 + when (8 bytes) + version (8 bytes)}. */
  private static final byte ASIDE = 4;
  /** Just past every record's key. */
  private static final byte[] LOG_END = {LOG + 1};

  private final KeyValueEngine engine;

  DocJournal(KeyValueEngine engine) {
    this.engine = engine;
  }

  /**
   * What a restart found: the state, the version of the snapshot on disk it started from, how much
   * of the log it replayed on top, and the records it dropped after a missing one (none: 0).
   */
  record Recovered(DocState state, long snapshotVersion, long replayed, Dropped dropped, long millis) {
  }

  /**
   * Records found after a missing version, which recovery cannot replay and removes.
   *
   * @param missing the first version not on disk
   * @param first   the first version after it that was
   * @param last    the last record's version
   * @param count   how many records were dropped
   */
  record Dropped(long missing, long first, long last, long count) {
  }

  /**
   * Loads the snapshot and replays the records after it, up to the first missing version, as a
   * write-ahead log is replayed up to its first gap: each write depends on the ones before it.
   * Records after a gap come from writes made after one that could not be stored, and the store
   * acknowledges none of those (no write after a failed one is answered OK), so they are not
   * replayed: they are moved aside ({@code 0x04} keys), so that the versions the store gives next
   * do not meet them again, and kept.
   * Blocking: call from a worker.
   */
  Recovered recover(int historyLimit) {
    long start = System.nanoTime();
    byte[] snap = engine.get(SNAPSHOT);
    DocState state = snap == null ? DocState.empty(historyLimit)
        : DocState.fromSnapshot(new JsonObject(Buffer.buffer(snap)), historyLimit);
    long snapshotVersion = state.version;
    long[] replayed = {0};
    long[] after = {0, 0, 0}; // the first version after a gap, the last, how many
    engine.scan(logKey(state.version + 1), LOG_END, (key, value) -> {
      long version = ByteBuffer.wrap(key, 1, 8).getLong();
      if (after[2] == 0 && version == state.version + 1) {
        state.replay(new JsonObject(Buffer.buffer(value)));
        replayed[0]++;
      } else {
        after[0] = after[2] == 0 ? version : after[0];
        after[1] = version;
        after[2]++;
      }
      return true;
    });
    Dropped dropped = null;
    if (after[2] > 0) {
      dropped = new Dropped(state.version + 1, after[0], after[1], after[2]);
      // moved aside, not deleted: should a record have gone missing some other way (a damaged
      // folder), the writes after it are still there for whoever repairs it
      WriteBatch aside = new WriteBatch();
      long setAside = System.currentTimeMillis();
      engine.scan(logKey(after[0]), LOG_END, (key, value) -> {
        aside.put(ByteBuffer.allocate(17).put(ASIDE).putLong(setAside).put(key, 1, 8).array(), value);
        return true;
      });
      engine.write(aside.deleteRange(logKey(after[0]), LOG_END)).join();
    }
    return new Recovered(state, snapshotVersion, replayed[0], dropped, (System.nanoTime() - start) / 1_000_000);
  }

  /**
   * A record's log entry, with any blob changes that belong to the same write: {@code with}, with
   * the record added. The record is encoded as {@code toBuffer()} would, by the event loop's kept
   * JSON generator (a write's record costs no generator of its own and no copy out of a Buffer).
   */
  WriteBatch entry(JsonObject record, WriteBatch with) {
    return with.put(logKey(record.getLong("v")), Bodies.jsonBytes(record));
  }

  /** Appends entries ({@link #entry}) atomically. */
  CompletableFuture<Void> write(WriteBatch entries) {
    return engine.write(entries);
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
