package io.conduit.worker;

import io.conduit.Conditions;

import io.conduit.deploy.DeploymentPlan;
import io.conduit.deploy.Instances;
import io.conduit.deploy.RunningServices;
import io.conduit.deploy.ScaleEvent;
import io.conduit.deploy.Scaling;
import io.conduit.deploy.ServiceSpec;
import io.conduit.deploy.Threading;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Metrics;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The scaler moves a ranged service between min and max with the load, and says why. */
@ExtendWith(VertxExtension.class)
@Timeout(60)
class ScalerTest {

  private static final Scaling QUICK = new Scaling(2, 100, 200, 400);

  private Scaler scaler;
  private Load load;

  @BeforeAll
  static void metrics() {
    // The global registry counts nothing until a real registry joins it (the web console adds Prometheus).
    Metrics.addRegistry(new SimpleMeterRegistry());
  }

  @AfterEach
  void stop() throws Exception {
    if (load != null) {
      load.stop();
    }
    if (scaler != null) {
      await(scaler.stop());
    }
  }

  static <T> T await(Future<T> future) throws Exception {
    return future.toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
  }

  private RunningServices running(Vertx vertx, ServiceSpec spec) throws Exception {
    RunningServices services = new RunningServices(vertx);
    await(services.deploy(new DeploymentPlan(List.of(spec))));
    scaler = await(new Scaler(services, 50).start());
    return services;
  }

  private static List<ScaleEvent> events(Vertx vertx, String service) throws Exception {
    List<ScaleEvent> events = new CopyOnWriteArrayList<>();
    await(vertx.eventBus().<JsonObject>consumer(ScaleEvent.ADDRESS, m -> {
      ScaleEvent e = ScaleEvent.fromJson(m.body());
      if (e.service().equals(service)) {
        events.add(e);
      }
    }).completion());
    return events;
  }

  private static int now(RunningServices services, String name) {
    return services.info(name).orElseThrow().now();
  }

  private static double counted(String service, String direction) {
    Counter c = Metrics.globalRegistry.find("conduit.scale.events").tag("service", service)
        .tag("direction", direction).counter();
    return c == null ? 0 : c.count();
  }

  @Test
  void withNoRangedServiceItTicksOnceASecondAndEveryTickWhileOneHasARange(Vertx vertx) throws Exception {
    RunningServices services = running(vertx, Slow.spec("fixed", new Instances(1, 1), Threading.EVENT_LOOP, null));
    long until = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(2_500);
    Conditions.await(10_000, () -> System.nanoTime() > until, () -> "time");
    // its first tick 50 ms after the start, then one a second (every 50 ms would be 50)
    assertTrue(scaler.ticks() <= 3, scaler.ticks() + " ticks in 2.5 s with nothing to measure");

    await(services.deploy(new DeploymentPlan(List.of(Slow.spec("ranged", new Instances(1, 2), Threading.EVENT_LOOP,
        QUICK)))));
    long from = scaler.ticks();
    // noticed at the next quiet tick, then every 50 ms (once a second would be 3 in 3 s)
    Conditions.await(3_000, () -> scaler.ticks() >= from + 10, () -> scaler.ticks() - from + " ticks");
  }

  @Test
  void aRangedServiceGoesFromMinToMaxUnderLoadAndBackToMinWhenIdle(Vertx vertx) throws Exception {
    RunningServices services = running(vertx, Slow.spec("busy", new Instances(1, 3), Threading.EVENT_LOOP, QUICK));
    List<ScaleEvent> events = events(vertx, "busy");
    double ups = counted("busy", "up");
    double downs = counted("busy", "down");

    load = Load.start(vertx, "busy", 16, 15_000);
    Conditions.await(15_000, () -> now(services, "busy") == 3, () -> "instances " + now(services, "busy"));
    load.stop();
    Conditions.await(15_000, () -> now(services, "busy") == 1, () -> "instances " + now(services, "busy"));
    Conditions.await(5_000, () -> events.size() >= 4, () -> "events " + events);

    assertEquals(List.of("1->2", "2->3", "3->2", "2->1"), events.stream().map(e -> e.from() + "->" + e.to()).toList());
    assertTrue(events.get(0).reason().contains("requests in flight per instance, over the target 2, for 200 ms"),
        events.get(0).reason());
    assertTrue(events.get(3).reason().contains("under half the target 2, for 400 ms"), events.get(3).reason());
    assertEquals(ups + 2, counted("busy", "up"));
    assertEquals(downs + 2, counted("busy", "down"));
    assertEquals(1, services.deploymentIds("busy").size());
  }

  @Test
  void aWorkerThreadedServiceScalesToo(Vertx vertx) throws Exception {
    RunningServices services = running(vertx, Slow.spec("blocking", new Instances(1, 2), Threading.WORKER, QUICK));
    load = Load.start(vertx, "blocking", 8, 15_000);
    Conditions.await(15_000, () -> now(services, "blocking") == 2, () -> "instances " + now(services, "blocking"));
    assertEquals("worker", services.info("blocking").orElseThrow().threading().label());
  }

  @Test
  void neverAboveMaxUnderHeavyLoad(Vertx vertx) throws Exception {
    RunningServices services = running(vertx, Slow.spec("capped", new Instances(1, 2), Threading.EVENT_LOOP, QUICK));
    List<ScaleEvent> events = events(vertx, "capped");
    load = Load.start(vertx, "capped", 32, 15_000);
    Conditions.await(15_000, () -> now(services, "capped") == 2, () -> "instances " + now(services, "capped"));
    // Several more up-delays of heavy load: the count stays at max.
    long until = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(4 * QUICK.upAfterMs());
    Conditions.await(5_000, () -> System.nanoTime() > until, () -> "time");
    assertEquals(2, now(services, "capped"));
    assertEquals(1, events.size(), "events " + events);
  }

  @Test
  void aCountSetByHandIsWhereTheScalerCarriesOnFrom(Vertx vertx) throws Exception {
    RunningServices services = running(vertx, Slow.spec("manual", new Instances(1, 4), Threading.EVENT_LOOP, QUICK));
    List<ScaleEvent> events = events(vertx, "manual");
    await(services.scale("manual", 4));
    Conditions.await(15_000, () -> now(services, "manual") == 1, () -> "instances " + now(services, "manual"));
    Conditions.await(5_000, () -> events.size() >= 4, () -> "events " + events);
    assertEquals(List.of("1->4", "4->3", "3->2", "2->1"), events.stream().map(e -> e.from() + "->" + e.to()).toList());
    assertEquals("set to 4 on request", events.get(0).reason());
  }

  @Test
  void aStoppedServiceIsLeftAlone(Vertx vertx) throws Exception {
    RunningServices services = running(vertx, Slow.spec("parked", new Instances(2, 4), Threading.EVENT_LOOP, QUICK));
    await(services.stop("parked"));
    long until = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(3 * QUICK.downAfterMs());
    Conditions.await(5_000, () -> System.nanoTime() > until, () -> "time");
    assertEquals(0, now(services, "parked"));
    assertEquals(false, services.info("parked").orElseThrow().running());
    assertEquals(1, vertx.deploymentIDs().size(), "only the scaler is deployed: " + vertx.deploymentIDs());
  }
}
