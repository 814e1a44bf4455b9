package io.conduit.deploy;

import io.conduit.node.FrontDoor;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Front doors (bridge, console) open after every other service of a plan and close before them. */
@ExtendWith(VertxExtension.class)
class FrontDoorOrderTest {

  static final List<String> EVENTS = new CopyOnWriteArrayList<>();

  /** A service that notes when it starts and stops. */
  public static class Service extends VerticleBase {
    @Override
    public Future<?> start() {
      EVENTS.add("start " + config().getString("name"));
      return Future.succeededFuture();
    }

    @Override
    public Future<?> stop() {
      EVENTS.add("stop " + config().getString("name"));
      return Future.succeededFuture();
    }
  }

  /** The same, as a front door. */
  public static class Door extends Service implements FrontDoor {
  }

  private static ServiceSpec spec(String name, Class<?> type) {
    return new ServiceSpec(name, type.getName(), Instances.fixed(1), Threading.EVENT_LOOP,
        new JsonObject().put("name", name));
  }

  @Test
  void doorsOpenLastAndCloseFirstWhereverThePlanListsThem(Vertx vertx) throws Exception {
    EVENTS.clear();
    RunningServices services = new RunningServices(vertx);
    DeploymentPlan plan = new DeploymentPlan(List.of(spec("bridge", Door.class), spec("docs", Service.class),
        spec("web", Door.class), spec("tasks", Service.class)));
    services.deploy(plan).toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    assertEquals(List.of("start docs", "start tasks", "start bridge", "start web"), EVENTS);
    EVENTS.clear();
    services.undeployAll().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    assertEquals(List.of("stop web", "stop bridge", "stop tasks", "stop docs"), EVENTS);
  }
}
