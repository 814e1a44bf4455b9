package io.conduit.store.engine;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/** Acknowledged writes survive kill -9 of the process that made them; a live process holds its directory. */
class RocksEngineCrashTest {

  private static final int ACKS_BEFORE_KILL = 2_000;
  private static final long DEADLINE_NANOS = TimeUnit.SECONDS.toNanos(60);
  private static final String END = "<end of output>";

  @TempDir
  Path tmp;

  /** A CrashWriter in its own JVM, its stdout read line by line into a queue. */
  private final class Writer implements AutoCloseable {
    final Process process;
    final Path stderr;
    final BlockingQueue<String> lines = new LinkedBlockingQueue<>();

    Writer(Path dir, String durability) throws IOException {
      stderr = tmp.resolve("writer-stderr.txt");
      String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
      process = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"), CrashWriter.class.getName(),
          dir.toString(), durability).redirectError(stderr.toFile()).start();
      Thread reader = new Thread(this::readLines, "crash-writer-stdout");
      reader.setDaemon(true);
      reader.start();
    }

    private void readLines() {
      try (BufferedReader in = new BufferedReader(
          new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
        for (String line = in.readLine(); line != null; line = in.readLine()) {
          lines.add(line);
        }
      } catch (IOException e) {
        lines.add("read failed: " + e);
      } finally {
        lines.add(END);
      }
    }

    /** The next line, or null when none came before the deadline. */
    String nextLine(long deadline) throws InterruptedException {
      return lines.poll(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
    }

    String stderr() {
      try {
        return Files.exists(stderr) ? Files.readString(stderr) : "";
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }

    /** Reads acknowledged key numbers until {@code count} arrived; fails with the writer's stderr otherwise. */
    void awaitAcks(Set<Integer> acked, int count) throws InterruptedException {
      long deadline = System.nanoTime() + DEADLINE_NANOS;
      while (acked.size() < count) {
        String line = nextLine(deadline);
        if (line == null || END.equals(line)) {
          fail((line == null ? "timed out" : "the writer exited") + " after " + acked.size() + " acks; stderr:\n"
              + stderr());
        }
        acked.add(Integer.parseInt(line));
      }
    }

    @Override
    public void close() throws InterruptedException {
      process.destroyForcibly();
      process.waitFor(10, TimeUnit.SECONDS);
    }
  }

  @ParameterizedTest(name = "durability {0}")
  @ValueSource(strings = {"group", "always", "none"})
  void everyAcknowledgedWriteSurvivesKillMinus9(String durability) throws Exception {
    Path dir = tmp.resolve("data");
    Set<Integer> acked = new HashSet<>();
    try (Writer writer = new Writer(dir, durability)) {
      writer.awaitAcks(acked, ACKS_BEFORE_KILL);
      writer.process.destroyForcibly();
      assertTrue(writer.process.waitFor(10, TimeUnit.SECONDS), "the writer did not die");
      assertEquals(137, writer.process.exitValue(), "killed by SIGKILL");
      // Acks printed just before the kill are still in the pipe: they count too.
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      // The kill also closes the pipe; the reader may then report that instead of a number: stop there.
      for (String line = writer.nextLine(deadline); line != null && line.matches("\\d+"); line = writer.nextLine(deadline)) {
        acked.add(Integer.parseInt(line));
      }
    }
    try (KeyValueEngine engine = RocksEngine.open(dir, Durability.DEFAULT)) {
      System.out.printf("%s: %d acks before kill -9, reopened in %d ms%n", durability, acked.size(),
          engine.stats().openMillis());
      for (int n : acked) {
        assertArrayEquals(CrashWriter.value(n), engine.get(CrashWriter.key(n)), "acknowledged key " + n + " was lost");
      }
      assertBatchesWholeOrAbsent(engine);
    }
  }

  /** Each batch of the writer is atomic: after the crash, all of its keys are there or none is. */
  private static void assertBatchesWholeOrAbsent(KeyValueEngine engine) {
    TreeMap<Integer, Integer> keysPerBatch = new TreeMap<>();
    engine.scan(null, null, (k, v) -> {
      int n = ByteBuffer.wrap(k).getInt();
      keysPerBatch.merge(n / CrashWriter.BATCH, 1, Integer::sum);
      return true;
    });
    keysPerBatch.forEach((batch, keys) -> assertEquals(CrashWriter.BATCH, keys, "keys of batch " + batch));
  }

  @Test
  void aDirectoryHeldByAnotherProcessIsRefused() throws Exception {
    Path dir = tmp.resolve("held");
    try (Writer writer = new Writer(dir, "none")) {
      writer.awaitAcks(new HashSet<>(), 1);
      EngineException e = assertThrows(EngineException.class, () -> RocksEngine.open(dir, Durability.DEFAULT));
      assertEquals(dir.toAbsolutePath() + " is in use by another process (RocksDB LOCK); stop it or choose another "
          + "data directory", e.getMessage());
    }
  }
}
