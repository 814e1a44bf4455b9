package io.conduit.worker;

import io.conduit.Conditions;

import io.conduit.deploy.DeploymentPlan;
import io.conduit.deploy.Instances;
import io.conduit.deploy.RunningServices;
import io.conduit.deploy.Scaling;
import io.conduit.deploy.Threading;
import io.conduit.pipeline.StageVerticle;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import static io.conduit.worker.ScalerTest.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Requests in flight are counted per instance from delivery to reply, without the service's help. */
@ExtendWith(VertxExtension.class)
@Timeout(30)
class LoadMeterTest {

  private LoadMeter meter;

  @AfterEach
  void detach() {
    if (meter != null) {
      meter.detach();
    }
  }

  private void slowService(Vertx vertx, long delayMs) throws Exception {
    RunningServices services = new RunningServices(vertx);
    await(services.deploy(new DeploymentPlan(List.of(Slow.spec("held", Instances.fixed(1), Threading.EVENT_LOOP,
        Scaling.DEFAULTS).withConfig(new JsonObject().put("address", "held").put("delayMs", delayMs))))));
    meter = new LoadMeter(vertx);
    meter.track("held", "held", services.deploymentIds("held"));
    meter.attach();
  }

  @Test
  void requestsCountFromDeliveryUntilTheirReply(Vertx vertx) throws Exception {
    slowService(vertx, 1_000);
    List<Future<?>> replies = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      replies.add(vertx.eventBus().request("held", "work"));
    }
    Conditions.await(5_000, () -> meter.sample("held").inFlight() == 5, () -> "in flight " + meter.sample("held"));
    await(Future.all(replies));
    assertEquals(0, meter.sample("held").inFlight());
  }

  @Test
  void requestsQueuedBehindABusyInstanceCountAsInFlight(Vertx vertx) throws Exception {
    RunningServices services = new RunningServices(vertx);
    await(services.deploy(new DeploymentPlan(List.of(Slow.spec("single", Instances.fixed(1), Threading.WORKER,
        Scaling.DEFAULTS).withConfig(new JsonObject().put("address", "single").put("delayMs", 300))))));
    meter = new LoadMeter(vertx);
    meter.track("single", "single", services.deploymentIds("single"));
    meter.attach();
    List<Future<?>> replies = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      replies.add(vertx.eventBus().request("single", "work"));
    }
    // One request blocks the worker; the other three wait in its queue and count all the same.
    assertEquals(4, meter.sample("single").inFlight());
    await(Future.all(replies));
    assertEquals(0, meter.sample("single").inFlight());
  }

  @Test
  void itListensOnlyWhileItMeasuresAService(Vertx vertx) throws Exception {
    meter = new LoadMeter(vertx);
    meter.attach();
    assertFalse(meter.listening(), "nothing tracked: no interceptor on the bus");
    slowServiceTracked(vertx, meter);
    assertTrue(meter.listening());
    meter.retain(Set.of());
    assertFalse(meter.listening(), "no service left to measure");
    slowServiceTracked(vertx, meter);
    meter.detach();
    assertFalse(meter.listening(), "detached");
  }

  private static void slowServiceTracked(Vertx vertx, LoadMeter meter) throws Exception {
    RunningServices services = new RunningServices(vertx);
    String name = "held-" + System.nanoTime();
    await(services.deploy(new DeploymentPlan(List.of(Slow.spec(name, Instances.fixed(1), Threading.EVENT_LOOP,
        Scaling.DEFAULTS).withConfig(new JsonObject().put("address", name).put("delayMs", 10))))));
    meter.track(name, name, services.deploymentIds(name));
  }

  @Test
  void aFailureReplyEndsTheRequestToo(Vertx vertx) throws Exception {
    slowService(vertx, 10);
    await(vertx.eventBus().request("held", "fail").otherwiseEmpty());
    assertEquals(0, meter.sample("held").inFlight());
  }

  @Test
  void messagesWithoutAReplyAddressAreNotCounted(Vertx vertx) throws Exception {
    slowService(vertx, 10);
    vertx.eventBus().send("held", "work");
    vertx.eventBus().publish("held", "work");
    await(vertx.eventBus().request("held", "work", new DeliveryOptions()));
    assertEquals(0, meter.sample("held").inFlight());
  }

  @Test
  void aBusyInstanceShowsQueueingDelay(Vertx vertx) throws Exception {
    RunningServices services = new RunningServices(vertx);
    await(services.deploy(new DeploymentPlan(List.of(Slow.spec("blocked", Instances.fixed(1), Threading.WORKER,
        Scaling.DEFAULTS).withConfig(new JsonObject().put("address", "blocked").put("delayMs", 300))))));
    meter = new LoadMeter(vertx);
    meter.track("blocked", "blocked", services.deploymentIds("blocked"));
    meter.attach();
    await(vertx.eventBus().request("blocked", "work"));
    // The worker is now blocked for 300 ms per request; a probe waits behind the queued requests.
    for (int i = 0; i < 3; i++) {
      vertx.eventBus().request("blocked", "work");
    }
    Conditions.await(5_000, () -> meter.sample("blocked").queueDelayMs() >= 200, () -> "delay " + meter.sample("blocked"));
  }

  /** A pipeline stage that holds each job {@code holdMs} before passing it on. */
  public static class HeldStage extends StageVerticle {
    @Override
    protected Object process(Object job) {
      return vertx.timer(config().getLong("holdMs")).map(t -> job);
    }
  }

  @Test
  void aPipelineJobCountsAtItsStageUntilItMovesOn(Vertx vertx) throws Exception {
    RunningServices services = new RunningServices(vertx);
    await(services.deploy(DeploymentPlan.parse("""
        {"pipelines": [{"name": "p", "stages": [
          {"verticle": "%1$s", "config": {"holdMs": 600}}, {"verticle": "%1$s", "config": {"holdMs": 1}}]}]}
        """.formatted(HeldStage.class.getName()), "p.json")));
    meter = new LoadMeter(vertx);
    for (String stage : List.of("pipeline.p.1", "pipeline.p.2")) {
      meter.track(stage, stage, services.deploymentIds(stage));
    }
    meter.attach();
    List<Future<?>> replies = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      replies.add(vertx.eventBus().request("pipeline.p", "job" + i));
    }
    Conditions.await(5_000, () -> meter.sample("pipeline.p.1").inFlight() == 5,
        () -> "in flight " + meter.sample("pipeline.p.1"));
    assertEquals(0, meter.sample("pipeline.p.2").inFlight());
    await(Future.all(replies));
    assertEquals(0, meter.sample("pipeline.p.1").inFlight());
    assertEquals(0, meter.sample("pipeline.p.2").inFlight());
  }

  /** A pipeline stage that blocks its worker thread {@code blockMs} per job. */
  public static class BlockingStage extends StageVerticle {
    @Override
    protected Object process(Object job) {
      // the work itself: blocking its worker thread, as blocking code does
      java.util.concurrent.locks.LockSupport.parkNanos(java.util.concurrent.TimeUnit.MILLISECONDS.toNanos(config().getLong("blockMs")));
      return job;
    }
  }

  @Test
  void aBusyStageShowsQueueingDelay(Vertx vertx) throws Exception {
    RunningServices services = new RunningServices(vertx);
    await(services.deploy(DeploymentPlan.parse("""
        {"pipelines": [{"name": "q", "stages": [{"verticle": "%s", "threading": "worker", "config": {"blockMs": 300}}]}]}
        """.formatted(BlockingStage.class.getName()), "q.json")));
    meter = new LoadMeter(vertx);
    meter.track("pipeline.q.1", "pipeline.q.1", services.deploymentIds("pipeline.q.1"));
    meter.attach();
    await(vertx.eventBus().request("pipeline.q", "first"));
    for (int i = 0; i < 3; i++) {
      vertx.eventBus().request("pipeline.q", "job" + i);
    }
    Conditions.await(5_000, () -> meter.sample("pipeline.q.1").queueDelayMs() >= 200,
        () -> "delay " + meter.sample("pipeline.q.1"));
  }
}
