package io.conduit.web;

import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Any consumer's requests are measured per address, without changing the consumer. */
@ExtendWith(VertxExtension.class)
class ServiceMetersTest {

  @Test
  void repliesAreCountedWithLatencyAndFailuresByCode(Vertx vertx) throws Exception {
    NodeMonitor monitor = NodeMonitor.install(vertx, id -> null, name -> List.of());
    vertx.eventBus().consumer("plain", m -> vertx.setTimer(5, t -> m.reply("ok")));
    vertx.eventBus().consumer("picky", m -> m.fail(409, "locked"));
    for (int i = 0; i < 20; i++) {
      WebFixture.await(vertx.eventBus().request("plain", "x"));
    }
    for (int i = 0; i < 3; i++) {
      WebFixture.await(vertx.eventBus().request("picky", "x").otherwiseEmpty());
    }
    JsonObject plain = monitor.meters("plain");
    assertEquals(20L, plain.getLong("requests"));
    assertEquals(0L, plain.getLong("errors"));
    assertTrue(plain.getDouble("p50Ms") >= 4.0, plain.encode());
    assertTrue(plain.getDouble("perSecond") > 0, plain.encode());
    JsonObject picky = monitor.meters("picky");
    assertEquals(3L, picky.getLong("requests"));
    assertEquals(3L, picky.getJsonObject("errorsByCode").getLong("CONFLICT"));
  }

  @Test
  void messagesWithoutReplyAreNotRequests(Vertx vertx) throws Exception {
    NodeMonitor monitor = NodeMonitor.install(vertx, id -> null, name -> List.of());
    vertx.eventBus().consumer("events", m -> { });
    vertx.eventBus().send("events", "x");
    vertx.eventBus().publish("events", "y");
    WebFixture.await(vertx.eventBus().request(NodeMonitor.address(monitor.nodeId()), new JsonObject().put("op", "info")));
    assertEquals(0L, monitor.meters("events").getLong("requests"));
  }

  @Test
  void monitorRefusesUnknownOps(Vertx vertx) {
    NodeMonitor monitor = NodeMonitor.install(vertx, id -> null, name -> List.of());
    var failure = vertx.eventBus().request(NodeMonitor.address(monitor.nodeId()), new JsonObject().put("op", "exec"),
        new DeliveryOptions().setSendTimeout(5000));
    Exception e = org.junit.jupiter.api.Assertions.assertThrows(Exception.class, () -> WebFixture.await(failure));
    assertTrue(e.getCause().getMessage().contains("unknown op 'exec'"), e.getCause().getMessage());
  }
}
