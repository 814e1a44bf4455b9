package io.conduit.bridge;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * A Python (pyzmq, so libzmq) process that a test runs against the bridge: a script from
 * {@code src/test/resources/interop}, output to a file (no pipe to fill up), and killed when closed,
 * whether the test passed or not.
 */
final class PythonPeer implements AutoCloseable {

  static final String PYTHON = "/usr/bin/python3";

  private final Process process;
  private final Path output;

  private PythonPeer(Process process, Path output) {
    this.process = process;
    this.output = output;
  }

  /** Starts {@code interop/SCRIPT} with its arguments. */
  static PythonPeer start(String script, List<String> args) throws IOException {
    List<String> command = new ArrayList<>(List.of(PYTHON, "-u", resource(script).toString()));
    command.addAll(args);
    return startCommand(command);
  }

  /** Starts {@code python3 -c CODE}. */
  static PythonPeer code(String code) throws IOException {
    return startCommand(List.of(PYTHON, "-c", code));
  }

  private static PythonPeer startCommand(List<String> command) throws IOException {
    Path output = Files.createTempFile("conduit-interop-", ".out");
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(output.toFile());
    builder.environment().put("PYTHONDONTWRITEBYTECODE", "1");
    builder.environment().put("PYTHONUNBUFFERED", "1");
    try {
      return new PythonPeer(builder.start(), output);
    } catch (IOException | RuntimeException e) {
      Files.deleteIfExists(output);
      throw e;
    }
  }

  /** Runs a script to its end (at most {@code seconds}) and returns its output; it must exit 0. */
  static String run(long seconds, String script, List<String> args) throws IOException, InterruptedException {
    try (PythonPeer peer = start(script, args)) {
      return peer.awaitSuccess(seconds);
    }
  }

  /** Waits for the process to exit 0 within {@code seconds}; its output, trimmed. Fails the test otherwise. */
  String awaitSuccess(long seconds) throws InterruptedException {
    if (!process.waitFor(seconds, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      throw new AssertionError("python did not finish within " + seconds + " s; output:\n" + output());
    }
    if (process.exitValue() != 0) {
      throw new AssertionError("python exited " + process.exitValue() + "; output:\n" + output());
    }
    return output().strip();
  }

  /** Waits until a line of output starts with {@code prefix}; fails if the process exits or time runs out first. */
  void awaitLine(String prefix, long timeoutMs) {
    long deadline = System.nanoTime() + timeoutMs * 1_000_000L;
    while (output().lines().noneMatch(l -> l.startsWith(prefix))) {
      if (!process.isAlive()) {
        throw new AssertionError("python exited " + process.exitValue() + " before '" + prefix + "'; output:\n"
            + output());
      }
      if (System.nanoTime() > deadline) {
        throw new AssertionError("no '" + prefix + "' from python within " + timeoutMs + " ms; output:\n" + output());
      }
      LockSupport.parkNanos(10_000_000L);
    }
  }

  String output() {
    try {
      return Files.readString(output, StandardCharsets.UTF_8);
    } catch (IOException e) {
      return "(output unreadable: " + e + ")";
    }
  }

  @Override
  public void close() throws InterruptedException {
    process.destroyForcibly();
    process.waitFor(10, TimeUnit.SECONDS);
    try {
      Files.deleteIfExists(output);
    } catch (IOException e) {
      // a temp file left behind is no test failure
    }
  }

  private static Path resource(String script) {
    var url = PythonPeer.class.getResource("/interop/" + script);
    if (url == null) {
      throw new IllegalStateException("no test resource interop/" + script);
    }
    try {
      return Path.of(url.toURI());
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }
}
