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
import java.util.concurrent.locks.LockSupport;

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

  /**
   * A SUB socket subscribed to {@code topics}, with the first message it received while
   * {@code publish} ran every 100 ms. A fresh JeroMQ socket sometimes never receives anything (see
   * DESIGN.md), so a silent one is replaced, 5 times at most, as a real subscriber would.
   */
  private record Received(ZMQ.Socket socket, List<byte[]> frames) {
  }

  private static Received subscribeAndReceive(ZContext ctx, String endpoint, Runnable publish, String... topics) {
    for (int attempt = 1; attempt <= 5; attempt++) {
      ZMQ.Socket sub = ctx.createSocket(SocketType.SUB);
      sub.setLinger(0);
      sub.connect(endpoint);
      for (String t : topics) {
        sub.subscribe(t.getBytes());
      }
      ZMQ.Poller poller = ctx.createPoller(1);
      poller.register(sub, ZMQ.Poller.POLLIN);
      try {
        long deadline = System.nanoTime() + 3_000_000_000L;
        while (System.nanoTime() < deadline) {
          publish.run();
          if (poller.poll(100) > 0) {
            List<byte[]> frames = new ArrayList<>();
            frames.add(sub.recv(0));
            while (sub.hasReceiveMore()) {
              frames.add(sub.recv(0));
            }
            return new Received(sub, frames);
          }
        }
      } finally {
        poller.close();
      }
      ctx.destroySocket(sub);
    }
    return null;
  }

  @Test
  void aSubscriberReceivesAddressHeadersAndBody(Vertx vertx) {
    try (ZContext ctx = new ZContext(1)) {
      Received received = subscribeAndReceive(ctx, fixture.eventsEndpoint, () -> vertx.eventBus().publish("news",
          new JsonObject().put("headline", "hi"), new DeliveryOptions().addHeader("edition", "late")), "news");
      assertNotNull(received, () -> "no event; bridge stats " + fixture.bridge.stats().toJson());
      List<byte[]> frames = received.frames();
      assertEquals(3, frames.size());
      assertEquals("news", text(frames.get(0)));
      JsonObject headers = new JsonObject(text(frames.get(1)));
      assertEquals("late", headers.getString("edition"));
      assertEquals("application/json", headers.getString("content-type"));
      assertEquals(new JsonObject().put("headline", "hi"), new JsonObject(text(frames.get(2))));
    }
  }

  @Test
  void conduitsOwnHeadersStayInsideTheNode(Vertx vertx) {
    try (ZContext ctx = new ZContext(1)) {
      Received received = subscribeAndReceive(ctx, fixture.eventsEndpoint, () -> vertx.eventBus().publish("news",
          "hi", new DeliveryOptions().addHeader("edition", "late").addHeader("conduit-timeout-ms", "5")
              .addHeader("conduit-pipeline-next", "stage-2").addHeader("content-encoding", "deflate")), "news");
      assertNotNull(received, () -> "no event; bridge stats " + fixture.bridge.stats().toJson());
      JsonObject headers = new JsonObject(text(received.frames().get(1)));
      assertEquals(new JsonObject().put("edition", "late").put("content-type", "application/json"), headers);
    }
  }

  @Test
  void aSubscriptionOutsideTheOutboundListReceivesNothing(Vertx vertx) {
    vertx.eventBus().consumer("secret", m -> { });
    try (ZContext ctx = new ZContext(1)) {
      // Each round publishes the forbidden address first: had it been subscribed, it would arrive first.
      Received first = subscribeAndReceive(ctx, fixture.eventsEndpoint, () -> {
        vertx.eventBus().publish("secret", "classified");
        vertx.eventBus().publish("marker", "m");
      }, "secret", "marker");
      assertNotNull(first, () -> "no event; bridge stats " + fixture.bridge.stats().toJson());
      assertEquals("marker", text(first.frames().get(0)));
    }
  }

  @Test
  void aRequestLandingOnTheSubscriptionConsumerFailsAtOnceWithAReason(Vertx vertx) throws Exception {
    try (ZContext ctx = new ZContext(1)) {
      assertNotNull(subscribeAndReceive(ctx, fixture.eventsEndpoint, () -> vertx.eventBus().publish("news", "x"), "news"));
      var failure = vertx.eventBus().request("news", "a request", new DeliveryOptions().setSendTimeout(10_000))
          .toCompletionStage().toCompletableFuture();
      var e = org.junit.jupiter.api.Assertions.assertThrows(java.util.concurrent.ExecutionException.class,
          () -> failure.get(5, java.util.concurrent.TimeUnit.SECONDS));
      var rex = (io.vertx.core.eventbus.ReplyException) e.getCause();
      assertEquals(503, rex.failureCode());
      org.junit.jupiter.api.Assertions.assertTrue(rex.getMessage().contains("cannot reply"), rex.getMessage());
    }
  }

  @Test
  void theConsumerGoesAwayWithTheLastSubscriber(Vertx vertx) {
    try (ZContext ctx = new ZContext(1)) {
      Received received = subscribeAndReceive(ctx, fixture.eventsEndpoint,
          () -> vertx.eventBus().publish("news", "one"), "news");
      assertNotNull(received, () -> "no event; bridge stats " + fixture.bridge.stats().toJson());
      assertEquals(1, fixture.bridge.stats().toJson().getInteger("subscribedAddresses"));
      received.socket().unsubscribe("news".getBytes());
      long deadline = System.nanoTime() + 10_000_000_000L;
      while (fixture.bridge.stats().toJson().getInteger("subscribedAddresses") > 0 && System.nanoTime() < deadline) {
        LockSupport.parkNanos(2_000_000);
      }
      assertEquals(0, fixture.bridge.stats().toJson().getInteger("subscribedAddresses"));
    }
  }
}
