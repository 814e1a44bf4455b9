package io.conduit.store.engine;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.DoubleSupplier;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.stream.Stream;

/**
 * Measures the RocksDB engine on this machine: acknowledged puts under each durability with one
 * writer and with 64 concurrent writers (also resuming on other threads, as event loops do), how long
 * a put waits behind the deletion of 100,000 keys (key by key, and as one range), gets, and the time
 * to reopen a store of {@code count} keys.
 * Keys are 16 bytes, values 100; each figure is the median of three runs.
 *
 * <pre>java -cp cli/target/conduit.jar:bench/harness/target/conduit-bench-harness.jar io.conduit.store.engine.EngineBenchmark [dir] [count]</pre>
 */
public final class EngineBenchmark {

  private static final int RUNS = 3;
  private static final long RUN_NANOS = TimeUnit.SECONDS.toNanos(2);
  private static final int VALUE_BYTES = 100;
  /** The log records a document store's snapshot drops at the default {@code snapshotEvery}. */
  private static final int DROP_KEYS = 100_000;
  private static final byte[] VALUE = new byte[VALUE_BYTES];
  /** Held so the level sticks: each open logs a line, which would bury the results. */
  private static final Logger ENGINE_LOG = Logger.getLogger(RocksEngine.class.getName());

  static {
    new Random(42).nextBytes(VALUE); // incompressible, like real data at worst
  }

  private EngineBenchmark() {
  }

