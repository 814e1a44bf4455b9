package io.conduit.cli;

import io.conduit.cluster.ClusterSettings;

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
public final class ConduitProcess implements AutoCloseable {

  private final Process process;
  private final Path out;
  private final Path err;

  private ConduitProcess(Process process, Path out, Path err) {
    this.process = process;
    this.out = out;
    this.err = err;
  }

  public static Path jar() {
    String jar = System.getProperty("conduit.jar");
    if (jar == null || !Files.exists(Path.of(jar))) {
      throw new IllegalStateException("conduit.jar not built (system property conduit.jar = " + jar + ")");
    }
    return Path.of(jar);
  }

  public static ConduitProcess start(Path dir, String name, String... args) throws IOException {
    return startWithJvmFlags(dir, name, List.of(), args);
  }

  /** Starts the jar with extra JVM flags ({@code -Dkey=value}) before {@code -jar}. */
  public static ConduitProcess startWithJvmFlags(Path dir, String name, List<String> jvmFlags, String... args)
      throws IOException {
    return launch(dir, name, jvmFlags, null, args);
  }

  /**
   * Starts the jar's stock Vert.x launcher ({@code args}: main verticle and launcher flags) as a
   * member of {@code cluster}, joining a node listening on the cluster's first port and taking the
   * next one itself; Conduit's cluster factory reads these system properties.
   */
  public static ConduitProcess startLauncherJoining(Path dir, String name, ClusterSettings cluster,
                                                    String... args) throws IOException {
    return startWithJvmFlags(dir, name, launcherJoining(cluster), args);
  }

  /**
   * As {@link #startLauncherJoining}, with {@code classes} (jars or folders) on the classpath beside
   * Conduit's jar: the stock launcher runs a verticle Conduit does not ship.
   */
  public static ConduitProcess startLauncherJoining(Path dir, String name, ClusterSettings cluster, Path classes,
                                                    String... args) throws IOException {
    List<String> flags = new ArrayList<>(launcherJoining(cluster));
    flags.addAll(List.of("-cp", jar() + java.io.File.pathSeparator + classes, "io.conduit.cli.Conduit"));
    return launch(dir, name, flags, null, false, args);
  }

  private static List<String> launcherJoining(ClusterSettings cluster) {
    return List.of("-Dconduit.cluster.name=" + cluster.name(), "-Dconduit.cluster.port=" + (cluster.port() + 1),
        "-Dconduit.cluster.members=127.0.0.1:" + cluster.port());
  }

  private static ConduitProcess launch(Path dir, String name, List<String> jvmFlags, Path input, String... args)
      throws IOException {
    return launch(dir, name, jvmFlags, input, true, args);
  }

  /** {@code asJar}: {@code -jar conduit.jar}; otherwise {@code jvmFlags} end with the classpath and main class. */
  private static ConduitProcess launch(Path dir, String name, List<String> jvmFlags, Path input, boolean asJar,
                                       String... args) throws IOException {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-Xmx256m");
    command.addAll(jvmFlags);
    if (asJar) {
      command.add("-jar");
      command.add(jar().toString());
    }
    command.addAll(withFreeWebPort(args));
    Path out = dir.resolve(name + ".out");
    Path err = dir.resolve(name + ".err");
    ProcessBuilder builder = new ProcessBuilder(command).directory(dir.toFile())
        .redirectOutput(out.toFile()).redirectError(err.toFile());
    if (input != null) {
      builder.redirectInput(input.toFile());
    }
    return new ConduitProcess(builder.start(), out, err);
  }

