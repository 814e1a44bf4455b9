package io.conduit.cli.serve;

import io.conduit.deploy.DeploymentPlan;
import io.conduit.deploy.NodeControl;
import io.conduit.deploy.NodeLifecycle;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A standalone node deploys its plan through the service registry and answers at its control address. */
@Timeout(60)
class NodeTest {

  private static final DeploymentPlan ECHO = DeploymentPlan.parse("""
      {"services": [{"name": "echo", "verticle": "io.conduit.builtin.EchoVerticle",
                     "instances": {"min": 1, "max": 2}, "config": {"address": "node-test.echo"}}]}
      """, "test");

  private static <T> T await(io.vertx.core.Future<T> future) throws Exception {
    return future.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
  }

  @Test
  void aNodeIsControlledOnTheEventBusAndStopsItsServices() throws Exception {
    Node node = await(Node.start(ECHO, null));
    try {
      assertEquals(NodeLifecycle.State.READY, NodeLifecycle.get(node.vertx()), "ready once the deployment is up");
      JsonObject scaled = await(node.vertx().eventBus().<JsonObject>request(NodeControl.address(node.vertx()),
          new JsonObject().put("op", "scale").put("name", "echo").put("instances", 2)).map(Message::body));
      assertEquals(2, scaled.getJsonObject("instances").getInteger("now"));
      assertEquals(2, node.services().list().get(0).now());
      assertEquals(2, node.services().deploymentIds("echo").size());
      assertTrue(node.vertx().deploymentIDs().containsAll(node.services().deploymentIds("echo")));
    } finally {
      await(node.stop());
    }
    assertTrue(node.vertx().deploymentIDs().isEmpty());
  }
}
