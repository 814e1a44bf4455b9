package io.conduit.store.engine;

import org.rocksdb.FlushOptions;
import org.rocksdb.Options;
import org.rocksdb.ReadOptions;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.RocksIterator;
import org.rocksdb.Slice;
import org.rocksdb.WALRecoveryMode;
import org.rocksdb.WriteOptions;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.Lock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.BiPredicate;

/**
 * The persistent backend: RocksDB with its write-ahead log, so an acknowledged write survives a
 * crash, a write costs the size of the change, and a restart replays only the log's tail.
 *
 * <p>All writes go through one writer thread, which keeps them in call order and turns whatever is
 * queued into one atomic RocksDB write. With {@link Durability.Mode#GROUP} that write is synced once
 * for the whole group, so many concurrent writers share an fsync; a batch is acknowledged only after
 * the sync that covers it, and its changes become visible only then.
 */
public final class RocksEngine implements KeyValueEngine {

  private static final System.Logger LOG = System.getLogger(RocksEngine.class.getName());

  /** Bounds a group, so the first batch in it never waits behind an unbounded pile. */
  private static final int MAX_GROUP_BATCHES = 4_096;
  private static final long MAX_GROUP_BYTES = 16L << 20;

  /** Queued by {@link #close()}: everything before it is written, nothing after it. */
  private static final Pending CLOSING = new Pending(new WriteBatch(), new CompletableFuture<>(), 0, -1);

  private static boolean libraryLoaded;

  /** A batch handed over at {@code submittedAt} ({@link System#nanoTime()}) on CPU {@code cpu} (-1: not asked). */
  private record Pending(WriteBatch batch, CompletableFuture<Void> done, long submittedAt, int cpu) {
  }

  private final Path dir;
  private final Durability durability;
  private final Options options;
  private final RocksDB db;
  private final long openMillis;
  private final WriteCounters counters = new WriteCounters();
  private final LinkedBlockingQueue<Pending> queue = new LinkedBlockingQueue<>();
  private final int maxGroupBatches;
  private final long windowNanos;
  private final Thread writer;
  private final AtomicBoolean closing = new AtomicBoolean();
  private final CountDownLatch closed = new CountDownLatch(1);
  /** Reads hold the read side; freeing the native handles takes the write side (use after free crashes the JVM). */
  private final ReentrantReadWriteLock handles = new ReentrantReadWriteLock();
  private boolean handlesFreed;
  /**
   * Writer thread only: how many writers the last group carried ({@link WriteBatch#writers()}), i.e.
   * how many may come back. Counted in writers, not batches: a store that joins its event loop's
   * writes per turn comes back with them in however many turns.
   */
  private int lastGroupWriters = 1;
  /** Writer thread only: how many writers the group being gathered and written carries. */
  private int groupWriters;
  /** Writer thread only: whether to spin for the next batch or park. */
  private final ArrivalPace pace = new ArrivalPace();
  /** Writer thread only: the CPU the last batch of the group being gathered was handed over on. */
  private int groupCpu;
  /** Where the writer runs (writer thread only, but {@link WriterPlacement#keptOn()}). */
  private final WriterPlacement placement;

  private RocksEngine(Path dir, Durability durability, Options options, RocksDB db, long openMillis,
                      WriterPlacement.Mode placementMode, ThreadCpu cpus) {
    this.dir = dir;
    this.durability = durability;
    this.options = options;
    this.db = db;
    this.openMillis = openMillis;
    this.maxGroupBatches = durability.mode() == Durability.Mode.ALWAYS ? 1 : MAX_GROUP_BATCHES;
    this.windowNanos = TimeUnit.MILLISECONDS.toNanos(durability.groupCommitMs());
    this.placement = new WriterPlacement(placementMode, cpus);
    this.writer = new Thread(this::runWriter, "conduit-engine-writer " + dir.getFileName());
    writer.setDaemon(true);
  }

  /**
   * Opens (creating if missing) the RocksDB store in {@code dir}, replaying its log if the last run
   * crashed. Throws an {@link EngineException} that says why when the directory is unusable or is
   * held by another process, or when the system property {@value WriterPlacement#PROPERTY} (where
   * the writer thread runs: {@code follow}, the default, or {@code any}) holds another value.
   */
  public static RocksEngine open(Path dir, Durability durability) {
    Objects.requireNonNull(durability, "durability");
    WriterPlacement.Mode placement;
    try {
      placement = WriterPlacement.Mode.parse(System.getProperty(WriterPlacement.PROPERTY));
    } catch (IllegalArgumentException e) {
      throw new EngineException(e.getMessage(), e);
    }
    return open(dir, durability, placement);
  }

