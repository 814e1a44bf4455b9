package io.conduit.worker;

import io.conduit.Conditions;

import io.conduit.deploy.DeploymentPlan;
import io.conduit.deploy.Instances;
import io.conduit.deploy.RunningServices;
import io.conduit.deploy.ScaleEvent;
import io.conduit.deploy.Scaling;
import io.conduit.deploy.Threading;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static io.conduit.worker.ScalerTest.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** An instance whose deployment disappears without the registry asking is replaced. */
@ExtendWith(VertxExtension.class)
@Timeout(60)
class CrashReplacementTest {

  private Scaler scaler;

  @AfterEach
  void stop() throws Exception {
    if (scaler != null) {
      await(scaler.stop());
    }
  }

  private RunningServices running(Vertx vertx, Instances instances) throws Exception {
    RunningServices services = new RunningServices(vertx);
    await(services.deploy(new DeploymentPlan(List.of(
        Slow.spec("fragile", instances, Threading.EVENT_LOOP, Scaling.DEFAULTS)))));
    scaler = await(new Scaler(services, 50).start());
    return services;
  }

  private static List<ScaleEvent> events(Vertx vertx) throws Exception {
    List<ScaleEvent> events = new CopyOnWriteArrayList<>();
    await(vertx.eventBus().<JsonObject>consumer(ScaleEvent.ADDRESS, m -> events.add(ScaleEvent.fromJson(m.body())))
        .completion());
    return events;
  }

  @Test
  void anInstanceUndeployedBehindTheRegistrysBackIsReplaced(Vertx vertx) throws Exception {
    RunningServices services = running(vertx, Instances.fixed(2));
    List<ScaleEvent> events = events(vertx);
    String killed = services.deploymentIds("fragile").get(0);
    await(vertx.undeploy(killed));

    Conditions.await(10_000, () -> events.size() >= 2, () -> "events " + events);
    assertEquals("instance " + killed + " ended without being undeployed", events.get(0).reason());
    assertEquals(2, events.get(0).from());
    assertEquals(1, events.get(0).to());
    assertEquals("replaced crashed instance", events.get(1).reason());
    assertEquals(1, events.get(1).from());
    assertEquals(2, events.get(1).to());
    List<String> ids = services.deploymentIds("fragile");
    assertEquals(2, ids.size());
    assertFalse(ids.contains(killed));
    assertTrue(vertx.deploymentIDs().containsAll(ids));
  }

  @Test
  void anInstanceThatUndeploysItselfIsReplacedAndServesAgain(Vertx vertx) throws Exception {
    RunningServices services = running(vertx, new Instances(1, 3));
    String died = await(vertx.eventBus().<String>request("fragile", "die")).body();
    Conditions.await(10_000, () -> {
      List<String> ids = services.deploymentIds("fragile");
      return ids.size() == 1 && !ids.contains(died);
    }, () -> "instances " + services.deploymentIds("fragile"));
    String answeredBy = await(vertx.eventBus().<String>request("fragile", "work")).body();
    assertEquals(services.deploymentIds("fragile").get(0), answeredBy);
  }

  @Test
  void aReplacementBelongsToTheRegistryAndOutlivesTheScalerThatMadeIt(Vertx vertx) throws Exception {
    RunningServices services = running(vertx, Instances.fixed(1));
    String killed = services.deploymentIds("fragile").get(0);
    await(vertx.undeploy(killed));
    Conditions.await(10_000, () -> {
      List<String> ids = services.deploymentIds("fragile");
      return ids.size() == 1 && !ids.contains(killed) && vertx.deploymentIDs().containsAll(ids);
    }, () -> "instances " + services.deploymentIds("fragile"));
    String replacement = services.deploymentIds("fragile").get(0);
    // deployed from the scaler's tick, it must not be a child of the scaler's deployment: a node
    // stops its scaler first, and its services after, in their order
    await(scaler.stop());
    scaler = null;
    assertTrue(vertx.deploymentIDs().contains(replacement), "the replacement went with the scaler");
    assertEquals(List.of(replacement), services.deploymentIds("fragile"));
  }

  @Test
  void aStoppedServiceIsNotRestarted(Vertx vertx) throws Exception {
    RunningServices services = running(vertx, Instances.fixed(1));
    await(services.stop("fragile"));
    long from = scaler.ticks();
    Conditions.await(5_000, () -> scaler.ticks() >= from + 2, () -> "the scaler ticked " + (scaler.ticks() - from));
    assertTrue(services.deploymentIds("fragile").isEmpty());
    assertEquals(1, vertx.deploymentIDs().size(), "only the scaler is deployed: " + vertx.deploymentIDs());
  }
}
