package io.conduit.pipeline;

import io.conduit.Conditions;

import io.conduit.deploy.DeploymentPlan;
import io.conduit.deploy.RunningServices;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Pipelines deployed from a deployment file, driven over the event bus. */
@ExtendWith(VertxExtension.class)
class PipelineVerticleTest {

  private static final String APPEND = TestStages.Append.class.getName();

  static <T> T await(Future<T> future) throws Exception {
    return future.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
  }

  static void deploy(Vertx vertx, String deploymentJson) throws Exception {
    await(new RunningServices(vertx).deploy(DeploymentPlan.parse(deploymentJson, "test.json")));
  }

  /** step1 → step2 → last, each appending its name; step2 refuses jobs containing "poison". */
  static String chain(String extra) {
    return """
        {"pipelines": [{"name": "chain", %s "stages": [
          {"name": "step1", "verticle": "%s", "instances": 2, "config": {"suffix": "1", "delayMs": 50}},
          {"name": "step2", "verticle": "%s", "config": {"suffix": "2", "failOn": "poison"}},
          {"name": "last", "verticle": "%s", "config": {"suffix": "3"}}]}]}
        """.formatted(extra, APPEND, APPEND, APPEND);
  }

  private static ReplyException failure(Vertx vertx, String address, Object body) {
    ExecutionException e = assertThrows(ExecutionException.class,
        () -> await(vertx.eventBus().request(address, body)));
    return assertInstanceOf(ReplyException.class, e.getCause());
  }

  @Test
  void aJobPassesEveryStageInOrderAndTheResultReturnsToTheRequester(Vertx vertx) throws Exception {
    deploy(vertx, chain(""));
    assertEquals("job>1>2>3", await(vertx.eventBus().request("pipeline.chain", "job")).body());
  }

  @Test
  void concurrentJobsFinishOutOfOrderEachWithItsOwnResult(Vertx vertx) throws Exception {
    deploy(vertx, chain(""));
    List<String> finished = new ArrayList<>();
    Future<Message<Object>> slow = vertx.eventBus().request("pipeline.chain", "slow")
        .andThen(r -> finished.add((String) r.result().body()));
    Future<Message<Object>> fast = vertx.eventBus().request("pipeline.chain", "fast")
        .andThen(r -> finished.add((String) r.result().body()));
    await(Future.all(slow, fast));
    synchronized (finished) {
      assertEquals(List.of("fast>1>2>3", "slow>1>2>3"), finished);
    }
  }

  @Test
  void aFailingStageIsNamedInTheErrorAndKeepsItsCode(Vertx vertx) throws Exception {
    deploy(vertx, chain(""));
    ReplyException e = failure(vertx, "pipeline.chain", "poison");
    assertEquals(400, e.failureCode());
    assertEquals("stage 2 (step2) failed: cannot handle 'poison>1'", e.getMessage());
    assertEquals("ok>1>2>3", await(vertx.eventBus().request("pipeline.chain", "ok")).body(), "still serving");
  }

  @Test
  void aStageWithoutConsumersOrWithoutAnswerIsNamed(Vertx vertx) throws Exception {
    deploy(vertx, """
        {"pipelines": [{"name": "mute", "stageTimeoutMs": 200, "stages": [{"verticle": "%s"}]}]}
        """.formatted(TestStages.Silent.class.getName()));
    vertx.eventBus().consumer("first", m -> PipelineJob.of(m).pass(vertx.eventBus(), m.body()));
    JsonObject gapConfig = new JsonObject().put("name", "gap").put("stages", new JsonArray()
        .add(new JsonObject().put("address", "first"))
        .add(new JsonObject().put("name", "Count").put("address", "nobody.listens")));
    await(vertx.deployVerticle(new PipelineVerticle(), new DeploymentOptions().setConfig(gapConfig)));
    ReplyException gap = failure(vertx, "pipeline.gap", "x");
    assertEquals(503, gap.failureCode());
    assertEquals("stage 2 (Count) failed: no consumer is registered for 'nobody.listens'", gap.getMessage());
    ReplyException mute = failure(vertx, "pipeline.mute", "x");
    assertEquals(504, mute.failureCode());
    assertEquals("stage 1 (Silent) failed: no reply from 'pipeline.mute.1' within 200 ms", mute.getMessage());
  }

