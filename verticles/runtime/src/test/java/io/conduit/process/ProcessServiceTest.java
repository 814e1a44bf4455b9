package io.conduit.process;

import io.conduit.cluster.TestProcesses;

import io.conduit.Conditions;
import io.conduit.deploy.DeploymentPlan;
import io.conduit.deploy.RunningServices;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Services whose instances are operating-system processes (real {@code /bin/sh} children of the
 * test JVM): started, logged, restarted, scaled and stopped; every pid a test sees is killed at the end.
 */
@ExtendWith(VertxExtension.class)
class ProcessServiceTest {

  @TempDir
  Path dir;

  private final List<LogRecord> records = Collections.synchronizedList(new ArrayList<>());
  private final Handler capture = new Handler() {
    @Override
    public void publish(LogRecord record) {
      records.add(record);
    }

    @Override
    public void flush() {
    }

    @Override
    public void close() {
    }
  };
  private final Logger processLogs = Logger.getLogger("io.conduit.process");
  private Level levelBefore;

  @BeforeEach
  void captureLogs() {
    // the build's test logging keeps warnings only; the processes' stdout is logged at INFO
    levelBefore = processLogs.getLevel();
    processLogs.setLevel(Level.INFO);
    processLogs.addHandler(capture);
  }

  @AfterEach
  void killLeftovers() {
    processLogs.removeHandler(capture);
    processLogs.setLevel(levelBefore);
    for (long pid : pids()) {
      ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
    }
  }

  /** A deployment of one process service running {@code script} with /bin/sh (its pid goes to a file). */
  private DeploymentPlan plan(String name, String instances, String script, String extra) {
    String json = "{\"services\": [{\"name\": \"" + name + "\", \"instances\": " + instances + ", \"process\": "
        + "{\"command\": [\"/bin/sh\", \"-c\", " + io.vertx.core.json.Json.encode("echo $$ > pid.$$; " + script)
        + "]" + extra + "}}]}";
    return DeploymentPlan.parse(json, "test").withProcessesIn(dir);
  }

