package io.conduit.store.doc;

import io.vertx.core.json.JsonObject;

import java.lang.System.Logger.Level;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * Writes snapshots without ever copying the live document on the event loop: a thread of its own
 * keeps a shadow {@link DocState}, fed the same log records in the same order, and snapshots it
 * every {@code every} records or when asked. Costs a second copy of the document in memory.
 */
final class Snapshots {

  private static final System.Logger LOG = System.getLogger(Snapshots.class.getName());

  private final DocJournal journal;
  private final int every;
  private final DocState shadow;
  private final ExecutorService thread;
  private long lastSnapshot;
  private int sinceSnapshot;

  /** {@code snapshotVersion}: the version of the snapshot on disk, which may be older than {@code recovered}. */
  Snapshots(DocJournal journal, DocState recovered, long snapshotVersion, int historyLimit, int every, String name) {
    this.journal = journal;
    this.every = every;
    this.shadow = DocState.fromSnapshot(recovered.snapshot(), historyLimit);
    this.lastSnapshot = snapshotVersion;
    this.sinceSnapshot = (int) Math.min(Integer.MAX_VALUE, recovered.version - snapshotVersion);
    this.thread = Executors.newSingleThreadExecutor(r -> {
      Thread t = new Thread(r, "conduit-" + name + "-snapshots");
      t.setDaemon(true);
      return t;
    });
  }

  /** Feeds a record the live store applied; call in version order. */
  void applied(JsonObject record) {
    thread.execute(() -> {
      shadow.replay(record);
      if (++sinceSnapshot >= every) {
        write();
      }
    });
  }

  /** Snapshots now (after every record fed so far); completes when it is durable. */
  CompletableFuture<Long> save() {
    CompletableFuture<Long> done = new CompletableFuture<>();
    thread.execute(() -> write().whenComplete((v, e) -> {
      if (e != null) {
        done.completeExceptionally(e);
      } else {
        done.complete(v);
      }
    }));
    return done;
  }

  /** The shadow's current snapshot, for replicas catching up; never touches the event loop. */
  CompletableFuture<JsonObject> current() {
    return CompletableFuture.supplyAsync(() -> new JsonObject().put("version", shadow.version)
        .put("document", shadow.tree.snapshot()), thread);
  }

  /** Lets the queued records drain, then stops the thread. */
  void close() {
    thread.shutdown();
  }

  private CompletableFuture<Long> write() {
    long version = shadow.version;
    if (version == lastSnapshot) {
      return CompletableFuture.completedFuture(version);
    }
    long previous = lastSnapshot;
    lastSnapshot = version;
    sinceSnapshot = 0;
    return journal.snapshot(shadow.snapshot(), previous).thenApply(v -> version).whenComplete((v, e) -> {
      if (e != null) {
        LOG.log(Level.ERROR, "snapshot at version " + version + " failed; the log keeps every record", e);
      }
    });
  }
}
