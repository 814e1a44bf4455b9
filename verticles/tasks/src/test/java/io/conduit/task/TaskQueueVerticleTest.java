package io.conduit.task;

import io.conduit.codec.ErrorCode;
import io.conduit.node.Components;
import io.conduit.store.StoreHealth;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The task queue's state machine on one node: submit, run, progress, cancel, retry, time limit, expiry. */
class TaskQueueVerticleTest {

  private static final Duration WAIT = Duration.ofSeconds(10);

  private Vertx vertx;
  private TaskQueueFixture q;

  @BeforeEach
  void start() {
    vertx = Vertx.vertx();
    q = new TaskQueueFixture(vertx);
  }

  @AfterEach
  void stop() {
    TaskQueueFixture.await(vertx.close());
  }

  private static String key() {
    return UUID.randomUUID().toString();
  }

  private static JsonObject steps(String key, int steps, long stepMs) {
    return new JsonObject().put("key", key).put("steps", steps).put("stepMs", stepMs);
  }

  @Test
  void aSubmittedTaskRunsToSuccessWithItsResultAndTimes() {
    q.deploy(q.config());
    String id = q.submit("steps", steps(key(), 3, 0));

    JsonObject done = q.awaitState(id, TaskState.SUCCESS, WAIT);
    assertEquals(new JsonObject().put("steps", 3).put("attempt", 1), done.getJsonObject("result"));
    assertEquals(1, done.getInteger("attempts"));
    assertEquals(new JsonObject().put("current", 3L).put("total", 3L).put("message", "step 3").put("report", 3L),
        done.getJsonObject("progress"), "the last of three reports");
    long submitted = done.getLong("submittedAt");
    assertTrue(done.getLong("startedAt") >= submitted && done.getLong("finishedAt") >= done.getLong("startedAt"),
        done.encode());
  }

  @Test
  void everyStateAndProgressChangeIsPublishedOnTheQueueAndTheTaskEventAddresses() {
    q.deploy(q.config());
    List<JsonObject> all = new CopyOnWriteArrayList<>();
    List<JsonObject> own = new CopyOnWriteArrayList<>();
    MessageConsumer<JsonObject> c1 = vertx.eventBus().consumer(q.address + ".events", m -> all.add(m.body()));
    String id = q.submit("steps", steps(key(), 2, 20));
    MessageConsumer<JsonObject> c2 = vertx.eventBus().consumer(q.address + ".events." + id, m -> own.add(m.body()));
    q.awaitState(id, TaskState.SUCCESS, WAIT);
    awaitTrue(() -> own.stream().anyMatch(e -> "SUCCESS".equals(e.getString("state"))), "SUCCESS event");

    List<String> states = all.stream().filter(e -> id.equals(e.getString("id"))).map(e -> e.getString("state")).toList();
    assertEquals("PENDING", states.get(0), states.toString());
    assertEquals("STARTED", states.get(1), states.toString());
    assertEquals("SUCCESS", states.get(states.size() - 1), states.toString());
    assertTrue(own.stream().anyMatch(e -> "PROGRESS".equals(e.getString("state"))
        && e.getJsonObject("progress").getLong("current") == 2 && e.getJsonObject("progress").getLong("total") == 2),
        own.toString());
    // numbered in the order they were made, whatever their steps say
    assertEquals(List.of(1L, 2L), own.stream().filter(e -> "PROGRESS".equals(e.getString("state")))
        .map(e -> e.getJsonObject("progress").getLong("report")).toList(), own.toString());
    c1.unregister();
    c2.unregister();
  }

  @Test
  void anUnknownTaskNameIsRefusedAtSubmit() {
    q.deploy(q.config());
    String message = q.fails(new JsonObject().put("op", "submit").put("task", "no.such.task"), ErrorCode.BAD_REQUEST)
        .getMessage();
    assertTrue(message.contains("unknown task 'no.such.task'") && message.contains("steps"), message);
  }

  @Test
  void aLongInputIsQuotedInItsErrorCutShort() {
    q.deploy(q.config());
    String huge = "x".repeat(100_000);
    String unknown = q.fails(new JsonObject().put("op", "submit").put("task", huge), ErrorCode.BAD_REQUEST).getMessage();
    assertTrue(unknown.contains("unknown task 'xxx") && unknown.contains("... (100000 characters)'"), unknown);
    assertTrue(unknown.length() < 400, unknown.length() + " characters");
    String key = q.fails(new JsonObject().put("op", "submit").put("task", "steps").put("idempotencyKey", huge),
        ErrorCode.BAD_REQUEST).getMessage();
    assertTrue(key.contains("got \"xxx") && key.contains("... (100002 characters)"), key);
    assertTrue(key.length() < 400, key.length() + " characters");
  }

