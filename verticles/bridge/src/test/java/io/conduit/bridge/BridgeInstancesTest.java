package io.conduit.bridge;

import io.micrometer.core.instrument.Metrics;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
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

  /** The global registry is a composite: with no registry in it, every meter reads 0. */
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();

  @BeforeEach
  void addRegistry() {
    Metrics.addRegistry(registry);
  }

  @AfterEach
  void removeRegistry() {
    Metrics.removeRegistry(registry);
    registry.close();
  }

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
      // one set of meters for the endpoint, counting both instances
      assertEquals(8.0, Metrics.globalRegistry.get("conduit.bridge.connections").tag("endpoint", fixture.endpoint)
          .gauge().value());
    } finally {
      clients.forEach(RawZmqClient::close);
    }
  }

  @Test
  void whenOneInstanceStopsTheEndpointsMetersStayAndKeepItsCounts(Vertx vertx) throws Exception {
    BridgeFixture fixture = new BridgeFixture();
    vertx.eventBus().consumer("echo", m -> m.reply(m.body()));
    // as the runtime scales a bridge: one deployment per instance, with the same config
    List<ZmqBridgeVerticle> instances = new CopyOnWriteArrayList<>();
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < 2; i++) {
      ZmqBridgeVerticle v = new ZmqBridgeVerticle();
      instances.add(v);
      ids.add(vertx.deployVerticle(v, new DeploymentOptions().setConfig(fixture.config()))
          .toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS));
    }
    for (int i = 0; i < 8; i++) {
      try (RawZmqClient c = RawZmqClient.dealer(fixture.endpoint)) {
        c.request("echo", "", "" + i);
        assertEquals("" + i, text(c.reply().get(4)));
      }
    }
    long served = instances.stream().mapToLong(v -> v.stats().repliesSent()).sum();
    assertTrue(served >= 8, "replies " + served);
    assertEquals((double) served, replies(fixture));
    vertx.undeploy(ids.get(0)).toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
    assertEquals((double) served, replies(fixture), "a counter keeps what a stopped instance counted");
    vertx.undeploy(ids.get(1)).toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
    assertTrue(Metrics.globalRegistry.find("conduit.bridge.replies").tag("endpoint", fixture.endpoint).meters()
        .isEmpty(), "the meters go with the endpoint's last instance");
  }

  private static double replies(BridgeFixture fixture) {
    return Metrics.globalRegistry.get("conduit.bridge.replies").tag("endpoint", fixture.endpoint).functionCounter()
        .count();
  }

  @Test
  void aSecondBridgeServiceOnTheSameEndpointIsRefused(Vertx vertx) throws Exception {
    BridgeFixture fixture = new BridgeFixture();
    vertx.deployVerticle(ZmqBridgeVerticle.class.getName(), new DeploymentOptions().setConfig(fixture.config()))
        .toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
    Throwable refused = vertx.deployVerticle(ZmqBridgeVerticle.class.getName(), new DeploymentOptions()
            .setConfig(fixture.config().put("inbound", new io.vertx.core.json.JsonArray().add("other"))))
        .toCompletionStage().toCompletableFuture().handle((id, e) -> e).get(20, TimeUnit.SECONDS);
    assertTrue(refused != null && refused.getMessage().contains("already served by another bridge service"),
        String.valueOf(refused));
    try (RawZmqClient c = RawZmqClient.dealer(fixture.endpoint)) {
      vertx.eventBus().consumer("echo", m -> m.reply(m.body()));
      c.request("echo", "", "\"first\"");
      assertEquals("\"first\"", text(c.reply().get(4)), "the first bridge serves on");
    }
  }
}
