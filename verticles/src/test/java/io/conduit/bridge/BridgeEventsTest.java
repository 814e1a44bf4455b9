package io.conduit.bridge;

import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.zeromq.SocketType;
import org.zeromq.ZContext;
import org.zeromq.ZMQ;

import java.util.ArrayList;
import java.util.List;

import static io.conduit.bridge.RawZmqClient.text;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

/** SUB clients receive the event-bus messages of the addresses they subscribe to, if permitted. */
@ExtendWith(VertxExtension.class)
class BridgeEventsTest {

  private final BridgeFixture fixture = new BridgeFixture();

  @BeforeEach
  void deploy(Vertx vertx) throws Exception {
    fixture.deployAndWait(vertx, new JsonObject().put("outbound", new JsonArray().add("news").add("marker")));
  }

  /** Publishes {@code body} on {@code address} until the subscriber receives something, for 10 s at most. */
  private static List<byte[]> publishUntilReceived(Vertx vertx, ZContext ctx, ZMQ.Socket sub, String address, Object body,
                                                   DeliveryOptions options) {
    ZMQ.Poller poller = ctx.createPoller(1);
    poller.register(sub, ZMQ.Poller.POLLIN);
    try {
      long deadline = System.nanoTime() + 10_000_000_000L;
      while (System.nanoTime() < deadline) {
        // The subscription travels asynchronously: keep publishing until it has taken effect.
        vertx.eventBus().publish(address, body, options);
        if (poller.poll(100) > 0) {
          List<byte[]> frames = new ArrayList<>();
          frames.add(sub.recv(0));
          while (sub.hasReceiveMore()) {
            frames.add(sub.recv(0));
          }
          return frames;
        }
      }
      return null;
    } finally {
      poller.close();
    }
  }

  @Test
  void aSubscriberReceivesAddressHeadersAndBody(Vertx vertx) {
    try (ZContext ctx = new ZContext(1)) {
      ZMQ.Socket sub = ctx.createSocket(SocketType.SUB);
      sub.connect(fixture.eventsEndpoint);
      sub.subscribe("news".getBytes());
      List<byte[]> frames = publishUntilReceived(vertx, ctx, sub, "news", new JsonObject().put("headline", "hi"),
          new DeliveryOptions().addHeader("edition", "late"));
      assertNotNull(frames, "no event within 10 s");
      assertEquals(3, frames.size());
      assertEquals("news", text(frames.get(0)));
      JsonObject headers = new JsonObject(text(frames.get(1)));
      assertEquals("late", headers.getString("edition"));
      assertEquals("application/json", headers.getString("content-type"));
      assertEquals(new JsonObject().put("headline", "hi"), new JsonObject(text(frames.get(2))));
    }
  }

  @Test
  void aSubscriptionOutsideTheOutboundListReceivesNothing(Vertx vertx) {
    try (ZContext ctx = new ZContext(1)) {
      ZMQ.Socket sub = ctx.createSocket(SocketType.SUB);
      sub.connect(fixture.eventsEndpoint);
      sub.subscribe("secret".getBytes());
      sub.subscribe("marker".getBytes());
      vertx.eventBus().consumer("secret", m -> { });
      // Once the permitted marker arrives, the secret one (published first each round) would have too.
      ZMQ.Poller poller = ctx.createPoller(1);
      poller.register(sub, ZMQ.Poller.POLLIN);
      String first = null;
      long deadline = System.nanoTime() + 10_000_000_000L;
      while (first == null && System.nanoTime() < deadline) {
        vertx.eventBus().publish("secret", "classified");
        vertx.eventBus().publish("marker", "m");
        if (poller.poll(100) > 0) {
          first = sub.recvStr(0);
        }
      }
      poller.close();
      assertEquals("marker", first);
    }
  }

  @Test
  void theConsumerGoesAwayWithTheLastSubscriber(Vertx vertx) {
    try (ZContext ctx = new ZContext(1)) {
      ZMQ.Socket sub = ctx.createSocket(SocketType.SUB);
      sub.connect(fixture.eventsEndpoint);
      sub.subscribe("news".getBytes());
      assertNotNull(publishUntilReceived(vertx, ctx, sub, "news", "one", new DeliveryOptions()));
      assertEquals(1, fixture.bridge.stats().toJson().getInteger("subscribedAddresses"));
      sub.unsubscribe("news".getBytes());
      long deadline = System.nanoTime() + 10_000_000_000L;
      while (fixture.bridge.stats().toJson().getInteger("subscribedAddresses") > 0 && System.nanoTime() < deadline) {
        java.util.concurrent.locks.LockSupport.parkNanos(2_000_000);
      }
      assertEquals(0, fixture.bridge.stats().toJson().getInteger("subscribedAddresses"));
    }
  }
}
