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

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

@ExtendWith(VertxExtension.class)
class ServiceDeployerTest {

  /** Answers with its own identity on the address in its config. */
  public static class Pong extends VerticleBase {
    @Override
    public Future<?> start() {
      String me = "pong-" + System.identityHashCode(this);
      return vertx.eventBus().consumer(config().getString("address"), m -> m.reply(me)).completion();
    }
  }

  /** Always fails to start. */
  public static class Broken extends VerticleBase {
    @Override
    public Future<?> start() {
      return Future.failedFuture("disk on fire");
    }
  }

  private static ServiceSpec spec(String name, Class<?> type, int instances) {
    return new ServiceSpec(name, type.getName(), Instances.fixed(instances), Threading.EVENT_LOOP,
        new JsonObject().put("address", name));
  }

  @Test
  void deploysEveryServiceWithItsInstances(Vertx vertx, VertxTestContext ctx) {
    DeploymentPlan plan = new DeploymentPlan(List.of(spec("p1", Pong.class, 2)));
    java.util.Set<String> repliers = java.util.concurrent.ConcurrentHashMap.newKeySet();
    new ServiceDeployer(vertx).deploy(plan)
        .compose(done -> {
          Future<Void> chain = Future.succeededFuture();
          for (int i = 0; i < 4; i++) {
            chain = chain.compose(v -> vertx.eventBus().<String>request("p1", "ping").map(r -> {
              repliers.add(r.body());
              return null;
            }));
          }
          return chain;
        })
        .onComplete(ctx.succeeding(v -> ctx.verify(() -> {
          assertEquals(2, repliers.size(), "instances answering: " + repliers);
          ctx.completeNow();
        })));
  }

  @Test
  void anUnknownClassIsNamed(Vertx vertx, VertxTestContext ctx) {
    ServiceSpec bad = new ServiceSpec("x", "no.such.Verticle", Instances.fixed(1), Threading.EVENT_LOOP, new JsonObject());
    new ServiceDeployer(vertx).deploy(new DeploymentPlan(List.of(bad)))
        .onComplete(ctx.failing(e -> ctx.verify(() -> {
          assertEquals("service 'x': verticle class no.such.Verticle is not on the classpath", e.getMessage());
          ctx.completeNow();
        })));
  }

  @Test
  void aClassThatIsNotAVerticleIsRefused(Vertx vertx, VertxTestContext ctx) {
    new ServiceDeployer(vertx).deploy(new DeploymentPlan(List.of(spec("s", String.class, 1))))
        .onComplete(ctx.failing(e -> ctx.verify(() -> {
          assertTrue(e.getMessage().contains("java.lang.String is not a verticle"), e.getMessage());
          ctx.completeNow();
        })));
  }

  @Test
  void aFailedServiceUndeploysTheOnesBeforeIt(Vertx vertx, VertxTestContext ctx) {
    DeploymentPlan plan = new DeploymentPlan(List.of(spec("ok", Pong.class, 1), spec("broken", Broken.class, 1)));
    new ServiceDeployer(vertx).deploy(plan)
        .onComplete(ctx.failing(e -> ctx.verify(() -> {
          assertEquals("service 'broken' failed to start: disk on fire", e.getMessage());
          assertTrue(vertx.deploymentIDs().isEmpty(), "left deployed: " + vertx.deploymentIDs());
          ctx.completeNow();
        })));
  }
}
