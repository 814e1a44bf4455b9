package io.conduit.builtin;

import io.conduit.task.TaskQueueVerticle;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The example tasks as the default deployment registers them. */
class DemoTasksTest {

  private Vertx vertx;

  @BeforeEach
  void deploy() throws Exception {
    vertx = Vertx.vertx();
    JsonObject config = new JsonObject().put("address", "tasks").put("handlers", new JsonObject()
        .put("example.count", CountTask.class.getName()).put("example.train", TrainTask.class.getName()));
    await(vertx.deployVerticle(new TaskQueueVerticle(), new DeploymentOptions().setConfig(config)));
  }

  @AfterEach
  void close() throws Exception {
    await(vertx.close());
  }

  @Test
  void countCountsToNWithProgressEachStep() throws Exception {
    JsonObject done = run(new JsonObject().put("task", "example.count")
        .put("args", new JsonObject().put("to", 5).put("stepMs", 1)));
    assertEquals(new JsonObject().put("count", 5), done.getJsonObject("result"));
    assertEquals(5L, done.getJsonObject("progress").getLong("total"));
  }

  @Test
  void trainReportsStepsOfEpochsAndALoss() throws Exception {
    JsonObject done = run(new JsonObject().put("task", "example.train")
        .put("args", new JsonObject().put("epochs", 2).put("stepsPerEpoch", 3).put("stepMs", 1)));
    assertEquals(6, done.getJsonObject("result").getInteger("steps"));
    assertTrue(done.getJsonObject("progress").getString("message").startsWith("epoch 2/2, loss "),
        done.encode());
  }

  @Test
  void badArgumentsAreRefusedAtSubmit() {
    ExecutionException e = assertThrows(ExecutionException.class, () -> await(vertx.eventBus().request("tasks",
        new JsonObject().put("op", "submit").put("task", "example.count").put("args", new JsonObject().put("to", -1)))));
    ReplyException reply = assertInstanceOf(ReplyException.class, e.getCause());
    assertEquals(400, reply.failureCode());
    assertTrue(reply.getMessage().contains("'to'"), reply.getMessage());
  }

  private JsonObject run(JsonObject submit) throws Exception {
    String id = ((JsonObject) await(vertx.eventBus().request("tasks", submit.put("op", "submit"))).body())
        .getString("id");
    long deadline = System.nanoTime() + 10_000_000_000L;
    while (System.nanoTime() < deadline) {
      JsonObject s = (JsonObject) await(vertx.eventBus().request("tasks", new JsonObject().put("op", "status")
          .put("id", id))).body();
      if ("SUCCESS".equals(s.getString("state"))) {
        return s;
      }
      LockSupport.parkNanos(10_000_000);
    }
    throw new AssertionError("task " + id + " did not succeed in 10 s");
  }

  private static <T> T await(Future<T> f) throws Exception {
    return f.toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
  }
}