  @Test
  void argumentsTheHandlerRejectsAreRefusedAtSubmit() {
    q.deploy(q.config());
    String message = q.fails(new JsonObject().put("op", "submit").put("task", "steps")
        .put("args", new JsonObject().put("steps", "many")), ErrorCode.BAD_REQUEST).getMessage();
    assertTrue(message.contains("'steps' must be"), message);
  }

  @Test
  void aHandlerWhoseValidateFailsOnItsOwnBugIsAnsweredAtOnceAndNothingIsSubmitted() {
    q.deploy(q.config());
    String message = q.fails(new JsonObject().put("op", "submit").put("task", "broken.validate"), ErrorCode.INTERNAL)
        .getMessage();
    assertTrue(message.contains("task 'broken.validate': its handler's validate failed with "
        + "java.lang.NullPointerException") && message.contains("nothing was submitted"), message);
    String error = q.fails(new JsonObject().put("op", "submit").put("task", "broken.validate")
        .put("args", new JsonObject().put("assert", true)), ErrorCode.INTERNAL).getMessage();
    assertTrue(error.contains("its handler's validate failed with java.lang.AssertionError"), error);
    assertEquals(0, q.call(new JsonObject().put("op", "list")).getJsonArray("tasks").size());
  }

  @Test
  void malformedRequestsAreRefusedWithACodeAndTheQueueKeepsServing() {
    q.deploy(q.config());
    q.fails(new JsonObject().put("op", "submit"), ErrorCode.BAD_REQUEST);
    q.fails(new JsonObject().put("op", "submit").put("task", "steps").put("args", new JsonArray()), ErrorCode.BAD_REQUEST);
    q.fails(new JsonObject().put("op", "submit").put("task", "steps").put("maxRetries", -1), ErrorCode.BAD_REQUEST);
    q.fails(new JsonObject().put("op", "submit").put("task", "steps").put("priority", 1), ErrorCode.BAD_REQUEST);
    q.fails(new JsonObject().put("op", "status"), ErrorCode.BAD_REQUEST);
    q.fails(new JsonObject().put("op", "explode"), ErrorCode.BAD_REQUEST);
    q.fails(new JsonObject().put("op", "list").put("state", "DONE"), ErrorCode.BAD_REQUEST);
    q.fails(new JsonObject().put("op", "list").put("limit", 0), ErrorCode.BAD_REQUEST);
    String m = TaskQueueFixture.await(vertx.eventBus().request(q.address, "status please")
        .<String>transform(ar -> io.vertx.core.Future.succeededFuture(ar.cause().getMessage())));
    assertTrue(m.contains("\"op\""), m);

    String id = q.submit("steps", steps(key(), 1, 0));
    q.awaitState(id, TaskState.SUCCESS, WAIT);
  }

  @Test
  void aBadConfigFailsTheDeploymentNamingTheField() {
    String message = assertThrowsMessage(() -> q.deploy(q.config().put("handlers",
        new JsonObject().put("x", "io.conduit.NoSuchClass"))));
    assertTrue(message.contains("io.conduit.NoSuchClass") && message.contains("'x'"), message);
    message = assertThrowsMessage(() -> q.deploy(q.config().put("workers", 0)));
    assertTrue(message.contains("workers"), message);
  }

  @Test
  void theStatusOfAnUnknownIdIsNotFound() {
    q.deploy(q.config());
    String message = q.fails(new JsonObject().put("op", "status").put("id", "no-such-id"), ErrorCode.NOT_FOUND)
        .getMessage();
    assertTrue(message.contains("no-such-id"), message);
    q.fails(new JsonObject().put("op", "cancel").put("id", "no-such-id"), ErrorCode.NOT_FOUND);
  }

  @Test
  void cancellingAQueuedTaskRevokesItAtOnceAndItNeverRuns() {
    q.deploy(q.config().put("workers", 1));
    String blocker = key();
    String busy = q.submit("until.cancelled", new JsonObject().put("key", blocker));
    q.awaitState(busy, TaskState.STARTED, WAIT);
    String queuedKey = key();
    String queued = q.submit("steps", steps(queuedKey, 1, 0));

    JsonObject reply = q.call(new JsonObject().put("op", "cancel").put("id", queued));
    assertEquals("REVOKED", reply.getString("state"));
    assertEquals("REVOKED", q.status(queued).getString("state"));

    q.call(new JsonObject().put("op", "cancel").put("id", busy));
    q.awaitState(busy, TaskState.REVOKED, WAIT);
    assertEquals(0, TestTasks.runs(queuedKey), "a revoked task never runs");
  }

