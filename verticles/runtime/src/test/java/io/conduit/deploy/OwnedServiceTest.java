package io.conduit.deploy;

import io.conduit.node.ServiceRoles;

import io.conduit.Conditions;
import io.conduit.codec.ErrorCode;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A service declared {@code "stateful": true} runs one instance at a time; the others stand by. */
@ExtendWith(VertxExtension.class)
class OwnedServiceTest {

  private static <T> T await(io.vertx.core.Future<T> f) throws Exception {
    return f.toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
  }

  private static List<String> roles(Vertx vertx) {
    return ServiceRoles.of(vertx, "counter").stream().map(j -> j.getString("role")).sorted().toList();
  }

  @Test
  void oneInstanceServesAndAStandbyTakesOverWhenItGoes(Vertx vertx) throws Exception {
    DeploymentPlan plan = DeploymentPlan.parse("{\"services\": [{\"name\": \"counter\", \"verticle\": \""
        + Pong.class.getName() + "\", \"stateful\": true, \"config\": {\"address\": \"counter\"}}]}", "test");
    RunningServices services = new RunningServices(vertx);
    await(services.deploy(plan));
    String owner = services.deploymentIds("counter").get(0);
    // a second instance of the same service (as another node's deployment would be) stands by
    await(vertx.deployVerticle(new OwnedService(), new io.vertx.core.DeploymentOptions()
        .setConfig(OwnedService.config(plan.services().get(0)))));
    assertEquals(List.of("OWNER", "STANDBY"), roles(vertx));
    Set<String> answered = new HashSet<>();
    for (int i = 0; i < 6; i++) {
      answered.add(await(vertx.eventBus().<String>request("counter", "ping")).body());
    }
    assertEquals(1, answered.size(), "one instance answers: " + answered);

    ExecutionException e = assertThrows(ExecutionException.class,
        () -> services.scale("counter", 2).toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS));
    assertEquals(ErrorCode.CONFLICT, assertInstanceOf(ServiceOperationException.class, e.getCause()).code());

    await(vertx.undeploy(owner));
    Conditions.await(10_000, () -> roles(vertx).equals(List.of("OWNER")), () -> "roles " + roles(vertx));
    String next = await(vertx.eventBus().<String>request("counter", "ping")).body();
    assertTrue(!answered.contains(next), "the standby's instance answers now");
  }

  @Test
  void statefulMustBeABoolean() {
    DeploymentFileException e = assertThrows(DeploymentFileException.class, () -> DeploymentPlan.parse(
        "{\"services\": [{\"name\": \"c\", \"verticle\": \"" + Pong.class.getName() + "\", \"stateful\": \"yes\"}]}",
        "test"));
    assertTrue(e.getMessage().contains("stateful: must be true or false, got yes"), e.getMessage());
  }
}