  /** {@link #open(Path, Durability)} with the writer's placement given ({@link WriterPlacement}). */
  static RocksEngine open(Path dir, Durability durability, WriterPlacement.Mode placement) {
    Objects.requireNonNull(durability, "durability");
    if (durability.mode() != Durability.Mode.NONE) {
      // a group waits for its fsync, which dwarfs the wake-ups a placement saves (and kept on the
      // loop's CPU, 16 clients' durable writes were 14 % slower)
      placement = WriterPlacement.Mode.ANY;
    }
    ThreadCpu cpus = placement == WriterPlacement.Mode.ANY ? ThreadCpu.NONE : LinuxThreadCpu.load();
    loadLibrary();
    Path path = dir.toAbsolutePath().normalize();
    try {
      Files.createDirectories(path);
    } catch (IOException e) {
      throw new EngineException("cannot create the data directory " + path + ": " + e, e);
    }
    if (!Files.isReadable(path) || !Files.isWritable(path)) {
      throw new EngineException("the data directory " + path + " must be readable and writable by this user");
    }
    Options options = new Options()
        .setCreateIfMissing(true)
        // After a crash, drop a torn record at the log's end instead of refusing to open.
        .setWalRecoveryMode(WALRecoveryMode.PointInTimeRecovery)
        .setKeepLogFileNum(3);
    long start = System.nanoTime();
    RocksDB db;
    try {
      db = RocksDB.open(options, path.toString());
    } catch (RocksDBException e) {
      options.close();
      throw openFailure(path, e);
    }
    long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
    RocksEngine engine = new RocksEngine(dir, durability, options, db, millis, placement, cpus);
    engine.writer.start();
    LOG.log(Level.INFO, "{0} opened in {1} ms", engine.describe(), millis);
    return engine;
  }

  @Override
  public byte[] get(byte[] key) {
    Objects.requireNonNull(key, "key");
    Lock read = handles.readLock();
    read.lock();
    try {
      checkOpen();
      return db.get(key);
    } catch (RocksDBException e) {
      throw new EngineException("reading from rocksdb at " + dir + " failed: " + e.getMessage(), e);
    } finally {
      read.unlock();
    }
  }

  @Override
  public void scan(byte[] fromInclusive, byte[] toExclusive, BiPredicate<byte[], byte[]> visitor) {
    Objects.requireNonNull(visitor, "visitor");
    Lock read = handles.readLock();
    read.lock();
    try {
      checkOpen();
      try (Slice upper = toExclusive == null ? null : new Slice(toExclusive);
           ReadOptions readOptions = upper == null ? new ReadOptions() : new ReadOptions().setIterateUpperBound(upper);
           RocksIterator it = db.newIterator(readOptions)) {
        if (fromInclusive == null) {
          it.seekToFirst();
        } else {
          it.seek(fromInclusive);
        }
        for (; it.isValid(); it.next()) {
          if (!visitor.test(it.key(), it.value())) {
            return;
          }
        }
        it.status();
      }
    } catch (RocksDBException e) {
      throw new EngineException("scanning rocksdb at " + dir + " failed: " + e.getMessage(), e);
    } finally {
      read.unlock();
    }
  }

  @Override
  public CompletableFuture<Void> write(WriteBatch batch) {
    batch.seal();
    if (closing.get()) {
      return CompletableFuture.failedFuture(closedError());
    }
    // the writer's own writes (from a write's callback) say nothing about where the loop runs
    int cpu = Thread.currentThread() != writer ? placement.submitterCpu() : -1;
    Pending pending = new Pending(batch, new CompletableFuture<>(), System.nanoTime(), cpu);
    counters.submitted();
    queue.add(pending);
    // close() may have queued CLOSING just before us: then the writer stops short of this batch.
    if (closing.get() && queue.remove(pending)) {
      counters.failed();
      pending.done.completeExceptionally(closedError());
    }
    return pending.done;
  }

  @Override
  public EngineStats stats() {
    return counters.snapshot(openMillis);
  }

  @Override
  public String describe() {
    return "rocksdb at " + dir + ", " + durability.describe();
  }

  /** The CPU the writer thread is kept on, or -1 when the scheduler places it ({@link WriterPlacement}). */
  int writerKeptOn() {
    return placement.keptOn();
  }

