package io.conduit.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * A {@code conduit} JVM started from the built jar, with its output in files. Closing it kills the
 * process (SIGKILL) if it is still running, so a failing test leaves nothing behind.
 */
final class ConduitProcess implements AutoCloseable {

  private final Process process;
  private final Path out;
  private final Path err;

  private ConduitProcess(Process process, Path out, Path err) {
    this.process = process;
    this.out = out;
    this.err = err;
  }

  static Path jar() {
    String jar = System.getProperty("conduit.jar");
    if (jar == null || !Files.exists(Path.of(jar))) {
      throw new IllegalStateException("conduit.jar not built (system property conduit.jar = " + jar + ")");
    }
    return Path.of(jar);
  }

  static ConduitProcess start(Path dir, String name, String... args) throws IOException {
    return startWithJvmFlags(dir, name, List.of(), args);
  }

  /** Starts the jar with extra JVM flags ({@code -Dkey=value}) before {@code -jar}. */
  static ConduitProcess startWithJvmFlags(Path dir, String name, List<String> jvmFlags, String... args)
      throws IOException {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-Xmx256m");
    command.addAll(jvmFlags);
    command.add("-jar");
    command.add(jar().toString());
    command.addAll(List.of(args));
    Path out = dir.resolve(name + ".out");
    Path err = dir.resolve(name + ".err");
    Process p = new ProcessBuilder(command).directory(dir.toFile())
        .redirectOutput(out.toFile()).redirectError(err.toFile()).start();
    return new ConduitProcess(p, out, err);
  }

  /** Runs a command to completion (60 s at most) and returns it. */
  static ConduitProcess run(Path dir, String name, String... args) throws Exception {
    ConduitProcess p = start(dir, name, args);
    p.awaitExit(Duration.ofSeconds(60));
    return p;
  }

  long pid() {
    return process.pid();
  }

  String stdout() {
    return read(out);
  }

  String stderr() {
    return read(err);
  }

  /** Waits until stdout contains {@code text}; fails early if the process exits first. */
  void awaitOutput(String text, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      if (stdout().contains(text)) {
        return;
      }
      if (!process.isAlive()) {
        throw new AssertionError("process exited (" + process.exitValue() + ") before printing '" + text + "'\nstdout:\n"
            + stdout() + "\nstderr:\n" + stderr());
      }
      LockSupport.parkNanos(50_000_000);
    }
    throw new AssertionError("no '" + text + "' within " + timeout + "\nstdout:\n" + stdout() + "\nstderr:\n" + stderr());
  }

  int awaitExit(Duration timeout) throws InterruptedException {
    if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
      throw new AssertionError("still running after " + timeout + "\nstdout:\n" + stdout() + "\nstderr:\n" + stderr());
    }
    return process.exitValue();
  }

  int exitCode() {
    return process.exitValue();
  }

  boolean isAlive() {
    return process.isAlive();
  }

  /** SIGTERM, as {@code kill PID} does. */
  void terminate() {
    process.destroy();
  }

  /** SIGKILL, as {@code kill -9 PID} does; returns once the process is gone. */
  void kill9() throws InterruptedException {
    process.destroyForcibly();
    process.waitFor(30, TimeUnit.SECONDS);
  }

  @Override
  public void close() throws InterruptedException {
    if (process.isAlive()) {
      kill9();
    }
  }

  private static String read(Path file) {
    try {
      return Files.exists(file) ? Files.readString(file) : "";
    } catch (IOException e) {
      return "";
    }
  }
}
