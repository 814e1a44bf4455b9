package io.conduit.store.doc;

import io.conduit.store.owner.SteppedDownException;
import io.vertx.core.json.JsonObject;

import java.lang.System.Logger.Level;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * Writes snapshots without ever copying the live document on the event loop: a thread of its own
 * keeps a shadow {@link DocState}, fed the live store's writes in the same order, and snapshots it
 * every {@code every} records or when asked. Costs a second copy of the document in memory (not of
 * its undo history: the shadow's steps hold the live changes' own ops and inverses, see
 * {@link DocState#follow}).
 *
 * <p>The records wait in a queue and the thread is woken for them in batches of {@link #FEED_BATCH}
 * (sooner when a snapshot is due or asked for): waking it for every write cost the event loop a
 * thread wake-up per write, a system call that on two cores took about a sixth of a RocksDB
 * write's CPU. The shadow may lag the live document by up to a batch; nothing reads it before it
 * has caught up. The counting is the event loop's: a snapshot is still asked for at every
 * {@code every}-th record, and covers at least that record.
 */
final class Snapshots {

  /** Records fed per wake-up of the snapshot thread when no snapshot is due. */
  static final int FEED_BATCH = 64;

  private static final System.Logger LOG = System.getLogger(Snapshots.class.getName());

  private final DocJournal journal;
  private final int every;
  private final DocState shadow;
  private final ExecutorService thread;
  /** Fed by the event loop, followed by the snapshot thread, in order. */
  private final Queue<DocState.Applied> fed = new ConcurrentLinkedQueue<>();
  /**
   * The version of the last snapshot written, set once it is durable (on the engine's thread) so that
   * a snapshot that failed is written again when asked for; read on the snapshot thread.
   */
  private volatile long lastSnapshot;
  /**
   * Why no snapshot may be written any more, or null: set from the event loop when a write was not
   * stored, or on the snapshot thread when its copy could not follow a write; read on the latter.
   */
  private volatile String halted;
  /** Snapshot thread only: the shadow could not follow a write, and follows none from then on. */
  private boolean diverged;
  /** Event loop only: records fed since the last snapshot was asked for, and since the thread was last woken. */
  private int sinceSnapshot;
  private int sinceWake;

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

  /** Feeds a write the live store applied; call in version order, from the store's event loop. */
  void applied(DocState.Applied write) {
    fed.add(write);
    if (++sinceSnapshot >= every) {
      sinceSnapshot = 0;
      sinceWake = 0;
      thread.execute(() -> {
        catchUp();
        write();
      });
    } else if (++sinceWake >= FEED_BATCH) {
      sinceWake = 0;
      thread.execute(this::catchUp);
    }
  }

  /** Snapshots now (after every record fed so far); completes when it is durable. Call from the event loop. */
  CompletableFuture<Long> save() {
    sinceSnapshot = 0;
    CompletableFuture<Long> done = new CompletableFuture<>();
    thread.execute(() -> {
      catchUp();
      write().whenComplete((v, e) -> {
        if (e != null) {
          done.completeExceptionally(e);
        } else {
          done.complete(v);
        }
      });
    });
    return done;
  }

  /** The shadow's current snapshot (every record fed so far), for replicas catching up; never touches the event loop. */
  CompletableFuture<JsonObject> current() {
    return CompletableFuture.supplyAsync(() -> {
      catchUp();
      if (diverged) {
        throw new IllegalStateException("no snapshot: " + halted);
      }
      return new JsonObject().put("version", shadow.version).put("document", shadow.tree.snapshot());
    }, thread);
  }

  /**
   * Writes no snapshot from now on: a write fed to the shadow was not stored, so the shadow holds
   * data the log does not, and a snapshot of it would store what its client was told was not.
   */
  void halt() {
    halted = "a write after version " + lastSnapshot + " was not stored";
  }

  /** Lets the queued records drain, then stops the thread. */
  void close() {
    thread.execute(this::catchUp);
    thread.shutdown();
  }

  /**
   * Snapshot thread: applies every write fed so far to the shadow. A write it cannot follow means
   * the shadow no longer is the live document: no snapshot is written from then on, since one
   * would replace the log records it covers with a wrong document. The log still has every record.
   */
  private void catchUp() {
    for (DocState.Applied write = fed.poll(); write != null; write = fed.poll()) {
      if (diverged) {
        continue;
      }
      try {
        shadow.follow(write);
      } catch (RuntimeException e) {
        diverged = true;
        halted = "the snapshot thread's copy could not follow write " + write.record().getLong("v") + " (" + e + ")";
        LOG.log(Level.ERROR, "no more snapshots: " + halted + "; the log keeps every record", e);
      }
    }
  }

  /** The step-down behind a failed write, or null when it failed for another reason. */
  private static SteppedDownException steppedDown(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof SteppedDownException stepped) {
        return stepped;
      }
    }
    return null;
  }

  private CompletableFuture<Long> write() {
    long version = shadow.version;
    String why = halted;
    if (why != null) {
      return CompletableFuture.failedFuture(new IllegalStateException("no snapshot: " + why));
    }
    if (version == lastSnapshot) {
      return CompletableFuture.completedFuture(version);
    }
    return journal.snapshot(shadow.snapshot()).thenApply(v -> version).whenComplete((v, e) -> {
      if (e == null) {
        lastSnapshot = version; // the engine acknowledges in order: a later snapshot never lands first
        return;
      }
      SteppedDownException stepped = steppedDown(e);
      if (stepped != null) {
        // the store is handing over to another owner, whose copy is the one that counts now
        LOG.log(Level.INFO, "snapshot at version " + version + " not written: " + stepped.getMessage());
      } else {
        LOG.log(Level.ERROR, "snapshot at version " + version + " failed; the log keeps every record", e);
      }
    });
  }
}
