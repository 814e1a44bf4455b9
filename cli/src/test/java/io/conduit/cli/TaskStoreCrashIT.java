package io.conduit.cli;

import io.conduit.client.ConduitClient;
import io.conduit.cluster.TestClusters;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

/**
 * A standalone {@code conduit serve} keeps its task queue in its storage under {@code --data}:
 * after {@code kill -9} and a restart on the same data, a finished task still has its result, a
 * queued one is still there (and runs), a running one is requeued as a new attempt, and an
 * idempotency key still names its task.
 */
class TaskStoreCrashIT {

  private static final Duration WAIT = Duration.ofSeconds(60);

  @TempDir
  Path dir;

  @Test
  void queuedRunningAndFinishedTasksSurviveKillMinus9() throws Exception {
    String endpoint = "tcp://127.0.0.1:" + TestClusters.freePort();
    String finished;
    String keyed;
    List<String> running = new ArrayList<>();
    List<String> queued = new ArrayList<>();
    try (ConduitProcess first = ConduitProcess.start(dir, "first", "serve", "-a", endpoint, "--events", "none",
        "--data", dir.resolve("data").toString())) {
      first.awaitOutput("Ready", Duration.ofSeconds(90));
      try (ConduitClient client = ConduitClient.connect(endpoint)) {
        finished = submit(client, 3, 0, null);
        await(() -> "SUCCESS".equals(status(client, finished).getString("state")), "the short task to finish");
        // the node runs 4 tasks at a time: these 4 run (for a minute), the next 2 wait
        for (int i = 0; i < 4; i++) {
          running.add(submit(client, 600, 100, null));
        }
        await(() -> running.stream().allMatch(id -> status(client, id).getInteger("attempts") == 1
            && List.of("STARTED", "PROGRESS").contains(status(client, id).getString("state"))), "4 tasks running");
        queued.add(submit(client, 2, 0, null));
        keyed = submit(client, 2, 0, "order-17");
        queued.add(keyed);
        for (String id : queued) {
          assertEquals("PENDING", status(client, id).getString("state"), "waits behind the running ones");
        }
      }
      first.kill9();
    }

    try (ConduitProcess second = ConduitProcess.start(dir, "second", "serve", "-a", endpoint, "--events", "none",
        "--data", dir.resolve("data").toString())) {
      second.awaitOutput("Ready", Duration.ofSeconds(90));
      try (ConduitClient client = ConduitClient.connect(endpoint)) {
        JsonObject done = status(client, finished);
        assertEquals("SUCCESS", done.getString("state"), done.encode());
        assertEquals(new JsonObject().put("count", 3), done.getJsonObject("result"));
        for (String id : running) {
          JsonObject s = status(client, id);
          assertEquals(2, s.getInteger("attempts"), "a task running at the kill is a new attempt: " + s.encode());
        }
        for (String id : queued) {
          await(() -> "SUCCESS".equals(status(client, id).getString("state")), "queued task " + id + " to run");
        }
        assertEquals(keyed, submit(client, 2, 0, "order-17"), "the idempotency key still names its task");
      }
    }
  }

  private static String submit(ConduitClient client, int to, int stepMs, String key) {
    JsonObject request = new JsonObject().put("op", "submit").put("task", "example.count")
        .put("args", new JsonObject().put("to", to).put("stepMs", stepMs));
    if (key != null) {
      request.put("idempotencyKey", key);
    }
    String id = ((JsonObject) client.requestSync("tasks", request, Duration.ofSeconds(10))).getString("id");
    assertNotNull(id);
    return id;
  }

  private static JsonObject status(ConduitClient client, String id) {
    return (JsonObject) client.requestSync("tasks", new JsonObject().put("op", "status").put("id", id),
        Duration.ofSeconds(10));
  }

  private static void await(BooleanSupplier condition, String what) {
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out after " + WAIT.toSeconds() + " s waiting for " + what);
      }
      LockSupport.parkNanos(50_000_000);
    }
  }
}
