package io.conduit.task;

import io.conduit.codec.ErrorCode;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.JsonObject;

import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** A task queue on a standalone Vert.x with fast timings, and blocking calls to it from the test thread. */
final class TaskQueueFixture {

  final Vertx vertx;
  final String address = "tasks-" + UUID.randomUUID().toString().substring(0, 8);

  TaskQueueFixture(Vertx vertx) {
    this.vertx = vertx;
  }

  /** The config the tests start from: test handlers, 2 workers, short lease, sweep and back-off. */
  JsonObject config() {
    return new JsonObject().put("address", address)
        .put("handlers", new JsonObject()
            .put("steps", TestTasks.Steps.class.getName())
            .put("until.cancelled", TestTasks.UntilCancelled.class.getName())
            .put("sleeper", TestTasks.Sleeper.class.getName())
            .put("flaky", TestTasks.Flaky.class.getName())
            .put("not.json", TestTasks.NotJson.class.getName())
            .put("broken.validate", TestTasks.BrokenValidate.class.getName()))
        .put("workers", 2).put("leaseMs", 600).put("sweepMs", 50).put("retryBackoffMs", 100);
  }

  String deploy(JsonObject config) {
    return await(vertx.deployVerticle(new TaskQueueVerticle(), new DeploymentOptions().setConfig(config)));
  }

  JsonObject call(JsonObject request) {
    return await(vertx.eventBus().<JsonObject>request(address, request).map(m -> m.body()));
  }

  /** Submits and returns the id. */
  String submit(String task, JsonObject args) {
    return submit(new JsonObject().put("task", task).put("args", args));
  }

  String submit(JsonObject request) {
    return call(request.copy().put("op", "submit")).getString("id");
  }

  JsonObject status(String id) {
    return call(new JsonObject().put("op", "status").put("id", id));
  }

  /** The failure a request gets, after checking its code. */
  ReplyException fails(JsonObject request, ErrorCode code) {
    ExecutionException e = assertThrows(ExecutionException.class, () -> vertx.eventBus().request(address, request)
        .toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS));
    ReplyException reply = assertInstanceOf(ReplyException.class, e.getCause());
    assertEquals(code.status(), reply.failureCode(), reply.getMessage());
    return reply;
  }

  /** Polls status until the task is in {@code state}; fails with the last status seen. */
  JsonObject awaitState(String id, TaskState state, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    JsonObject last = null;
    while (System.nanoTime() < deadline) {
      last = status(id);
      if (state.name().equals(last.getString("state"))) {
        return last;
      }
      LockSupport.parkNanos(10_000_000);
    }
    throw new AssertionError("task " + id + " not " + state + " within " + timeout + "; last status " + last);
  }

  static <T> T await(Future<T> future) {
    try {
      return future.toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof RuntimeException r) {
        throw r;
      }
      throw new IllegalStateException(e.getCause());
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