  @Override
  public void close() {
    if (closing.compareAndSet(false, true)) {
      queue.add(CLOSING);
    }
    if (Thread.currentThread() == writer) {
      return; // called from a write's callback: the writer frees the handles once it reaches CLOSING
    }
    boolean interrupted = false;
    while (closed.getCount() > 0) {
      try {
        closed.await();
      } catch (InterruptedException e) {
        interrupted = true; // acknowledged writes come first; keep the interrupt for the caller
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }

  private void runWriter() {
    List<Pending> group = new ArrayList<>();
    try (WriteOptions writeOptions = new WriteOptions().setSync(durability.mode() != Durability.Mode.NONE);
         org.rocksdb.WriteBatch combined = new org.rocksdb.WriteBatch()) {
      boolean open = true;
      while (open) {
        open = collect(group);
        if (!group.isEmpty()) {
          placement.group(groupCpu, pace.meanGapNanos(), groupWriters);
        }
        commit(group, writeOptions, combined);
        group.clear();
      }
    } finally {
      freeHandles();
    }
  }

  /**
   * Gathers the next group: one batch (waiting for it), then everything already queued. When the
   * last group was bigger, its writers are likely on their way back, so it waits up to the group
   * window for as many to join; a lone writer therefore never waits. Returns false at CLOSING.
   */
  private boolean collect(List<Pending> group) {
    try {
      Pending next = awaitNext();
      long deadline = System.nanoTime() + windowNanos;
      long bytes = 0;
      groupWriters = 0;
      while (next != CLOSING) {
        pace.arrived(next.submittedAt, next.batch.writers());
        group.add(next);
        bytes += next.batch.byteSize();
        groupWriters += next.batch.writers();
        groupCpu = next.cpu;
        if (group.size() >= maxGroupBatches || bytes >= MAX_GROUP_BYTES) {
          return true;
        }
        next = queue.poll();
        if (next == null) {
          long left = deadline - System.nanoTime();
          if (groupWriters >= lastGroupWriters || left <= 0) {
            return true;
          }
          next = queue.poll(left, TimeUnit.NANOSECONDS);
          if (next == null) {
            return true;
          }
        }
      }
      return false;
    } catch (InterruptedException e) {
      return true; // nothing of ours interrupts the writer; commit what was gathered and go on
    }
  }

  /** The next batch: spun for while batches come one by one (see {@link ArrivalPace}), else waited for parked. */
  private Pending awaitNext() throws InterruptedException {
    Pending next = queue.poll();
    if (next != null) {
      return next;
    }
    long spin = placement.maySpin() ? pace.spinNanos() : 0;
    // No Thread.yield in the loop: the scheduler already lets a woken thread preempt a spinner, and
    // yielding even every 256 turns cost one pyzmq client's sets a fifth of their rate here.
    if (spin > 0 && SpinPermits.SHARED.tryAcquire()) {
      try {
        long until = System.nanoTime() + spin;
        do {
          Thread.onSpinWait();
          next = queue.poll();
        } while (next == null && System.nanoTime() < until);
      } finally {
        SpinPermits.SHARED.release();
      }
    }
    return next != null ? next : queue.take();
  }

  /** Writes the group as one atomic RocksDB write (synced unless NONE), then acknowledges it. */
  private void commit(List<Pending> group, WriteOptions writeOptions, org.rocksdb.WriteBatch combined) {
    if (group.isEmpty()) {
      return;
    }
    try {
      combined.clear();
      for (Pending p : group) {
        for (WriteBatch.Change c : p.batch.changes()) {
          if (c.deletesRange()) {
            combined.deleteRange(c.key(), c.rangeEnd());
          } else if (c.value() == null) {
            combined.delete(c.key());
          } else {
            combined.put(c.key(), c.value());
          }
        }
      }
      if (combined.count() > 0) {
        db.write(writeOptions, combined);
        if (writeOptions.sync()) {
          counters.synced();
        }
      }
    } catch (RocksDBException | RuntimeException e) {
      EngineException failure = new EngineException("writing to rocksdb at " + dir + " failed: " + e.getMessage(), e);
      for (Pending p : group) {
        counters.failed();
        p.done.completeExceptionally(failure);
      }
      return;
    }
    lastGroupWriters = groupWriters;
    for (Pending p : group) {
      counters.acknowledged(p.batch);
      p.done.complete(null);
    }
  }

  /** Flushes the memtables so the next open replays nothing, then frees the handles: options last. */
  private void freeHandles() {
    try (FlushOptions flush = new FlushOptions().setWaitForFlush(true)) {
      db.flush(flush);
    } catch (RocksDBException | RuntimeException e) {
      LOG.log(Level.WARNING, "flushing rocksdb at " + dir + " on close failed; the log will be replayed on open", e);
    }
    Lock free = handles.writeLock();
    free.lock();
    try {
      handlesFreed = true;
      db.closeE();
    } catch (RocksDBException e) {
      LOG.log(Level.WARNING, "closing rocksdb at " + dir + " reported an error", e);
    } finally {
      options.close();
      free.unlock();
      closed.countDown();
    }
  }

  private void checkOpen() {
    if (handlesFreed) {
      throw closedError();
    }
  }

  private EngineException closedError() {
    return new EngineException("the engine at " + dir + " is closed");
  }

  private static synchronized void loadLibrary() {
    if (libraryLoaded) {
      return;
    }
    try {
      RocksDB.loadLibrary();
    } catch (RuntimeException | LinkageError e) {
      throw new EngineException("RocksDB's native library does not load on " + System.getProperty("os.name") + "/"
          + System.getProperty("os.arch") + ": " + e.getMessage() + "; use the memory backend here", e);
    }
    libraryLoaded = true;
  }

  private static EngineException openFailure(Path path, RocksDBException e) {
    String reason = e.getMessage() == null ? String.valueOf(e.getStatus()) : e.getMessage();
    if (reason.contains("lock hold by current process")) {
      return new EngineException(path + " is already open in this process (RocksDB LOCK); close that engine first", e);
    }
    if (reason.contains("LOCK")) {
      return new EngineException(path + " is in use by another process (RocksDB LOCK); stop it or choose another "
          + "data directory", e);
    }
    return new EngineException("cannot open rocksdb at " + path + ": " + reason, e);
  }
}