  /**
   * A {@code serve} of the built-in deployment (no {@code -c}) without {@code --web} gets
   * {@code --web 127.0.0.1:<free port>}: that deployment serves the web console, and tests must not
   * compete for its default port 8080.
   */
  static List<String> withFreeWebPort(String... args) {
    List<String> all = new ArrayList<>(List.of(args));
    if (all.size() > 0 && all.get(0).equals("serve") && !all.contains("--web") && !all.contains("--help")
        && !all.contains("-c") && !all.contains("--config")) {
      all.add("--web");
      // below the ephemeral range: another JVM starting meanwhile cannot take it as an outgoing connection's port
      all.add("127.0.0.1:" + io.conduit.cluster.TestClusters.freeBlock(1));
    }
    return all;
  }

  /** Runs a command to completion (60 s at most) and returns it. */
  public static ConduitProcess run(Path dir, String name, String... args) throws Exception {
    ConduitProcess p = start(dir, name, args);
    p.awaitExit(Duration.ofSeconds(60));
    return p;
  }

  /** Runs a command with {@code input} as its standard input, to completion (60 s at most). */
  public static ConduitProcess runWithInput(Path dir, String name, String input, String... args) throws Exception {
    Path in = dir.resolve(name + ".in");
    Files.writeString(in, input);
    ConduitProcess p = launch(dir, name, List.of(), in, args);
    p.awaitExit(Duration.ofSeconds(60));
    return p;
  }

  public long pid() {
    return process.pid();
  }

  public String stdout() {
    return read(out);
  }

  public String stderr() {
    return read(err);
  }

  /** Waits until stdout contains {@code text}; fails early if the process exits first. */
  public void awaitOutput(String text, Duration timeout) {
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

  /** Waits until stderr (where the node logs) contains {@code text}; fails early if the process exits first. */
  public void awaitLog(String text, Duration timeout) {
    awaitLogLine(timeout, text);
  }

  /** Waits until one line of stderr contains every one of {@code parts} (one store's line among several stores' alike). */
  public void awaitLogLine(Duration timeout, String... parts) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (stderr().lines().noneMatch(line -> java.util.Arrays.stream(parts).allMatch(line::contains))) {
      if (!process.isAlive()) {
        throw new AssertionError("process exited (" + process.exitValue() + ") before logging a line with "
            + java.util.Arrays.toString(parts) + "\nstderr:\n" + stderr());
      }
      if (System.nanoTime() > deadline) {
        throw new AssertionError("no line with " + java.util.Arrays.toString(parts) + " logged within " + timeout
            + "\nstderr:\n" + stderr());
      }
      LockSupport.parkNanos(100_000_000);
    }
  }

  public int awaitExit(Duration timeout) throws InterruptedException {
    if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
      throw new AssertionError("still running after " + timeout + "\nstdout:\n" + stdout() + "\nstderr:\n" + stderr());
    }
    return process.exitValue();
  }

  public int exitCode() {
    return process.exitValue();
  }

  public boolean isAlive() {
    return process.isAlive();
  }

  /** SIGTERM, as {@code kill PID} does. */
  public void terminate() {
    process.destroy();
  }

  /** SIGKILL, as {@code kill -9 PID} does; returns once the process is gone. */
  public void kill9() throws InterruptedException {
    process.destroyForcibly();
    process.waitFor(30, TimeUnit.SECONDS);
  }

  /** SIGSTOP, as {@code kill -STOP PID} does: the whole JVM stalls, as in a very long GC pause. */
  public void pause() throws IOException, InterruptedException {
    signal("-STOP");
  }

  /** SIGCONT: a paused process runs on from where it stopped. */
  public void resume() throws IOException, InterruptedException {
    signal("-CONT");
  }

  private void signal(String which) throws IOException, InterruptedException {
    Process kill = new ProcessBuilder("kill", which, Long.toString(process.pid())).redirectErrorStream(true).start();
    if (!kill.waitFor(10, TimeUnit.SECONDS) || kill.exitValue() != 0) {
      kill.destroyForcibly();
      throw new IOException("kill " + which + " " + process.pid() + " failed: " + new String(kill.getInputStream()
          .readAllBytes(), java.nio.charset.StandardCharsets.UTF_8));
    }
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