  @Test
  void noJobIsLostOrDuplicatedOver50kStreamedJobs(Vertx vertx) throws Exception {
    TestStages.Count.SEEN.set(0);
    deploy(vertx, """
        {"pipelines": [{"name": "stream", "maxInFlight": 2000, "stages": [
          {"verticle": "%s", "instances": 2}, {"verticle": "%s"}, {"verticle": "%s", "instances": 2}]}]}
        """.formatted(TestStages.Count.class.getName(), TestStages.Count.class.getName(),
        TestStages.Count.class.getName()));
    int jobs = 50_000;
    Semaphore window = new Semaphore(1000);
    Map<Integer, Integer> replies = new ConcurrentHashMap<>();
    AtomicInteger wrong = new AtomicInteger();
    AtomicInteger failed = new AtomicInteger();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    for (int i = 0; i < jobs; i++) {
      assertTrue(window.tryAcquire(deadline - System.nanoTime(), TimeUnit.NANOSECONDS), "stalled at job " + i);
      int id = i;
      vertx.eventBus().request("pipeline.stream", id).onComplete(r -> {
        if (r.failed()) {
          failed.incrementAndGet();
        } else if (!Integer.valueOf(id).equals(r.result().body())) {
          wrong.incrementAndGet();
        }
        replies.merge(id, 1, Integer::sum);
        window.release();
      });
    }
    assertTrue(window.tryAcquire(1000, deadline - System.nanoTime(), TimeUnit.NANOSECONDS), "replies missing");
    assertEquals(0, failed.get());
    assertEquals(0, wrong.get());
    assertEquals(jobs, replies.size());
    assertTrue(replies.values().stream().allMatch(n -> n == 1), "a job answered twice");
    assertEquals(3 * jobs, TestStages.Count.SEEN.get(), "every stage saw every job once");
  }

  @Test
  void inFlightJobsAreBoundedUnderAFloodAndTheRestAreRefusedWith429(Vertx vertx) throws Exception {
    TestStages.Hold.reset();
    deploy(vertx, """
        {"pipelines": [{"name": "flood", "maxInFlight": 40, "stages": [
          {"verticle": "%s", "instances": 2, "config": {"holdMs": 20}}]}]}
        """.formatted(TestStages.Hold.class.getName()));
    int sent = 3000;
    List<Future<Message<Object>>> all = new ArrayList<>();
    for (int i = 0; i < sent; i++) {
      all.add(vertx.eventBus().request("pipeline.flood", "job-" + i));
    }
    await(Future.join(all).otherwiseEmpty());
    int ok = 0;
    int refused = 0;
    for (int i = 0; i < sent; i++) {
      Future<Message<Object>> f = all.get(i);
      if (f.succeeded()) {
        assertEquals("job-" + i, f.result().body());
        ok++;
      } else {
        ReplyException e = assertInstanceOf(ReplyException.class, f.cause());
        assertEquals(429, e.failureCode());
        assertEquals("pipeline 'flood' has 40 jobs in flight on this node, its limit (maxInFlight); retry later",
            e.getMessage());
        refused++;
      }
    }
    assertTrue(TestStages.Hold.MOST.get() <= 40, "held at once: " + TestStages.Hold.MOST.get());
    assertTrue(refused > 0 && ok >= 40, ok + " ok, " + refused + " refused");
    assertEquals(ok, TestStages.Hold.SEEN.get(), "refused jobs never reached a stage");
  }

