package io.conduit.deploy;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Deploying a plan through {@link RunningServices}: every instance its own deployment, all or nothing. */
@ExtendWith(VertxExtension.class)
class DeployTest {

  /** Always fails to start. */
  public static class Broken extends VerticleBase {
    @Override
    public Future<?> start() {
      return Future.failedFuture("disk on fire");
    }
  }

  private static Future<Set<String>> repliers(Vertx vertx, String address, int requests) {
    Set<String> repliers = ConcurrentHashMap.newKeySet();
    Future<Void> chain = Future.succeededFuture();
    for (int i = 0; i < requests; i++) {
      chain = chain.compose(v -> vertx.eventBus().<String>request(address, "ping").map(r -> {
        repliers.add(r.body());
        return null;
      }));
    }
    return chain.map(v -> repliers);
  }

  @Test
  void deploysEveryServiceWithItsInstances(Vertx vertx, VertxTestContext ctx) {
    DeploymentPlan plan = new DeploymentPlan(List.of(Pong.spec("p1", 2)));
    new RunningServices(vertx).deploy(plan)
        .compose(done -> repliers(vertx, "p1", 4))
        .onComplete(ctx.succeeding(repliers -> ctx.verify(() -> {
          assertEquals(2, repliers.size(), "instances answering: " + repliers);
          ctx.completeNow();
        })));
  }

  @Test
  void eachInstanceIsItsOwnDeployment(Vertx vertx, VertxTestContext ctx) {
    DeploymentPlan plan = new DeploymentPlan(List.of(Pong.spec("p1", 3), Pong.spec("p2", 1)));
    new RunningServices(vertx).deploy(plan).onComplete(ctx.succeeding(v -> ctx.verify(() -> {
      assertEquals(4, vertx.deploymentIDs().size());
      ctx.completeNow();
    })));
  }

  @Test
  void aRangedServiceStartsAtItsMinimum(Vertx vertx, VertxTestContext ctx) {
    RunningServices services = new RunningServices(vertx);
    services.deploy(new DeploymentPlan(List.of(Pong.spec("r", new Instances(2, 5)))))
        .onComplete(ctx.succeeding(v -> ctx.verify(() -> {
          ServiceInfo info = services.info("r").orElseThrow();
          assertEquals(2, info.now());
          assertEquals(2, info.min());
          assertEquals(5, info.max());
          assertTrue(info.scalable());
          ctx.completeNow();
        })));
  }

  @Test
  void anUnknownClassIsNamed(Vertx vertx, VertxTestContext ctx) {
    ServiceSpec bad = new ServiceSpec("x", "no.such.Verticle", Instances.fixed(1), Threading.EVENT_LOOP, new JsonObject());
    new RunningServices(vertx).deploy(new DeploymentPlan(List.of(bad)))
        .onComplete(ctx.failing(e -> ctx.verify(() -> {
          assertEquals("service 'x': verticle class no.such.Verticle is not on the classpath (searched "
              + System.getProperty("java.class.path") + "; add yours with --classpath)", e.getMessage());
          ctx.completeNow();
        })));
  }

  @Test
  void aClassThatIsNotAVerticleIsRefused(Vertx vertx, VertxTestContext ctx) {
    ServiceSpec bad = new ServiceSpec("s", String.class.getName(), Instances.fixed(1), Threading.EVENT_LOOP,
        new JsonObject());
    new RunningServices(vertx).deploy(new DeploymentPlan(List.of(bad)))
        .onComplete(ctx.failing(e -> ctx.verify(() -> {
          assertTrue(e.getMessage().contains("java.lang.String is not a verticle"), e.getMessage());
          ctx.completeNow();
        })));
  }

  @Test
  void aFailedServiceUndeploysTheOnesBeforeIt(Vertx vertx, VertxTestContext ctx) {
    ServiceSpec broken = new ServiceSpec("broken", Broken.class.getName(), Instances.fixed(1), Threading.EVENT_LOOP,
        new JsonObject());
    RunningServices services = new RunningServices(vertx);
    services.deploy(new DeploymentPlan(List.of(Pong.spec("ok", 2), broken)))
        .onComplete(ctx.failing(e -> ctx.verify(() -> {
          assertEquals("service 'broken' failed to start: disk on fire", e.getMessage());
          assertTrue(vertx.deploymentIDs().isEmpty(), "left deployed: " + vertx.deploymentIDs());
          assertTrue(services.list().isEmpty(), "still listed: " + services.list());
          ctx.completeNow();
        })));
  }

  @Test
  void aServiceNameAlreadyRunningIsRefused(Vertx vertx, VertxTestContext ctx) {
    RunningServices services = new RunningServices(vertx);
    DeploymentPlan plan = new DeploymentPlan(List.of(Pong.spec("p", 1)));
    services.deploy(plan).compose(v -> services.deploy(plan))
        .onComplete(ctx.failing(e -> ctx.verify(() -> {
          assertEquals("service 'p' is already running on this node", e.getMessage());
          assertEquals(1, vertx.deploymentIDs().size());
          ctx.completeNow();
        })));
  }

  @Test
  void undeployAllLeavesNothingRunning(Vertx vertx, VertxTestContext ctx) {
    RunningServices services = new RunningServices(vertx);
    services.deploy(new DeploymentPlan(List.of(Pong.spec("a", 2), Pong.spec("b", 1))))
        .compose(v -> services.undeployAll())
        .onComplete(ctx.succeeding(v -> ctx.verify(() -> {
          assertTrue(vertx.deploymentIDs().isEmpty(), "left deployed: " + vertx.deploymentIDs());
          assertTrue(services.list().isEmpty());
          ctx.completeNow();
        })));
  }
}
