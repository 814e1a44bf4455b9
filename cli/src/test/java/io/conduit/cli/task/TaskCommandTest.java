package io.conduit.cli.task;

import io.conduit.bridge.ZmqBridgeVerticle;
import io.conduit.cli.CliRun;
import io.conduit.cluster.TestClusters;
import io.conduit.builtin.CountTask;
import io.conduit.builtin.TrainTask;
import io.conduit.task.TaskQueueVerticle;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code conduit task ...} against an in-process bridge and task queue with the example tasks. */
class TaskCommandTest {

  private Vertx vertx;
  private final String endpoint = "tcp://127.0.0.1:" + TestClusters.freePort();
  private final String events = "tcp://127.0.0.1:" + TestClusters.freePort();

  @BeforeEach
  void start() throws Exception {
    vertx = Vertx.vertx();
    JsonObject tasks = new JsonObject().put("address", "tasks").put("handlers", new JsonObject()
        .put("example.count", CountTask.class.getName()).put("example.train", TrainTask.class.getName()));
    vertx.deployVerticle(new TaskQueueVerticle(), new DeploymentOptions().setConfig(tasks))
        .toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
    vertx.deployVerticle(new ZmqBridgeVerticle(), new DeploymentOptions().setConfig(new JsonObject()
        .put("endpoint", endpoint).put("eventsEndpoint", events))).toCompletionStage().toCompletableFuture()
        .get(20, TimeUnit.SECONDS);
  }

  @AfterEach
  void stop() throws Exception {
    vertx.close().toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
  }

  private CliRun task(String... args) {
    String[] all = new String[args.length + 5];
    all[0] = "task";
    System.arraycopy(args, 0, all, 1, args.length);
    System.arraycopy(new String[] {"-e", endpoint, "--events", events}, 0, all, args.length + 1, 4);
    return CliRun.of(all);
  }

  @Test
  void submitWithWatchDrawsProgressAndPrintsTheResult() {
    CliRun run = task("submit", "example.train", "{\"epochs\": 2, \"stepsPerEpoch\": 5, \"stepMs\": 40}", "--watch");

    assertEquals(0, run.exit(), run.err());
    List<String> lines = run.out().lines().toList();
    assertTrue(lines.get(0).matches("[0-9a-f-]{36}"), "the id first: " + lines);
    assertTrue(lines.stream().anyMatch(l -> l.startsWith("[") && l.contains("/10 PROGRESS  epoch ")), lines.toString());
    assertTrue(lines.stream().anyMatch(l -> l.startsWith("[##############################] 100% 10/10 SUCCESS")),
        lines.toString());
    assertTrue(lines.get(lines.size() - 1).startsWith("SUCCESS {\"epochs\":2,\"steps\":10,\"loss\":"), lines.toString());
  }

  @Test
  void statusPrintsTheTaskAndCancelStopsIt() {
    String id = task("submit", "example.count", "{\"to\": 1000, \"stepMs\": 20}").out().trim();
    awaitStatus(id, "\"PROGRESS\"");

    CliRun cancel = task("cancel", id);
    assertEquals(0, cancel.exit(), cancel.err());
    assertEquals("cancel requested; the task stops at its next check", cancel.out().trim());
    CliRun watch = task("watch", id);
    assertEquals(1, watch.exit(), "a revoked task is not a success");
    assertTrue(watch.out().trim().endsWith("REVOKED"), watch.out());
    assertTrue(task("list", "--state", "REVOKED").out().contains(id));
  }

  @Test
  void anUnknownTaskOrIdIsAnErrorWithItsCode() {
    CliRun unknown = task("submit", "no.such.task");
    assertEquals(1, unknown.exit());
    assertTrue(unknown.err().startsWith("ERROR BAD_REQUEST: unknown task 'no.such.task'"), unknown.err());
    CliRun missing = task("status", "no-such-id");
    assertEquals(1, missing.exit());
    assertTrue(missing.err().startsWith("ERROR NOT_FOUND: "), missing.err());
    CliRun badArgs = task("submit", "example.count", "[1, 2]");
    assertEquals(2, badArgs.exit());
    assertTrue(badArgs.err().contains("ARGS must be a JSON object"), badArgs.err());
  }

  private void awaitStatus(String id, String text) {
    long deadline = System.nanoTime() + 10_000_000_000L;
    String last = "";
    while (System.nanoTime() < deadline) {
      last = task("status", id).out();
      if (last.contains(text)) {
        return;
      }
      LockSupport.parkNanos(20_000_000);
    }
    throw new AssertionError("status never showed " + text + ": " + last);
  }
}