  @Test
  void entryInstancesAdmitUpToMaxInFlightTogetherWhicheverGetsTheJob(Vertx vertx) throws Exception {
    TestStages.Gate.reset(); // "slow" jobs stay in flight until it opens
    deploy(vertx, """
        {"pipelines": [{"name": "shared", "maxInFlight": 2, "entryInstances": 2, "stages": [
          {"verticle": "%s", "config": {"suffix": "1"}}]}]}
        """.formatted(TestStages.Gate.class.getName()));
    // the entry instances take requests in turn: the first and the third job reach the same one
    Future<Message<Object>> slow = vertx.eventBus().request("pipeline.shared", "slow-a");
    assertEquals("quick-b>1", await(vertx.eventBus().request("pipeline.shared", "quick-b")).body());
    assertEquals("quick-c>1", await(vertx.eventBus().request("pipeline.shared", "quick-c")).body(),
        "one job in flight of two allowed: admitted, whichever instance holds the other");
    // with slow-a held, one more job fits, whichever instance it reaches first
    Future<Message<Object>> d = vertx.eventBus().request("pipeline.shared", "slow-d");
    Future<Message<Object>> e = vertx.eventBus().request("pipeline.shared", "slow-e");
    Conditions.await(10_000, () -> d.failed() || e.failed(), () -> "neither slow-d nor slow-e was refused");
    Future<Message<Object>> admitted = d.failed() ? e : d;
    ReplyException refused = assertInstanceOf(ReplyException.class, d.failed() ? d.cause() : e.cause());
    assertEquals(429, refused.failureCode(), refused.getMessage());
    TestStages.Gate.open.complete(null);
    assertEquals("slow-a>1", await(slow).body());
    assertTrue(String.valueOf(await(admitted).body()).matches("slow-[de]>1"), "the one admitted finishes");
  }

  @Test
  void aJobMakesOneHopPerStageAndNoStageAnswersTheOneBefore(Vertx vertx) throws Exception {
    deploy(vertx, chain(""));
    await(vertx.eventBus().request("pipeline.chain", "warm")); // the first job may find addresses unresolved
    List<Message<Object>> sent = Collections.synchronizedList(new ArrayList<>());
    vertx.eventBus().addOutboundInterceptor(delivery -> {
      sent.add(delivery.message());
      delivery.next();
    });
    assertEquals("job>1>2>3", await(vertx.eventBus().request("pipeline.chain", "job")).body());
    synchronized (sent) {
      List<String> addresses = sent.stream().map(Message::address).toList();
      assertEquals(6, addresses.size(), "request, 3 stages, the outcome to the entry, the reply: " + addresses);
      assertEquals(List.of("pipeline.chain", "pipeline.chain.1", "pipeline.chain.2", "pipeline.chain.3"),
          addresses.subList(0, 4));
      assertTrue(addresses.get(4).startsWith("pipeline.chain.results."), addresses.get(4));
      assertEquals(sent.get(0).replyAddress(), addresses.get(5), "the last message is the reply to the requester");
      for (Message<Object> hop : sent.subList(1, 5)) {
        assertNull(hop.replyAddress(), "a hop is a send, not a request: " + hop.address());
      }
    }
  }

  @Test
  void aJobFailedByAStageNeverReachesTheStagesAfterIt(Vertx vertx) throws Exception {
    TestStages.Count.SEEN.set(0);
    deploy(vertx, """
        {"pipelines": [{"name": "cut", "stages": [
          {"name": "gate", "verticle": "%s", "config": {"suffix": "g", "failOn": "bad"}},
          {"name": "after", "verticle": "%s"}]}]}
        """.formatted(APPEND, TestStages.Count.class.getName()));
    ReplyException e = failure(vertx, "pipeline.cut", "bad");
    assertEquals(400, e.failureCode());
    assertEquals("stage 1 (gate) failed: cannot handle 'bad'", e.getMessage());
    assertEquals(0, TestStages.Count.SEEN.get());
    assertEquals("ok>g", await(vertx.eventBus().request("pipeline.cut", "ok")).body());
  }

