package io.conduit.bridge;

import io.conduit.codec.RequestHeaders;
import io.conduit.codec.cbp.CbpFrames;
import io.conduit.codec.cbp.Command;
import io.conduit.store.owner.StoreOwnership;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.concurrent.TimeUnit;

import static io.conduit.bridge.RawZmqClient.text;
import static io.conduit.bridge.RawZmqClient.utf8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A store this node owns, on the bridge's own event loop (one loop here, as on a two-core node):
 * the bridge hands it requests directly, and the client sees exactly what it saw over the event
 * bus — the reply and its headers, the store's failure code, TIMEOUT when the store stays silent.
 */
class BridgeDirectStoreTest {

  private Vertx vertx;
  private final BridgeFixture fixture = new BridgeFixture();
  private String storeDeployment;

  /** A store's owner serving "kv" the way the document and graph stores do ({@link StoreOwnership#serve}). */
  static final class Store extends VerticleBase {
    private StoreOwnership ownership;
    private StoreOwnership.Serving serving;
    private Object value;

    @Override
    public Future<?> start() {
      ownership = new StoreOwnership(vertx, "test store", "kv", null, 0, new StoreOwnership.Store() {
        @Override
        public Future<Void> serve() {
          serving = ownership.serve(m -> {
            JsonObject request = (JsonObject) m.body();
            switch (request.getString("op")) {
              case "get" -> m.reply(new JsonObject().put("value", 42)
                  .put("deadline", m.headers().get(RequestHeaders.TIMEOUT_MS))
                  .put("trace", m.headers().get("trace")), new DeliveryOptions().addHeader("version", "7"));
              case "put" -> {
                value = request.getValue("value");
                m.reply(null);
              }
              case "read" -> m.reply(new JsonObject().put("value", value));
              case "locked" -> m.fail(409, "the key is locked");
              case "throw" -> throw new IllegalStateException("a bug in the store");
              default -> { } // "silent": never answers
            }
          });
          return serving.completion();
        }

        @Override
        public Future<Void> close() {
          return serving.unregister();
        }
      });
      return ownership.start();
    }

    @Override
    public Future<?> stop() {
      return ownership.stop();
    }
  }

