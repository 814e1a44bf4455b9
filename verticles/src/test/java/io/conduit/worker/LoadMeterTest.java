package io.conduit.worker;

import io.conduit.deploy.DeploymentPlan;
import io.conduit.deploy.Instances;
import io.conduit.deploy.RunningServices;
import io.conduit.deploy.Scaling;
import io.conduit.deploy.Threading;
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

  private List<String> slowService(Vertx vertx, long delayMs) throws Exception {
    RunningServices services = new RunningServices(vertx);
    await(services.deploy(new DeploymentPlan(List.of(Slow.spec("held", Instances.fixed(1), Threading.EVENT_LOOP,
        Scaling.DEFAULTS).withConfig(new JsonObject().put("address", "held").put("delayMs", delayMs))))));
    List<String> ids = services.deploymentIds("held");
    meter = new LoadMeter(vertx);
    meter.track(Set.copyOf(ids));
    meter.attach();
    return ids;
  }

  @Test
  void requestsCountFromDeliveryUntilTheirReply(Vertx vertx) throws Exception {
    List<String> ids = slowService(vertx, 1_000);
    List<Future<?>> replies = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      replies.add(vertx.eventBus().request("held", "work"));
    }
    Conditions.await(5_000, () -> meter.sample(ids).inFlight() == 5, () -> "in flight " + meter.sample(ids));
    await(Future.all(replies));
    assertEquals(0, meter.sample(ids).inFlight());
  }

  @Test
  void aFailureReplyEndsTheRequestToo(Vertx vertx) throws Exception {
    List<String> ids = slowService(vertx, 10);
    await(vertx.eventBus().request("held", "fail").otherwiseEmpty());
    assertEquals(0, meter.sample(ids).inFlight());
  }

  @Test
  void messagesWithoutAReplyAddressAreNotCounted(Vertx vertx) throws Exception {
    List<String> ids = slowService(vertx, 10);
    vertx.eventBus().send("held", "work");
    vertx.eventBus().publish("held", "work");
    await(vertx.eventBus().request("held", "work", new DeliveryOptions()));
    assertEquals(0, meter.sample(ids).inFlight());
  }

  @Test
  void aBusyInstanceShowsQueueingDelay(Vertx vertx) throws Exception {
    RunningServices services = new RunningServices(vertx);
    await(services.deploy(new DeploymentPlan(List.of(Slow.spec("blocked", Instances.fixed(1), Threading.WORKER,
        Scaling.DEFAULTS).withConfig(new JsonObject().put("address", "blocked").put("delayMs", 300))))));
    List<String> ids = services.deploymentIds("blocked");
    meter = new LoadMeter(vertx);
    meter.track(Set.copyOf(ids));
    meter.attach();
    await(vertx.eventBus().request("blocked", "work"));
    // The worker is now blocked for 300 ms per request; a probe waits behind the queued requests.
    for (int i = 0; i < 3; i++) {
      vertx.eventBus().request("blocked", "work");
    }
    Conditions.await(1_000, () -> meter.sample(ids).inFlight() >= 1, () -> "in flight " + meter.sample(ids));
    Conditions.await(5_000, () -> meter.sample(ids).queueDelayMs() >= 200, () -> "delay " + meter.sample(ids));
  }
}
