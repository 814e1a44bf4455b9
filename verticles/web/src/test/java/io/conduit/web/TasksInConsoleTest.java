package io.conduit.web;

import io.conduit.task.TaskQueueVerticle;
import io.conduit.web.tasks.StepsForRest;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.time.Duration;
import java.util.concurrent.locks.LockSupport;

import static io.conduit.web.CallApiTest.assertError;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The console serves the task queue's REST API at /api/tasks, under its own rules. */
@ExtendWith(VertxExtension.class)
class TasksInConsoleTest {

  private WebFixture web;

  @BeforeEach
  void start(Vertx vertx) throws Exception {
    web = new WebFixture(vertx);
    web.deployAndWait(new JsonObject());
  }

  @Test
  void withoutAQueueTheTaskApiSaysNoHandlers() throws Exception {
    assertError(web.getNow("/api/tasks"), 404, "NO_HANDLERS");
  }

  @Test
  void aTaskSubmittedThroughTheConsoleRunsAndIsListed(Vertx vertx) throws Exception {
    deployQueue(vertx);
    HttpResponse<Buffer> submitted = web.postNow("/api/tasks",
        new JsonObject().put("task", "steps").put("args", new JsonObject().put("steps", 3).put("stepMs", 1)));
    assertEquals(202, submitted.statusCode(), submitted.bodyAsString());
    String location = submitted.getHeader("Location");
    assertTrue(location.startsWith("/api/tasks/"), location);
    long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
    String state = null;
    while (System.nanoTime() < deadline && !"SUCCESS".equals(state)) {
      state = web.getNow(location).bodyAsJsonObject().getString("state");
      LockSupport.parkNanos(Duration.ofMillis(20).toNanos());
    }
    assertEquals("SUCCESS", state);
    JsonObject listed = web.getNow("/api/tasks").bodyAsJsonObject();
    assertEquals("steps", listed.getJsonArray("tasks").getJsonObject(0).getString("task"));
  }

  @Test
  void theConsoleListsTheNewestTasksFirstWhenAsked(Vertx vertx) throws Exception {
    deployQueue(vertx);
    String first = web.postNow("/api/tasks", new JsonObject().put("task", "steps")
        .put("args", new JsonObject().put("steps", 1).put("stepMs", 1))).bodyAsJsonObject().getString("id");
    String second = web.postNow("/api/tasks", new JsonObject().put("task", "steps")
        .put("args", new JsonObject().put("steps", 1).put("stepMs", 1))).bodyAsJsonObject().getString("id");
    io.vertx.core.json.JsonArray oldest = web.getNow("/api/tasks").bodyAsJsonObject().getJsonArray("tasks");
    io.vertx.core.json.JsonArray newest = web.getNow("/api/tasks?newest=true&limit=1").bodyAsJsonObject()
        .getJsonArray("tasks");
    assertEquals(first, oldest.getJsonObject(0).getString("id"));
    assertEquals(1, newest.size());
    assertEquals(second, newest.getJsonObject(0).getString("id"));
    assertError(web.getNow("/api/tasks?newest=maybe"), 400, "BAD_REQUEST");
  }

  @Test
  void anUnknownTaskIsABadRequestInTheConsolesErrorShape(Vertx vertx) throws Exception {
    deployQueue(vertx);
    assertError(web.postNow("/api/tasks", new JsonObject().put("task", "no.such.task")), 400, "BAD_REQUEST");
  }

  private static void deployQueue(Vertx vertx) throws Exception {
    JsonObject config = new JsonObject().put("address", "tasks")
        .put("handlers", new JsonObject().put("steps", StepsForRest.class.getName()));
    WebFixture.await(vertx.deployVerticle(new TaskQueueVerticle(), new DeploymentOptions().setConfig(config)));
  }
}
