package io.conduit.bridge;

import io.conduit.deploy.DeploymentPlan;
import io.conduit.deploy.Instances;
import io.conduit.deploy.NodeControl;
import io.conduit.deploy.Pong;
import io.conduit.deploy.RunningServices;
import io.conduit.deploy.ServiceSpec;
import io.conduit.deploy.Threading;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.List;
import java.util.concurrent.TimeUnit;

import static io.conduit.bridge.RawZmqClient.text;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Node control ({@code conduit.node.<id>}) through the bridge: closed unless {@code inbound} names it,
 * and then still only with the console's token in the {@code authorization} header.
 */
@ExtendWith(VertxExtension.class)
class BridgeNodeControlTest {

  private static final String TOKEN = "0123456789abcdef-console-token";
  private static final String CONTROL = "conduit.node.standalone";
  private static final String STOP_PONG = "{\"op\": \"stop\", \"name\": \"pong\"}";

  private final BridgeFixture fixture = new BridgeFixture();
  private RawZmqClient client;
  private RunningServices services;

  @AfterEach
  void close() {
    if (client != null) {
      client.close();
    }
  }

  private void start(Vertx vertx, String token, JsonObject bridge) throws Exception {
    services = new RunningServices(vertx);
    await(services.deploy(new DeploymentPlan(List.of(new ServiceSpec("pong", Pong.class.getName(), Instances.fixed(1),
        Threading.EVENT_LOOP, new JsonObject().put("address", "pong")))))
        .compose(v -> new NodeControl(services, token).register()));
    fixture.deployAndWait(vertx, bridge);
    client = RawZmqClient.dealer(fixture.endpoint);
  }

  private static <T> T await(Future<T> f) throws Exception {
    return f.toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
  }

  private boolean pongRunning() {
    return services.list().stream().anyMatch(s -> s.name().equals("pong") && s.running() && s.now() == 1);
  }

  @Test
  void aStopThroughTheBridgeIsForbiddenByDefaultAndTheServiceKeepsRunning(Vertx vertx) throws Exception {
    start(vertx, null, new JsonObject());

    client.request(CONTROL, "", STOP_PONG);
    JsonObject error = client.error();
    assertEquals("FORBIDDEN", error.getString("code"));
    assertTrue(error.getString("message").contains("'" + CONTROL + "'")
        && error.getString("message").contains("'inbound'"), error.getString("message"));
    assertTrue(pongRunning(), "the service was not stopped");
  }

  @Test
  void anExplicitlyListedControlAddressStillNeedsTheConsolesToken(Vertx vertx) throws Exception {
    start(vertx, TOKEN, new JsonObject().put("inbound", new JsonArray().add(CONTROL).add("echo")));

    client.request(CONTROL, "", STOP_PONG);
    JsonObject refused = client.error();
    assertEquals("FORBIDDEN", refused.getString("code"));
    assertEquals(403, refused.getInteger("failureCode"));
    assertTrue(refused.getString("message").contains("authorization: Bearer <token>"), refused.getString("message"));
    client.request(CONTROL, new JsonObject().put("authorization", "Bearer wrong-token-0123456789").encode(), STOP_PONG);
    assertEquals(403, client.error().getInteger("failureCode"));
    assertTrue(pongRunning(), "nothing changed without the token");

    client.request(CONTROL, new JsonObject().put("authorization", NodeControl.bearer(TOKEN)).encode(), STOP_PONG);
    List<byte[]> ok = client.reply();
    assertEquals("OK", text(ok.get(1)), RawZmqClient.describe(ok));
    assertEquals("stopped", new JsonObject(text(ok.get(4))).getString("state"));
  }
}