  @Test
  void aStuckMiddleStageTimesOutNamedAndFreesTheJobsPlace(Vertx vertx) throws Exception {
    deploy(vertx, """
        {"pipelines": [{"name": "stuck", "maxInFlight": 1, "stageTimeoutMs": 300, "stages": [
          {"name": "before", "verticle": "%1$s", "config": {"suffix": "b"}},
          {"name": "hang", "verticle": "%2$s"},
          {"name": "after", "verticle": "%1$s", "config": {"suffix": "a"}}]}]}
        """.formatted(APPEND, TestStages.Silent.class.getName()));
    for (int i = 0; i < 2; i++) { // the second job is admitted: the first one's place was freed
      long start = System.nanoTime();
      ReplyException e = failure(vertx, "pipeline.stuck", "job" + i);
      long tookMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
      assertEquals(504, e.failureCode());
      assertEquals("stage 2 (hang) failed: no reply from 'pipeline.stuck.2' within 300 ms", e.getMessage());
      assertTrue(tookMs >= 300 && tookMs < 1200, "took " + tookMs + " ms");
    }
  }

  @Test
  void aStageThatRepliesInsteadOfPassingTheJobOnFailsTheJobAfterTheWholePipelinesTime(Vertx vertx) throws Exception {
    vertx.eventBus().consumer("replies", m -> m.reply(m.body()));
    JsonObject config = new JsonObject().put("name", "old").put("stageTimeoutMs", 100).put("stages", new JsonArray()
        .add(new JsonObject().put("address", "replies")));
    await(vertx.deployVerticle(new PipelineVerticle(), new DeploymentOptions().setConfig(config)));
    long start = System.nanoTime();
    ReplyException e = failure(vertx, "pipeline.old", "x");
    long tookMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
    assertEquals(504, e.failureCode());
    assertEquals("pipeline 'old' got no result within 200 ms: a stage neither passed the job on nor failed it "
        + "(its node left, it is blocked, or it replies instead of passing jobs on)", e.getMessage());
    assertTrue(tookMs >= 200 && tookMs < 2000, "took " + tookMs + " ms");
  }

  @Test
  void jobsInFlightAcrossThreeStagesStayBoundedAndTheRestAreRefusedWith429(Vertx vertx) throws Exception {
    TestStages.Hold.reset();
    TestStages.Count.SEEN.set(0);
    deploy(vertx, """
        {"pipelines": [{"name": "deep", "maxInFlight": 30, "stages": [
          {"verticle": "%1$s"}, {"verticle": "%2$s", "instances": 2, "config": {"holdMs": 20}}, {"verticle": "%1$s"}]}]}
        """.formatted(TestStages.Count.class.getName(), TestStages.Hold.class.getName()));
    List<Future<Message<Object>>> all = new ArrayList<>();
    for (int i = 0; i < 2000; i++) {
      all.add(vertx.eventBus().request("pipeline.deep", i));
    }
    await(Future.join(all).otherwiseEmpty());
    long ok = all.stream().filter(Future::succeeded).count();
    for (Future<Message<Object>> f : all) {
      if (f.failed()) {
        assertEquals(429, assertInstanceOf(ReplyException.class, f.cause()).failureCode());
      }
    }
    assertTrue(TestStages.Hold.MOST.get() <= 30, "held at once: " + TestStages.Hold.MOST.get());
    assertTrue(ok >= 30 && ok < all.size(), ok + " ok");
    assertEquals(2 * ok, TestStages.Count.SEEN.get(), "only admitted jobs reached the stages");
  }

  @Test
  void aStageAskedDirectlyAnswersLikeAService(Vertx vertx) throws Exception {
    deploy(vertx, chain(""));
    assertEquals("x>2", await(vertx.eventBus().request("pipeline.chain.2", "x")).body());
    ReplyException e = failure(vertx, "pipeline.chain.2", "poison");
    assertEquals(400, e.failureCode());
    assertEquals("cannot handle 'poison'", e.getMessage());
  }

