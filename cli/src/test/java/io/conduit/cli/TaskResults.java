package io.conduit.cli;

import io.conduit.client.ConduitClient;
import io.conduit.task.TaskState;
import io.vertx.core.json.JsonObject;

import java.time.Duration;
import java.util.concurrent.locks.LockSupport;

/** Submitting a task through a bridge and waiting for its outcome, for the tests that run real nodes. */
final class TaskResults {

  private TaskResults() {
  }

  /** Submits {@code task} with {@code args} to the queue at {@code tasks}; returns its status once it ended, or at 30 s. */
  static JsonObject run(ConduitClient client, String tasks, String task, JsonObject args) {
    String id = ((JsonObject) client.requestSync(tasks, new JsonObject().put("op", "submit").put("task", task)
        .put("args", args), Duration.ofSeconds(10))).getString("id");
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    JsonObject status;
    do {
      LockSupport.parkNanos(50_000_000);
      status = (JsonObject) client.requestSync(tasks, new JsonObject().put("op", "status").put("id", id),
          Duration.ofSeconds(10));
    } while (!TaskState.valueOf(status.getString("state")).finished() && System.nanoTime() < deadline);
    return status;
  }
}