  @BeforeEach
  void deploy() throws Exception {
    vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(1));
    storeDeployment = vertx.deployVerticle(new Store()).toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    fixture.deployAndWait(vertx, new JsonObject().put("maxMessageBytes", 2 << 20)
        .put("maxInFlightBytesPerClient", 4 << 20));
  }

  @AfterEach
  void close() throws Exception {
    vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  @Test
  void theStoreOnTheBridgesLoopIsCalledDirectlyAndAnswersAsOverTheEventBus() {
    try (RawZmqClient c = RawZmqClient.dealer(fixture.endpoint)) {
      for (int i = 0; i < 3; i++) {
        c.request("kv", "{\"timeout\": \"2500\", \"trace\": \"t-" + i + "\"}", "{\"op\": \"get\"}");
        List<byte[]> reply = c.reply();
        assertEquals("OK", text(reply.get(1)));
        assertEquals("7", new JsonObject(text(reply.get(3))).getString("version"));
        assertEquals(new JsonObject().put("value", 42).put("deadline", "2500").put("trace", "t-" + i),
            new JsonObject(text(reply.get(4))));
      }
      assertEquals(3, fixture.bridge.stats().directStoreCalls());
      assertEquals(3, fixture.bridge.stats().toJson().getLong("directStoreCalls"));
      c.request("echo", "", "1");
      assertEquals("OK", text(c.reply().get(1)));
      assertEquals(3, fixture.bridge.stats().directStoreCalls(), "a service that is not a store goes on the event bus");
    }
  }

  @Test
  void aClientsSendsAndRequestsReachTheStoreInTheOrderSent() {
    try (RawZmqClient c = RawZmqClient.dealer(fixture.endpoint)) {
      for (int i = 0; i < 20; i++) {
        c.send(CbpFrames.request(Command.SEND, utf8("s" + i), "kv", new byte[0],
            utf8(new JsonObject().put("op", "put").put("value", i).encode())));
        c.send(CbpFrames.request(Command.REQUEST, utf8("r" + i), "kv", new byte[0], utf8("{\"op\": \"read\"}")));
      }
      int read = 0;
      for (int i = 0; i < 40; i++) {
        List<byte[]> reply = c.reply();
        assertEquals("OK", text(reply.get(1)), RawZmqClient.describe(reply));
        String id = text(reply.get(2));
        if (id.startsWith("r")) {
          assertEquals(Integer.parseInt(id.substring(1)), new JsonObject(text(reply.get(4))).getInteger("value"),
              "a read sees the put sent just before it");
          read++;
        }
      }
      assertEquals(20, read);
      assertEquals(40, fixture.bridge.stats().directStoreCalls());
    }
  }

  @Test
  void theDeadlineIsTheBridgesNotOneAClientWrote() {
    try (RawZmqClient c = RawZmqClient.dealer(fixture.endpoint)) {
      c.request("kv", "{\"timeout\": \"3000\", \"" + RequestHeaders.TIMEOUT_MS + "\": \"1\"}", "{\"op\": \"get\"}");
      assertEquals("3000", new JsonObject(text(c.reply().get(4))).getString("deadline"));
    }
  }

  @Test
  void aStoreThatThrowsLeavesTheRequestToItsTimeoutAndTheBridgeServing() {
    try (RawZmqClient c = RawZmqClient.dealer(fixture.endpoint)) {
      c.request("kv", "{\"timeout\": \"200\"}", "{\"op\": \"throw\"}");
      assertEquals("TIMEOUT", c.error().getString("code"));
      c.request("kv", "", "{\"op\": \"get\"}");
      assertEquals("OK", text(c.reply().get(1)));
    }
  }

  @Test
  void theStoresFailureAndItsSilenceReachTheClientWithTheirCodes() {
    try (RawZmqClient c = RawZmqClient.dealer(fixture.endpoint)) {
      c.request("kv", "", "{\"op\": \"locked\"}");
      JsonObject locked = c.error();
      assertEquals(409, locked.getInteger("failureCode"));
      assertTrue(locked.getString("message").contains("the key is locked"), locked.encode());
      long start = System.nanoTime();
      c.request("kv", "{\"timeout\": \"200\"}", "{\"op\": \"silent\"}");
      JsonObject silent = c.error();
      assertEquals("TIMEOUT", silent.getString("code"));
      assertEquals(200, silent.getLong("timeoutMs"));
      assertTrue(System.nanoTime() - start >= TimeUnit.MILLISECONDS.toNanos(200), "not before its deadline");
      c.request("kv", "", "{\"op\": \"get\"}");
      assertEquals("OK", text(c.reply().get(1)), "the bridge still serves the client");
      assertEquals(3, fixture.bridge.stats().directStoreCalls());
    }
  }

  @Test
  void aStoreThatStoppedIsCalledOnTheEventBusAgain() throws Exception {
    vertx.undeploy(storeDeployment).toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    try (RawZmqClient c = RawZmqClient.dealer(fixture.endpoint)) {
      c.request("kv", "", "{\"op\": \"get\"}");
      assertEquals("NO_HANDLERS", c.error().getString("code"));
      assertEquals(0, fixture.bridge.stats().directStoreCalls());
    }
  }

  @Test
  void acknowledgedSendsTheStoreStillHoldsStayChargedToTheirClientUntilItIsDoneWithThem() throws Exception {
    String big = new JsonObject().put("op", "silent").put("pad", "x".repeat(1 << 20)).encode();
    try (RawZmqClient c = RawZmqClient.dealer(fixture.endpoint)) {
      for (int i = 0; i < 5; i++) {
        c.send(CbpFrames.request(Command.SEND, utf8("s" + i), "kv", utf8("{\"timeout\": \"500\"}"), utf8(big)));
      }
      // the store holds every send it takes (it never answers "silent"); three fill the client's 4 MiB
      c.expectAcks("s", 5, 3, 4 << 20);
      assertTrue(fixture.bridge.stats().inFlightBytes() > 3 << 20, "charged " + fixture.bridge.stats().inFlightBytes());
      // their deadline passed, the store is taken to be done with them: the client may send again
      io.conduit.Conditions.await(10_000, () -> fixture.bridge.stats().inFlightBytes() == 0,
          () -> fixture.bridge.stats().inFlightBytes() + " bytes still charged");
      String put = new JsonObject().put("op", "put").put("value", "y".repeat(1 << 20)).encode();
      for (int i = 0; i < 5; i++) {
        c.send(CbpFrames.request(Command.SEND, utf8("p" + i), "kv", new byte[0], utf8(put)));
        assertEquals("OK", text(c.reply().get(1)), "a send the store answers at once gives its bytes back at once");
      }
      io.conduit.Conditions.await(10_000, () -> fixture.bridge.stats().inFlightBytes() == 0,
          () -> fixture.bridge.stats().inFlightBytes() + " bytes still charged");
    }
  }
}