  private List<Long> pids() {
    List<Long> pids = new ArrayList<>();
    try (var files = Files.list(dir)) {
      for (Path f : files.filter(p -> p.getFileName().toString().startsWith("pid.")).toList()) {
        pids.add(Long.parseLong(f.getFileName().toString().substring(4)));
      }
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    return pids;
  }

  private List<Long> alive() {
    return pids().stream().filter(TestProcesses::running).toList();
  }

  private boolean logged(Level level, String text) {
    synchronized (records) {
      return records.stream().anyMatch(r -> r.getLevel() == level && r.getMessage().contains(text));
    }
  }

  private static <T> T await(Future<T> future) throws Exception {
    return future.toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
  }

  @Test
  void processesRunTheirOutputIsLoggedAndStoppingEndsThem(Vertx vertx) throws Exception {
    RunningServices services = new RunningServices(vertx);
    await(services.deploy(plan("shouter", "2",
        "echo \"hello from $CONDUIT_SERVICE\"; echo 'careful' >&2; exec sleep 600", "")));
    Conditions.await(20_000, () -> alive().size() == 2, () -> "two processes running");
    Conditions.await(20_000, () -> logged(Level.INFO, "hello from shouter")
        && logged(Level.WARNING, "careful"), () -> "their stdout at INFO and stderr at WARNING");
    List<Long> running = alive();
    await(services.undeployAll());
    Conditions.await(20_000, () -> alive().isEmpty(), () -> "no process left after the undeploy");
    assertEquals(2, running.size());
  }

  @Test
  void aProcessThatExitsIsRestartedAfterABackOff(Vertx vertx) throws Exception {
    RunningServices services = new RunningServices(vertx);
    await(services.deploy(plan("flaky", "1", "sleep 0.5; exit 3", ", \"readyAfterMs\": 100")));
    Conditions.await(30_000, () -> pids().size() >= 2, () -> "a second process after the first exited");
    assertTrue(logged(Level.WARNING, "exited with status 3"), "the exit is logged with its status");
    assertTrue(logged(Level.WARNING, "restarting it in 1000 ms"), "the first restart waits one second");
    await(services.undeployAll());
  }

  @Test
  void aProcessIgnoringSigtermIsKilledAfterItsGrace(Vertx vertx) throws Exception {
    RunningServices services = new RunningServices(vertx);
    await(services.deploy(plan("stubborn", "1", "trap '' TERM; while :; do sleep 0.1; done",
        ", \"stopGraceMs\": 300")));
    Conditions.await(20_000, () -> alive().size() == 1, () -> "the process runs");
    long started = System.nanoTime();
    await(services.undeployAll());
    long tookMs = (System.nanoTime() - started) / 1_000_000;
    Conditions.await(10_000, () -> alive().isEmpty(), () -> "killed");
    assertTrue(logged(Level.WARNING, "1 process(es) still running 300 ms after SIGTERM; killing them"), "the kill is logged");
    assertTrue(tookMs >= 250, "it had its grace first (" + tookMs + " ms)");
  }

  private long childPid() {
    try {
      return Long.parseLong(Files.readString(dir.resolve("child")).trim());
    } catch (IOException | NumberFormatException e) {
      return -1;
    }
  }

  private static boolean alive(long pid) {
    return TestProcesses.running(pid); // an orphaned child that exited may wait a while for PID 1 to reap it
  }

  @Test
  void whatAProcessStartedIsStoppedWithIt(Vertx vertx) throws Exception {
    RunningServices services = new RunningServices(vertx);
    await(services.deploy(plan("wrapper", "1", "sleep 600 & echo $! > child; wait", "")));
    Conditions.await(20_000, () -> childPid() > 0 && alive(childPid()), () -> "the wrapper's child runs");
    long child = childPid();
    await(services.undeployAll());
    Conditions.await(20_000, () -> !alive(child) && alive().isEmpty(), () -> "the wrapper and its child stopped");
  }

  @Test
  void whenAWrapperExitsTheProcessesItLeftAreStoppedBeforeTheRestart(Vertx vertx) throws Exception {
    RunningServices services = new RunningServices(vertx);
    await(services.deploy(plan("leaver", "1", "sleep 600 & echo $! > child; sleep 1.5; exit 4",
        ", \"readyAfterMs\": 100")));
    Conditions.await(20_000, () -> childPid() > 0 && alive(childPid()), () -> "the first wrapper's child runs");
    long first = childPid();
    Conditions.await(30_000, () -> !alive(first), () -> "the orphan of the exited wrapper stopped");
    Conditions.await(30_000, () -> pids().size() >= 2, () -> "the wrapper started again");
    await(services.undeployAll());
    Conditions.await(20_000, () -> alive().isEmpty() && !alive(childPid()), () -> "nothing left");
  }

  @Test
  void scalingStartsAndStopsProcesses(Vertx vertx) throws Exception {
    RunningServices services = new RunningServices(vertx);
    await(services.deploy(plan("scaled", "{\"min\": 1, \"max\": 3}", "exec sleep 600", "")));
    Conditions.await(20_000, () -> alive().size() == 1, () -> "min processes at start");
    await(services.scale("scaled", 3));
    Conditions.await(20_000, () -> alive().size() == 3, () -> "three after scaling up");
    await(services.scale("scaled", 1));
    Conditions.await(20_000, () -> alive().size() == 1, () -> "one after scaling down");
    await(services.undeployAll());
  }

  @Test
  void aCommandThatCannotRunFailsTheStartInOneLine(Vertx vertx) throws Exception {
    String json = "{\"services\": [{\"name\": \"typo\", \"process\": {\"command\": [\"/nonexistent/pyhton3\"]}}]}";
    RunningServices services = new RunningServices(vertx);
    ExecutionException e = assertThrows(ExecutionException.class,
        () -> await(services.deploy(DeploymentPlan.parse(json, "test"))));
    String message = e.getCause().getMessage();
    assertEquals("service 'typo' failed to start: cannot start [/nonexistent/pyhton3]: No such file or directory",
        message);
    assertTrue(services.list().isEmpty(), "nothing left deployed");
  }

  @Test
  void aProcessThatExitsAsItStartsFailsTheStartWithItsLastOutput(Vertx vertx) throws Exception {
    RunningServices services = new RunningServices(vertx);
    ExecutionException e = assertThrows(ExecutionException.class, () -> await(services.deploy(
        plan("broken", "1", "echo 'ModuleNotFoundError: No module named shop' >&2; exit 1", ""))));
    String message = e.getCause().getMessage();
    assertTrue(message.contains("exited with status 1 as it started"), message);
    assertTrue(message.contains("its last output: ModuleNotFoundError: No module named shop"), message);
  }
}