  @Test
  void aStageUndeployedWhileHoldingAJobFailsItAtOnceNamed(Vertx vertx) throws Exception {
    String stage = await(vertx.deployVerticle(new TestStages.Hold(), new DeploymentOptions()
        .setConfig(new JsonObject().put("address", "held").put("holdMs", 20_000))));
    JsonObject config = new JsonObject().put("name", "held").put("stages", new JsonArray()
        .add(new JsonObject().put("name", "holder").put("address", "held")));
    await(vertx.deployVerticle(new PipelineVerticle(), new DeploymentOptions().setConfig(config)));
    TestStages.Hold.reset();
    Future<Message<Object>> job = vertx.eventBus().request("pipeline.held", "job");
    Conditions.await(10_000, () -> TestStages.Hold.CURRENT.get() >= 1, () -> "the stage never got the job");
    await(vertx.undeploy(stage));
    ReplyException e = assertInstanceOf(ReplyException.class,
        assertThrows(ExecutionException.class, () -> await(job)).getCause());
    assertEquals(503, e.failureCode());
    assertEquals("stage 1 (holder) failed: the stage stopped before it finished the job", e.getMessage());
  }

  @Test
  void aStageWhoseOutputCannotBeSentOrThatThrowsAnErrorFailsTheJobAtOnceNamed(Vertx vertx) throws Exception {
    deploy(vertx, """
        {"pipelines": [
          {"name": "unsendable", "stageTimeoutMs": 5000, "stages": [{"name": "odd", "verticle": "%1$s"},
            {"verticle": "%3$s"}]},
          {"name": "erroring", "stageTimeoutMs": 5000, "stages": [{"name": "broken", "verticle": "%2$s"}]}]}
        """.formatted(TestStages.Unsendable.class.getName(), TestStages.Erroring.class.getName(), APPEND));
    ReplyException e = failure(vertx, "pipeline.unsendable", "x");
    assertEquals(500, e.failureCode());
    assertTrue(e.getMessage().startsWith("stage 1 (odd) failed: its output (java.lang.Object) cannot be sent on"),
        e.getMessage());
    e = failure(vertx, "pipeline.erroring", "x");
    assertEquals(500, e.failureCode());
    assertTrue(e.getMessage().startsWith("stage 1 (broken) failed:") && e.getMessage().contains("com/example/Missing"),
        e.getMessage());
  }

  @Test
  void aJobIsGivenUpWhenItsRequesterGivesUpAndItsPlaceIsFreed(Vertx vertx) throws Exception {
    TestStages.Hold.reset();
    deploy(vertx, """
        {"pipelines": [{"name": "patient", "maxInFlight": 1, "stages": [
          {"name": "holder", "verticle": "%s", "config": {"holdMs": 20000}}]}]}
        """.formatted(TestStages.Hold.class.getName()));
    for (int i = 0; i < 2; i++) { // the second job is admitted: the first one's place was freed
      long start = System.nanoTime();
      ExecutionException thrown = assertThrows(ExecutionException.class, () -> await(vertx.eventBus().request(
          "pipeline.patient", "job", new DeliveryOptions().addHeader("conduit-timeout-ms", "1000")
              .setSendTimeout(5_000))));
      ReplyException e = assertInstanceOf(ReplyException.class, thrown.getCause());
      long tookMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
      assertEquals(504, e.failureCode(), e.getMessage());
      // the stage holding it gives up when the requester does, and is named
      assertTrue(e.getMessage().startsWith("stage 1 (holder) failed: no reply from 'pipeline.patient.1' before the "
          + "job's requester gave up"), e.getMessage());
      assertTrue(tookMs < 1_000 + 500, "the requester waited " + tookMs + " ms");
    }
  }