  @Test
  void cancellingARunningTaskStopsItsHandlerThenRevokesIt() {
    q.deploy(q.config());
    String k = key();
    String id = q.submit("until.cancelled", new JsonObject().put("key", k));
    q.awaitState(id, TaskState.STARTED, WAIT);

    JsonObject reply = q.call(new JsonObject().put("op", "cancel").put("id", id));
    assertTrue(reply.getBoolean("cancelRequested"), reply.encode());
    JsonObject revoked = q.awaitState(id, TaskState.REVOKED, WAIT);
    assertEquals(Boolean.TRUE, TestTasks.SAW_CANCEL.get(k), "the handler saw the cancellation");
    assertNotNull(revoked.getLong("finishedAt"));
    String message = q.fails(new JsonObject().put("op", "cancel").put("id", id), ErrorCode.CONFLICT).getMessage();
    assertTrue(message.contains("REVOKED"), message);
  }

  @Test
  void aFailingAttemptIsRetriedWithExponentialBackoff() {
    q.deploy(q.config());
    String id = q.submit(new JsonObject().put("task", "flaky").put("maxRetries", 3)
        .put("args", new JsonObject().put("key", key()).put("failures", 2)));

    JsonObject done = q.awaitState(id, TaskState.SUCCESS, WAIT);
    assertEquals("ok on attempt 3", done.getString("result"));
    assertEquals(3, done.getInteger("attempts"));
    long waited = done.getLong("startedAt") - done.getLong("submittedAt");
    assertTrue(waited >= 100 + 200, "back-off of 100 ms then 200 ms before the third attempt, waited " + waited);
  }

  @Test
  void aTaskThatUsesUpItsRetriesFailsWithTheLastError() {
    q.deploy(q.config().put("retryBackoffMs", 10));
    String id = q.submit(new JsonObject().put("task", "flaky").put("maxRetries", 1)
        .put("args", new JsonObject().put("key", key()).put("failures", 5)));

    JsonObject failed = q.awaitState(id, TaskState.FAILURE, WAIT);
    assertEquals(2, failed.getInteger("attempts"));
    assertEquals("IllegalStateException: attempt 2 failed on purpose", failed.getString("error"));
  }

  @Test
  void aResultThatIsNotJsonFailsTheTaskSayingSoWithoutRetries() {
    q.deploy(q.config().put("retryBackoffMs", 10));
    String id = q.submit(new JsonObject().put("task", "not.json").put("maxRetries", 3));

    JsonObject failed = q.awaitState(id, TaskState.FAILURE, WAIT);
    assertTrue(failed.getString("error").contains("not a JSON value"), failed.encode());
    assertEquals(1, failed.getInteger("attempts"), "another attempt would return the same: " + failed.encode());
  }

  @Test
  void aTaskOverItsTimeLimitFailsAndItsHandlerIsToldToStop() {
    q.deploy(q.config());
    String k = key();
    String id = q.submit(new JsonObject().put("task", "until.cancelled").put("timeoutMs", 200).put("maxRetries", 3)
        .put("args", new JsonObject().put("key", k)));

    JsonObject failed = q.awaitState(id, TaskState.FAILURE, WAIT);
    assertEquals("time limit of 200 ms exceeded", failed.getString("error"));
    assertEquals(1, failed.getInteger("attempts"), "a time limit is not retried");
    awaitTrue(() -> TestTasks.SAW_CANCEL.containsKey(k), "the handler was told to stop");
  }

  @Test
  void aHandlerBlockedInAWaitIsInterruptedByItsTimeLimitAndByACancel() {
    q.deploy(q.config());
    String timed = key();
    String id = q.submit(new JsonObject().put("task", "sleeper").put("timeoutMs", 200).put("args",
        new JsonObject().put("key", timed)));
    assertEquals("time limit of 200 ms exceeded", q.awaitState(id, TaskState.FAILURE, WAIT).getString("error"));
    awaitTrue(() -> Boolean.TRUE.equals(TestTasks.SAW_CANCEL.get(timed)), "the blocked handler was interrupted");

    String cancelled = key();
    String running = q.submit("sleeper", new JsonObject().put("key", cancelled));
    q.awaitState(running, TaskState.STARTED, WAIT);
    q.call(new JsonObject().put("op", "cancel").put("id", running));
    q.awaitState(running, TaskState.REVOKED, WAIT);
    awaitTrue(() -> Boolean.TRUE.equals(TestTasks.SAW_CANCEL.get(cancelled)), "the blocked handler was interrupted");
    // the two workers are free again, and not interrupted: a task after them runs whole
    String after = q.submit(new JsonObject().put("task", "steps").put("args", steps(key(), 3, 0)));
    assertEquals(TaskState.SUCCESS.name(), q.awaitState(after, TaskState.SUCCESS, WAIT).getString("state"));
  }