  public static void main(String[] args) throws Exception {
    ENGINE_LOG.setLevel(Level.WARNING);
    Path root = args.length > 0 ? Path.of(args[0]) : Files.createTempDirectory("conduit-engine-bench");
    int count = args.length > 1 ? Integer.parseInt(args[1]) : 1_000_000;
    System.out.printf("RocksDB engine in %s: 16-byte keys, %d-byte values, median of %d runs of %d s, %d cores%n",
        root, VALUE_BYTES, RUNS, TimeUnit.NANOSECONDS.toSeconds(RUN_NANOS), Runtime.getRuntime().availableProcessors());
    ExecutorService loops = Executors.newFixedThreadPool(2);
    for (PutScenario scenario : PutScenario.ALL) {
      Path dir = root.resolve("puts");
      double[] batchesPerSync = new double[RUNS];
      int[] run = {0};
      double rate = median(() -> {
        deleteTree(dir);
        double[] result = puts(dir, scenario, scenario.hop() ? loops : Runnable::run);
        batchesPerSync[run[0]++] = result[1];
        return result[0];
      });
      Arrays.sort(batchesPerSync);
      System.out.printf("puts  %-10s %2d writer%s%s %,10.0f /s  mean ack %,7.0f µs  %5.1f batches per fsync%n",
          scenario.durability(), scenario.writers(), scenario.writers() == 1 ? " " : "s",
          scenario.hop() ? ", acks hop to 2 threads" : "                       ", rate,
          scenario.writers() * 1e6 / rate, batchesPerSync[RUNS / 2]);
    }
    loops.shutdown();
    for (boolean range : new boolean[] {false, true}) {
      Path dropDir = root.resolve("drop");
      double[] buildMs = new double[RUNS];
      int[] dropRun = {0};
      double waitMs = median(() -> {
        deleteTree(dropDir);
        double[] result = dropThenWrite(dropDir, range);
        buildMs[dropRun[0]++] = result[0];
        return result[1];
      });
      Arrays.sort(buildMs);
      System.out.printf("drop  %,d keys %-15s then a put: the put acknowledged after %,.1f ms (building the batch %,.1f ms)%n",
          DROP_KEYS, range ? "as a range" : "key by key", waitMs, buildMs[RUNS / 2]);
    }
    deleteTree(root.resolve("drop"));
    Path dir = root.resolve("reopen");
    deleteTree(dir);
    long loadStart = System.nanoTime();
    load(dir, count);
    System.out.printf("load  %,d keys (no fsync, batches of 1,000, then close): %,d ms%n", count,
        TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - loadStart));
    long[] openMs = new long[RUNS];
    int[] run = {0};
    double scanMs = median(() -> {
      long start = System.nanoTime();
      try (KeyValueEngine engine = RocksEngine.open(dir, Durability.DEFAULT)) {
        openMs[run[0]++] = engine.stats().openMillis();
        long[] seen = {0};
        engine.scan(null, null, (k, v) -> ++seen[0] > 0);
        check(seen[0] == count, "the scan saw " + seen[0] + " keys, not " + count);
        return (System.nanoTime() - start) / 1e6;
      }
    });
    Arrays.sort(openMs);
    System.out.printf("reopen %,d keys: open %,d ms, open + full scan %,.0f ms%n", count, openMs[RUNS / 2], scanMs);
    try (KeyValueEngine engine = RocksEngine.open(dir, Durability.DEFAULT)) {
      double gets = median(() -> gets(engine, count));
      System.out.printf("gets  random, 1 thread, %,d keys: %,.0f /s%n", count, gets);
    }
    deleteTree(root.resolve("puts"));
    deleteTree(dir);
  }

  /**
   * Writers that each put one key, then the next once the last is acknowledged. With {@code hop},
   * each writer resumes on one of two other threads, as Vert.x callers do on their event loops;
   * then writers come back to the engine staggered, which is what the group window is for.
   */
  private record PutScenario(Durability durability, int writers, boolean hop) {
    static final List<PutScenario> ALL = List.of(
        new PutScenario(Durability.always(), 1, false), new PutScenario(Durability.always(), 64, false),
        new PutScenario(Durability.DEFAULT, 1, false), new PutScenario(Durability.DEFAULT, 64, false),
        new PutScenario(Durability.group(0), 64, true), new PutScenario(Durability.DEFAULT, 64, true),
        new PutScenario(Durability.none(), 1, false), new PutScenario(Durability.none(), 64, false));
  }

  /** Returns {acknowledged batches per second, batches per fsync}. */
  private static double[] puts(Path dir, PutScenario scenario, Executor resumeOn) {
    try (KeyValueEngine engine = RocksEngine.open(dir, scenario.durability())) {
      Writers writers = new Writers(engine, resumeOn, System.nanoTime() + RUN_NANOS, scenario.writers());
      long start = System.nanoTime();
      for (int i = 0; i < scenario.writers(); i++) {
        writers.next();
      }
      awaitUninterruptibly(writers.finished);
      double seconds = (System.nanoTime() - start) / 1e9;
      check(writers.failure.get() == null, "a write failed: " + writers.failure.get());
      EngineStats s = engine.stats();
      return new double[] {s.batches() / seconds, s.syncs() == 0 ? 0 : (double) s.batches() / s.syncs()};
    }
  }

  /**
   * One run's writers. Acknowledgements come on the engine's writer thread, which is busy running
   * the callback while the next write is submitted, so a writer's chain does not recurse.
   */
  private record Writers(KeyValueEngine engine, Executor resumeOn, long end, AtomicLong nextKey,
                         AtomicReference<Throwable> failure, CountDownLatch finished) {

    Writers(KeyValueEngine engine, Executor resumeOn, long end, int count) {
      this(engine, resumeOn, end, new AtomicLong(), new AtomicReference<>(), new CountDownLatch(count));
    }

    void next() {
      if (System.nanoTime() - end >= 0 || failure.get() != null) {
        finished.countDown();
        return;
      }
      engine.write(new WriteBatch().put(key(nextKey.getAndIncrement()), VALUE)).whenCompleteAsync((ok, error) -> {
        if (error != null) {
          failure.compareAndSet(null, error);
        }
        next();
      }, resumeOn);
    }
  }

  /**
   * What a document store's snapshot does to its log: {@value #DROP_KEYS} keys written, then deleted
   * in one batch, key by key or as one range, with a client's put queued right behind. Returns
   * {ms to build the deletion, ms from submitting it to the put's acknowledgement}.
   */
  private static double[] dropThenWrite(Path dir, boolean range) {
    try (KeyValueEngine engine = RocksEngine.open(dir, Durability.none())) {
      for (int from = 0; from < DROP_KEYS; from += 1_000) {
        WriteBatch batch = new WriteBatch();
        for (int i = from; i < from + 1_000; i++) {
          batch.put(key(i), VALUE);
        }
        engine.write(batch).join();
      }
      long start = System.nanoTime();
      WriteBatch drop = new WriteBatch();
      if (range) {
        drop.deleteRange(key(0), key(DROP_KEYS));
      } else {
        for (int i = 0; i < DROP_KEYS; i++) {
          drop.delete(key(i));
        }
      }
      long built = System.nanoTime();
      engine.write(drop);
      engine.write(new WriteBatch().put(key(DROP_KEYS + 1), VALUE)).join();
      long acknowledged = System.nanoTime();
      check(engine.get(key(DROP_KEYS / 2)) == null, "a dropped key is still there");
      return new double[] {(built - start) / 1e6, (acknowledged - built) / 1e6};
    }
  }

  private static void load(Path dir, int count) {
    try (KeyValueEngine engine = RocksEngine.open(dir, Durability.none())) {
      for (int from = 0; from < count; from += 1_000) {
        WriteBatch batch = new WriteBatch();
        for (int i = from; i < Math.min(count, from + 1_000); i++) {
          batch.put(key(i), VALUE);
        }
        engine.write(batch).join();
      }
    }
  }

  private static double gets(KeyValueEngine engine, int count) {
    Random random = new Random(7);
    long start = System.nanoTime();
    long done = 0;
    while (System.nanoTime() - start < RUN_NANOS) {
      for (int i = 0; i < 1_000; i++) {
        check(engine.get(key(random.nextInt(count))) != null, "a loaded key is missing");
      }
      done += 1_000;
    }
    return done / ((System.nanoTime() - start) / 1e9);
  }

  /** 16 bytes: a fixed prefix, then the number big-endian so keys sort by number. */
  private static byte[] key(long n) {
    return ByteBuffer.allocate(16).putLong(0x636f6e6475697421L).putLong(n).array();
  }

  private static double median(DoubleSupplier run) {
    double[] results = new double[RUNS];
    for (int i = 0; i < RUNS; i++) {
      results[i] = run.getAsDouble();
    }
    Arrays.sort(results);
    return results[RUNS / 2];
  }

  private static void check(boolean condition, String problem) {
    if (!condition) {
      throw new IllegalStateException(problem);
    }
  }

  private static void awaitUninterruptibly(CountDownLatch latch) {
    while (latch.getCount() > 0) {
      try {
        latch.await();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted", e);
      }
    }
  }

  private static void deleteTree(Path dir) {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(dir)) {
      for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    } catch (IOException e) {
      throw new IllegalStateException("cannot delete " + dir + ": " + e, e);
    }
  }
}