  @Test
  void aJobLostBetweenStagesIsGivenUpWhenItsRequesterGivesUp(Vertx vertx) throws Exception {
    vertx.eventBus().consumer("swallows", m -> { }); // neither passes the job on nor fails it
    JsonObject config = new JsonObject().put("name", "lossy").put("maxInFlight", 1).put("stages", new JsonArray()
        .add(new JsonObject().put("address", "swallows")));
    await(vertx.deployVerticle(new PipelineVerticle(), new DeploymentOptions().setConfig(config)));
    for (int i = 0; i < 2; i++) { // the second job is admitted: the first one's place was freed
      ExecutionException thrown = assertThrows(ExecutionException.class, () -> await(vertx.eventBus().request(
          "pipeline.lossy", "job", new DeliveryOptions().addHeader("conduit-timeout-ms", "1000")
              .setSendTimeout(5_000))));
      ReplyException e = assertInstanceOf(ReplyException.class, thrown.getCause());
      assertEquals(504, e.failureCode(), e.getMessage());
      assertTrue(e.getMessage().startsWith("pipeline 'lossy' got no result within 800 ms, the time its requester "
          + "waits"), e.getMessage());
    }
  }

  @Test
  void aStageDropsAJobThatReachesItAfterItsRequesterGaveUp(Vertx vertx) throws Exception {
    TestStages.Count.SEEN.set(0);
    await(vertx.deployVerticle(new TestStages.Count(), new DeploymentOptions()
        .setConfig(new JsonObject().put("address", "late.1"))));
    Promise<Message<Object>> outcome = Promise.promise();
    vertx.eventBus().consumer("late.results", outcome::tryComplete);
    DeliveryOptions job = new DeliveryOptions()
        .addHeader(PipelineJob.ROUTE, Route.encode(30_000, "late.results", List.of("late.1")))
        .addHeader(PipelineJob.JOB, "j.1").addHeader(PipelineJob.STAGE, "1")
        .addHeader(PipelineJob.TIME_LEFT, PipelineJob.timeLeft(0));
    vertx.eventBus().send("late.1", "stale", job);
    Message<Object> failed = await(outcome.future());
    assertEquals("504", failed.headers().get(PipelineJob.FAILURE));
    assertEquals(0, TestStages.Count.SEEN.get(), "the stage did not work on a job nobody waits for");
  }

  @Test
  void aStageDoneByWorkersAsksTheirServiceAndPassesItsReplyOnWithItsFailuresNamed(Vertx vertx) throws Exception {
    // an event-bus consumer stands in for the external workers: the bridge serves them the same way
    vertx.eventBus().consumer("ext.upper", m -> {
      switch ((String) m.body()) {
        case "locked>1" -> m.fail(409, "the worker says locked");
        case "slow>1" -> { } // never answers
        default -> m.reply(((String) m.body()).toUpperCase());
      }
    });
    deploy(vertx, """
        {"pipelines": [{"name": "w", "stageTimeoutMs": 300, "stages": [
          {"verticle": "%s", "config": {"suffix": "1"}},
          {"name": "upper", "workers": "ext.upper"},
          {"verticle": "%s", "config": {"suffix": "3"}}]}]}
        """.formatted(APPEND, APPEND));
    assertEquals("JOB>1>3", await(vertx.eventBus().request("pipeline.w", "job")).body());
    ReplyException locked = failure(vertx, "pipeline.w", "locked");
    assertEquals(409, locked.failureCode());
    assertEquals("stage 2 (upper) failed: the worker says locked", locked.getMessage());
    ReplyException slow = failure(vertx, "pipeline.w", "slow");
    assertEquals(504, slow.failureCode());
    assertTrue(slow.getMessage().startsWith("stage 2 (upper) failed: "), slow.getMessage());
    deploy(vertx, """
        {"pipelines": [{"name": "nobody", "stages": [{"name": "upper", "workers": "ext.nobody"}]}]}""");
    ReplyException none = failure(vertx, "pipeline.nobody", "job");
    assertEquals(503, none.failureCode());
    assertEquals("stage 1 (upper) failed: no worker serves 'ext.nobody'; start one (a conduit.Worker for "
        + "'ext.nobody')", none.getMessage());
  }
}