  @Test
  void aFinishedTaskIsRemovedAfterItsResultTtlAndThenIsNotFound() {
    q.deploy(q.config());
    String id = q.submit(new JsonObject().put("task", "steps").put("resultTtlMs", 300)
        .put("args", steps(key(), 1, 0)));
    JsonObject done = q.awaitState(id, TaskState.SUCCESS, WAIT);
    assertEquals(done.getLong("finishedAt") + 300, done.getLong("expiresAt"));

    awaitTrue(() -> {
      try {
        q.status(id);
        return false;
      } catch (io.vertx.core.eventbus.ReplyException e) {
        return e.failureCode() == 404;
      }
    }, "404 after the TTL");
    awaitTrue(() -> TaskQueueFixture.await(TaskRecords.shared(vertx, q.address).compose(r -> r.get(id))) == null,
        "the record is removed from the map");
  }

  @Test
  void theSameIdempotencyKeyReturnsTheSameTaskAndRunsItOnce() {
    q.deploy(q.config());
    String k = key();
    JsonObject request = new JsonObject().put("task", "steps").put("idempotencyKey", "build-42")
        .put("args", steps(k, 1, 0));
    String first = q.submit(request);
    String second = q.submit(request);
    assertEquals(first, second);
    q.awaitState(first, TaskState.SUCCESS, WAIT);
    assertEquals(first, q.submit(request), "still the same task once finished, until it expires");
    assertEquals(1, TestTasks.runs(k));
  }

  @Test
  void aTaskWhoseLeaseRanOutIsRequeuedAndRunsAgainAsItsNextAttempt() {
    q.deploy(q.config());
    TaskRecords records = TaskQueueFixture.await(TaskRecords.shared(vertx, q.address));
    long now = System.currentTimeMillis();
    SubmitRequest request = SubmitRequest.fromJson(new JsonObject().put("task", "steps").put("args", steps(key(), 1, 0)),
        TaskQueueOptions.fromJson(q.config()));
    // As a node that died while running it leaves it: started, lease run out.
    TaskRecord orphan = TaskRecord.submitted("orphan-1", request, now - 5_000, now - 5_000)
        .started("dead-node/1", "lease-of-the-dead", now - 4_000, now - 1_000);
    TaskQueueFixture.await(records.create(orphan));

    JsonObject done = q.awaitState("orphan-1", TaskState.SUCCESS, WAIT);
    assertEquals(2, done.getInteger("attempts"));
    assertEquals(2, done.getJsonObject("result").getInteger("attempt"));
  }

  @Test
  void aQueueInstanceRunsOnlyTasksItHasAHandlerFor() {
    q.deploy(q.config());
    q.deploy(q.config().put("handlers", new JsonObject().put("flaky", TestTasks.Flaky.class.getName())));
    List<String> ids = new java.util.ArrayList<>();
    int refused = 0;
    for (int i = 0; i < 40 && ids.size() < 10; i++) {
      try {
        ids.add(q.submit(new JsonObject().put("task", "steps").put("maxRetries", 0).put("args", steps(key(), 1, 0))));
      } catch (io.vertx.core.eventbus.ReplyException e) {
        assertEquals(400, e.failureCode(), "the instance without the handler refuses at submit");
        refused++;
      }
    }
    assertEquals(10, ids.size());
    assertTrue(refused > 0, "submits reached both instances");
    for (String id : ids) {
      JsonObject done = q.awaitState(id, TaskState.SUCCESS, WAIT);
      assertEquals(1, done.getInteger("attempts"), "never claimed by the instance without the handler");
    }
  }

