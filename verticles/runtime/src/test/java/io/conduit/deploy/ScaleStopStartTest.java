package io.conduit.deploy;

import io.conduit.codec.ErrorCode;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What {@link RunningServices#scale}, {@link RunningServices#stop} and {@link RunningServices#start} do. */
@ExtendWith(VertxExtension.class)
class ScaleStopStartTest {

  /** Like a server binding a port: a second instance cannot start while one runs. */
  public static class OnlyOne extends VerticleBase {
    private static final AtomicInteger RUNNING = new AtomicInteger();

    @Override
    public Future<?> start() {
      if (!RUNNING.compareAndSet(0, 1)) {
        return Future.failedFuture("address already in use");
      }
      return Future.succeededFuture();
    }

    @Override
    public Future<?> stop() {
      RUNNING.set(0);
      return Future.succeededFuture();
    }
  }

  /**
   * Stops as a front door waiting for its replies in flight does: it finishes once all four
   * instances are stopping (or after 5 s), and counts how many were stopping at once.
   */
  public static class SlowToStop extends VerticleBase {
    static final AtomicInteger STOPPING = new AtomicInteger();
    static final AtomicInteger MOST_AT_ONCE = new AtomicInteger();

    @Override
    public Future<?> stop() {
      MOST_AT_ONCE.accumulateAndGet(STOPPING.incrementAndGet(), Math::max);
      long giveUp = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
      return Future.future(p -> vertx.setPeriodic(10, id -> {
        if (MOST_AT_ONCE.get() >= 4 || System.nanoTime() > giveUp) {
          vertx.cancelTimer(id);
          STOPPING.decrementAndGet();
          p.complete();
        }
      }));
    }
  }

  private static Future<RunningServices> running(Vertx vertx, ServiceSpec... specs) {
    RunningServices services = new RunningServices(vertx);
    return services.deploy(new DeploymentPlan(List.of(specs))).map(v -> services);
  }

  private static void assertRefused(Throwable e, ErrorCode code, String message) {
    ServiceOperationException refused = assertInstanceOf(ServiceOperationException.class, e);
    assertEquals(code, refused.code());
    assertEquals(message, refused.getMessage());
  }

  @Test
  void scalingARangedServiceKeepsItsRange(Vertx vertx, VertxTestContext ctx) {
    running(vertx, Pong.spec("r", new Instances(1, 4)))
        .compose(s -> s.scale("r", 3))
        .onComplete(ctx.succeeding(info -> ctx.verify(() -> {
          assertEquals(3, info.now());
          assertEquals(1, info.min());
          assertEquals(4, info.max());
          assertEquals(3, vertx.deploymentIDs().size());
          ctx.completeNow();
        })));
  }

  @Test
  void scalingDownUndeploysInstances(Vertx vertx, VertxTestContext ctx) {
    running(vertx, Pong.spec("r", new Instances(1, 4)))
        .compose(s -> s.scale("r", 4).compose(i -> s.scale("r", 2)))
        .onComplete(ctx.succeeding(info -> ctx.verify(() -> {
          assertEquals(2, info.now());
          assertEquals(2, vertx.deploymentIDs().size());
          ctx.completeNow();
        })));
  }

  @Test
  void scalingAFixedServiceMakesItsNewCount(Vertx vertx, VertxTestContext ctx) {
    running(vertx, Pong.spec("f", 1))
        .compose(s -> s.scale("f", 3).map(i -> s))
        .onComplete(ctx.succeeding(s -> ctx.verify(() -> {
          ServiceInfo info = s.info("f").orElseThrow();
          assertEquals(3, info.now());
          assertEquals(3, info.min());
          assertEquals(3, info.max());
          assertFalse(info.scalable());
          assertEquals(Instances.fixed(3), s.specs().get(0).instances());
          ctx.completeNow();
        })));
  }

  @Test
  void aCountOutsideTheRangeIsRefusedNamingTheRange(Vertx vertx, VertxTestContext ctx) {
    running(vertx, Pong.spec("r", new Instances(2, 4)))
        .compose(s -> s.scale("r", 5))
        .onComplete(ctx.failing(e -> ctx.verify(() -> {
          assertRefused(e, ErrorCode.BAD_REQUEST, "instances: service 'r' scales within 2..4, got 5");
          assertEquals(2, vertx.deploymentIDs().size());
          ctx.completeNow();
        })));
  }

  @Test
  void aFixedServiceIsNotScaledBeyondTheCap(Vertx vertx, VertxTestContext ctx) {
    running(vertx, Pong.spec("f", 1))
        .compose(s -> s.scale("f", RunningServices.MAX_FIXED + 1))
        .onComplete(ctx.failing(e -> ctx.verify(() -> {
          assertRefused(e, ErrorCode.BAD_REQUEST, "instances: must be 1..64 for service 'f', got 65");
          ctx.completeNow();
        })));
  }

  @Test
  void anInstanceThatCannotStartFailsTheScaleAndChangesNothing(Vertx vertx, VertxTestContext ctx) {
    ServiceSpec one = new ServiceSpec("one", OnlyOne.class.getName(), Instances.fixed(1), Threading.EVENT_LOOP,
        new JsonObject());
    running(vertx, one).onComplete(ctx.succeeding(s -> s.scale("one", 2).onComplete(ctx.failing(e -> ctx.verify(() -> {
      assertRefused(e, ErrorCode.INTERNAL, "service 'one' failed to start: address already in use");
      ServiceInfo info = s.info("one").orElseThrow();
      assertEquals(1, info.now());
      assertEquals(1, info.max());
      assertEquals(1, vertx.deploymentIDs().size());
      ctx.completeNow();
    })))));
  }

  @Test
  void anUnknownServiceIsNotFound(Vertx vertx, VertxTestContext ctx) {
    running(vertx, Pong.spec("f", 1))
        .compose(s -> s.stop("nope"))
        .onComplete(ctx.failing(e -> ctx.verify(() -> {
          assertRefused(e, ErrorCode.NOT_FOUND, "no service 'nope' on this node");
          ctx.completeNow();
        })));
  }

  @Test
  void stopUndeploysEveryInstanceAndKeepsTheServiceListed(Vertx vertx, VertxTestContext ctx) {
    running(vertx, Pong.spec("f", 2))
        .compose(s -> s.stop("f").map(i -> s))
        .onComplete(ctx.succeeding(s -> ctx.verify(() -> {
          ServiceInfo info = s.info("f").orElseThrow();
          assertFalse(info.running());
          assertEquals(0, info.now());
          assertTrue(vertx.deploymentIDs().isEmpty());
          ctx.completeNow();
        })));
  }

  @Test
  void startDeploysTheCountTheServiceHadWhenStopped(Vertx vertx, VertxTestContext ctx) {
    running(vertx, Pong.spec("r", new Instances(1, 4)))
        .compose(s -> s.scale("r", 3).compose(i -> s.stop("r")).compose(i -> s.start("r")))
        .onComplete(ctx.succeeding(info -> ctx.verify(() -> {
          assertTrue(info.running());
          assertEquals(3, info.now());
          assertEquals(3, vertx.deploymentIDs().size());
          ctx.completeNow();
        })));
  }

  @Test
  void aStoppedServiceIsNotScaled(Vertx vertx, VertxTestContext ctx) {
    running(vertx, Pong.spec("r", new Instances(1, 4)))
        .compose(s -> s.stop("r").compose(i -> s.scale("r", 2)))
        .onComplete(ctx.failing(e -> ctx.verify(() -> {
          assertRefused(e, ErrorCode.CONFLICT, "service 'r' is stopped; start it before scaling it");
          ctx.completeNow();
        })));
  }

  @Test
  void theInstancesOfAServiceStopTogether(Vertx vertx, VertxTestContext ctx) {
    SlowToStop.MOST_AT_ONCE.set(0);
    SlowToStop.STOPPING.set(0);
    ServiceSpec slow = new ServiceSpec("slow", SlowToStop.class.getName(), Instances.fixed(4), Threading.EVENT_LOOP,
        new JsonObject());
    running(vertx, slow)
        .compose(s -> s.stop("slow"))
        .onComplete(ctx.succeeding(info -> ctx.verify(() -> {
          // one after another, each would have waited for the one before: a grace period each
          assertEquals(4, SlowToStop.MOST_AT_ONCE.get(), "instances stopping at once");
          assertTrue(vertx.deploymentIDs().isEmpty());
          ctx.completeNow();
        })));
  }

  @Test
  void stoppingTwiceAndStartingTwiceChangeNothingMore(Vertx vertx, VertxTestContext ctx) {
    running(vertx, Pong.spec("f", 2))
        .compose(s -> s.stop("f").compose(i -> s.stop("f")).compose(i -> s.start("f")).compose(i -> s.start("f")))
        .onComplete(ctx.succeeding(info -> ctx.verify(() -> {
          assertEquals(2, info.now());
          assertEquals(2, vertx.deploymentIDs().size());
          ctx.completeNow();
        })));
  }

  @Test
  void concurrentScaleRequestsDoNotInterleave(Vertx vertx, VertxTestContext ctx) {
    running(vertx, Pong.spec("r", new Instances(1, 8))).onComplete(ctx.succeeding(s -> {
      List<Future<ServiceInfo>> all = new ArrayList<>();
      int[] counts = {5, 2, 8, 1, 6, 3};
      for (int n : counts) {
        all.add(s.scale("r", n));
      }
      Future.all(all).onComplete(ctx.succeeding(done -> ctx.verify(() -> {
        for (int i = 0; i < counts.length; i++) {
          assertEquals(counts[i], all.get(i).result().now(), "request " + i);
        }
        assertEquals(3, vertx.deploymentIDs().size());
        ctx.completeNow();
      })));
    }));
  }
}
