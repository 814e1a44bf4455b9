package io.conduit.bridge;

import io.vertx.core.DeploymentOptions;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static io.conduit.bridge.RawZmqClient.text;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Several bridge instances share one endpoint: Vert.x spreads the connections over their event loops. */
@ExtendWith(VertxExtension.class)
class BridgeInstancesTest {

  @Test
  void twoInstancesOnOneEndpointBothServeClients(Vertx vertx) throws Exception {
    BridgeFixture fixture = new BridgeFixture();
    vertx.eventBus().consumer("echo", m -> m.reply(m.body()));
    List<ZmqBridgeVerticle> instances = new CopyOnWriteArrayList<>();
    vertx.deployVerticle(() -> {
      ZmqBridgeVerticle v = new ZmqBridgeVerticle();
      instances.add(v);
      return v;
    }, new DeploymentOptions().setInstances(2).setConfig(fixture.config()))
        .toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
    List<RawZmqClient> clients = new ArrayList<>();
    try {
      for (int i = 0; i < 8; i++) {
        RawZmqClient c = RawZmqClient.dealer(fixture.endpoint);
        clients.add(c);
        c.request("echo", "", "\"c" + i + "\"");
        assertEquals("\"c" + i + "\"", text(c.reply().get(4)));
      }
      assertEquals(2, instances.size());
      for (ZmqBridgeVerticle v : instances) {
        assertTrue(v.stats().messagesReceived() > 0, "an instance served no request: " + v.stats().toJson());
      }
      assertTrue(instances.stream().mapToLong(v -> v.stats().messagesReceived()).sum() >= 8);
    } finally {
      clients.forEach(RawZmqClient::close);
    }
  }
}