  @Test
  void listShowsTasksInSubmissionOrderByStatePageByPage() {
    q.deploy(q.config());
    List<String> ids = new java.util.ArrayList<>();
    for (int i = 0; i < 5; i++) {
      ids.add(q.submit("steps", steps(key(), 1, 0)));
    }
    ids.forEach(id -> q.awaitState(id, TaskState.SUCCESS, WAIT));
    String cancelled = q.submit("until.cancelled", new JsonObject().put("key", key()));
    q.call(new JsonObject().put("op", "cancel").put("id", cancelled));
    q.awaitState(cancelled, TaskState.REVOKED, WAIT);

    JsonObject page1 = q.call(new JsonObject().put("op", "list").put("state", "SUCCESS").put("limit", 3));
    JsonObject page2 = q.call(new JsonObject().put("op", "list").put("state", "success").put("limit", 3)
        .put("cursor", page1.getString("cursor")));
    List<Object> seen = new java.util.ArrayList<>();
    page1.getJsonArray("tasks").forEach(t -> seen.add(((JsonObject) t).getString("id")));
    page2.getJsonArray("tasks").forEach(t -> seen.add(((JsonObject) t).getString("id")));
    assertEquals(5, seen.size(), seen.toString());
    assertEquals(new java.util.HashSet<>(ids), new java.util.HashSet<>(seen));
    assertNull(page2.getString("cursor"), "no page after the last");
    JsonArray revoked = q.call(new JsonObject().put("op", "list").put("state", "REVOKED")).getJsonArray("tasks");
    assertEquals(1, revoked.size());
    assertFalse(q.call(new JsonObject().put("op", "list")).getJsonArray("tasks").isEmpty());
  }

  private static String assertThrowsMessage(Runnable r) {
    try {
      r.run();
    } catch (RuntimeException e) {
      return String.valueOf(e.getMessage());
    }
    throw new AssertionError("expected a failure");
  }

  static void awaitTrue(java.util.function.BooleanSupplier condition, String what) {
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (System.nanoTime() < deadline) {
      if (condition.getAsBoolean()) {
        return;
      }
      java.util.concurrent.locks.LockSupport.parkNanos(10_000_000);
    }
    throw new AssertionError("not within " + WAIT + ": " + what);
  }

  @Test
  void queuedTasksNoHandlerHereRunsAreToldOfOnAStandaloneNodeOncePerCount() {
    java.util.logging.Logger sweeperLog = java.util.logging.Logger.getLogger(Sweeper.class.getName());
    List<String> told = new CopyOnWriteArrayList<>();
    java.util.logging.Handler capture = new java.util.logging.Handler() {
      @Override
      public void publish(java.util.logging.LogRecord r) {
        if (r.getLevel() == java.util.logging.Level.WARNING && r.getMessage().contains("queued task")) {
          told.add(r.getMessage());
        }
      }

      @Override
      public void flush() {
      }

      @Override
      public void close() {
      }
    };
    sweeperLog.addHandler(capture);
    try {
      // two tasks wait a minute to retry, then the queue comes back without their handler
      String first = q.deploy(q.config().put("retryBackoffMs", 60_000));
      List<String> ids = List.of(q.submit("flaky", new JsonObject().put("key", key()).put("failures", 1)),
          q.submit("flaky", new JsonObject().put("key", key()).put("failures", 1)));
      for (String id : ids) {
        q.awaitState(id, TaskState.RETRY, WAIT);
      }
      TaskQueueFixture.await(q.vertx.undeploy(first));
      q.deploy(q.config().put("handlers", new JsonObject().put("steps", TestTasks.Steps.class.getName())));

      awaitTrue(() -> !told.isEmpty(), "the queued tasks told of");
      assertEquals("task queue '" + q.address + "': 2 queued tasks of 'flaky' cannot run: this node's queue has no "
          + "handler of that name (it runs: steps); add the handler to the queue's handlers and restart, or cancel "
          + "them", told.get(0));
      for (long until = System.nanoTime() + 500_000_000L; System.nanoTime() < until; ) {
        assertEquals(1, told.size(), "told again at a later sweep (every 50 ms): " + told);
        java.util.concurrent.locks.LockSupport.parkNanos(10_000_000);
      }
      q.call(new JsonObject().put("op", "cancel").put("id", ids.get(0)));
      for (long until = System.nanoTime() + 300_000_000L; System.nanoTime() < until; ) {
        assertEquals(1, told.size(), "a smaller count is not told again at once: " + told);
        java.util.concurrent.locks.LockSupport.parkNanos(10_000_000);
      }
    } finally {
      sweeperLog.removeHandler(capture);
    }
  }

  @Test
  void theNodesHealthCheckFindsTheQueueWhileItIsDeployed() {
    String id = q.deploy(q.config());
    List<StoreHealth> stores = Components.of(q.vertx, StoreHealth.class);
    assertEquals(1, stores.size());
    assertNull(stores.get(0).storageFailure(), "serving");
    TaskQueueFixture.await(q.vertx.undeploy(id));
    assertTrue(Components.of(q.vertx, StoreHealth.class).isEmpty());
  }
}
