package io.conduit.bridge;

import io.conduit.codec.mdp.Mdp;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.zeromq.SocketType;
import org.zeromq.ZContext;
import org.zeromq.ZMQ;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

import static io.conduit.bridge.RawZmqClient.text;
import static io.conduit.bridge.RawZmqClient.utf8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Serving is a permission of its own: a Majordomo worker never registers Vert.x's or Conduit's own
 * addresses nor one the node serves itself, a {@code serve} list bounds the rest, and clients call
 * {@code __vertx.*} and {@code conduit.*} only where {@code inbound} names them. Real sockets.
 */
@ExtendWith(VertxExtension.class)
class BridgeServePolicyTest {

  private static final long HEARTBEAT_MS = 250;

  private final BridgeFixture fixture = new BridgeFixture();
  private final List<AutoCloseable> open = new ArrayList<>();

  @AfterEach
  void close() throws Exception {
    for (AutoCloseable c : open) {
      c.close();
    }
  }

  private void deploy(Vertx vertx, JsonObject extra) throws Exception {
    // stand-ins for what a node serves itself: its control point and the console's monitor
    vertx.eventBus().consumer("conduit.node.x", m -> m.reply("control"));
    vertx.eventBus().consumer("conduit.web.node.x", m -> m.reply("monitor"));
    fixture.deployAndWait(vertx, new JsonObject().put("heartbeatIntervalMs", (int) HEARTBEAT_MS).mergeIn(extra));
  }

  private RawZmqClient client() {
    RawZmqClient c = RawZmqClient.dealer(fixture.endpoint);
    open.add(c);
    return c;
  }

  /**
   * A READY for {@code service} is answered with DISCONNECT at once, never with the HEARTBEAT that
   * confirms a registration (on fresh sockets until the bridge is heard).
   */
  private void assertReadyRefused(String service) {
    long refusedBefore = fixture.bridge.stats().workersRefused();
    List<byte[]> answer = null;
    for (int attempt = 0; attempt < 20 && answer == null; attempt++) {
      try (RawMdpWorker w = RawMdpWorker.unregistered(fixture.endpoint)) {
        w.send(new byte[] {Mdp.READY}, utf8(service));
        answer = w.receive(attempt < 3 ? 500 : 1500);
      }
    }
    assertNotNull(answer, "the bridge answered the READY for '" + service + "'");
    assertEquals("MDPW01", text(answer.get(0)));
    assertEquals(Mdp.DISCONNECT, answer.get(1)[0], "READY for '" + service + "' is answered with DISCONNECT (5), "
        + "not with the HEARTBEAT (4) that confirms a registration");
    assertTrue(fixture.bridge.stats().workersRefused() > refusedBefore, "the refusal is counted");
    assertEquals(0, fixture.bridge.stats().workers(), "no worker is registered");
    assertEquals(0, fixture.bridge.stats().workerServices(), "no consumer was registered for a worker");
  }

  private static Object request(Vertx vertx, String address) throws Exception {
    return vertx.eventBus().request(address, "hello", new DeliveryOptions().setSendTimeout(5_000))
        .map(m -> m.body()).toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  @Test
  void aWorkerCannotRegisterForVertxReplyAddressesAndClientsStillGetTheirReplies(Vertx vertx) throws Exception {
    deploy(vertx, new JsonObject());
    RawZmqClient victim = client();

    for (int n = 1; n <= 3; n++) {
      assertReadyRefused("__vertx.reply." + n);
    }
    for (int n = 0; n < 5; n++) {
      victim.request("echo", "", "\"mine-" + n + "\"");
      assertEquals("\"mine-" + n + "\"", text(victim.reply().get(4)), "the reply reaches its own client");
    }
  }

  @Test
  void aWorkerCannotRegisterForNodeControlOrTheConsolesMonitorEvenWhenListed(Vertx vertx) throws Exception {
    JsonArray listed = new JsonArray().add("conduit.node.x").add("conduit.web.node.x").add("echo");
    deploy(vertx, new JsonObject().put("inbound", listed).put("serve", listed));

    assertReadyRefused("conduit.node.x");
    assertReadyRefused("conduit.web.node.x");
    for (int n = 0; n < 4; n++) {
      assertEquals("control", request(vertx, "conduit.node.x"), "the console's control request reaches the node");
      assertEquals("monitor", request(vertx, "conduit.web.node.x"));
    }
  }

  @Test
  void aWorkerCannotTakeOverAnAddressTheNodeServesItself(Vertx vertx) throws Exception {
    deploy(vertx, new JsonObject().put("reservedAddresses", new JsonArray().add("echo").add(
        new JsonObject().put("regex", "echo\\..+"))));
    RawZmqClient victim = client();

    assertReadyRefused("echo");
    assertReadyRefused("echo.changes");
    for (int n = 0; n < 4; n++) {
      victim.request("echo", "", "{\"secret\": " + n + "}");
      assertEquals(new JsonObject().put("secret", n), new JsonObject(text(victim.reply().get(4))),
          "the node's own consumer answers every request");
    }
  }

  @Test
  void anOrdinaryNameIsServedWithTheDefaultConfig(Vertx vertx) throws Exception {
    deploy(vertx, new JsonObject());
    RawMdpWorker worker = RawMdpWorker.register(fixture.endpoint, "py.upper", HEARTBEAT_MS);
    open.add(worker);
    await(() -> fixture.bridge.stats().workerServices() == 1, worker);

    CompletableFuture<Object> reply = vertx.eventBus().request("py.upper", "abc").map(m -> m.body())
        .toCompletionStage().toCompletableFuture();
    List<byte[]> request = worker.awaitRequest(5_000);
    assertNotNull(request);
    worker.reply(request, utf8("\"ABC\""));
    assertEquals("ABC", reply.get(10, TimeUnit.SECONDS));
  }

  @Test
  void aWorkerForANameOutsideTheServeListIsRefusedAndListedOnesAreServed(Vertx vertx) throws Exception {
    deploy(vertx, new JsonObject().put("serve", new JsonArray().add(new JsonObject().put("regex", "py\\..+"))));

    assertReadyRefused("payments");
    RawMdpWorker worker = RawMdpWorker.register(fixture.endpoint, "py.lower", HEARTBEAT_MS);
    open.add(worker);
    await(() -> fixture.bridge.stats().workerServices() == 1, worker);
  }

  @Test
  void aClientCannotCallNodeControlThroughTheBridgeByDefault(Vertx vertx) throws Exception {
    deploy(vertx, new JsonObject());
    RawZmqClient client = client();

    for (String command : List.of("REQUEST", "SEND", "PUBLISH")) {
      client.send(io.conduit.codec.cbp.CbpFrames.request(io.conduit.codec.cbp.Command.valueOf(command), utf8("c"),
          "conduit.node.x", new byte[0], utf8("{\"op\": \"stop\", \"name\": \"echo\"}")));
      JsonObject error = client.error();
      assertEquals("FORBIDDEN", error.getString("code"), command);
      assertTrue(error.getString("message").contains("'conduit.node.x'")
          && error.getString("message").contains("--inbound"), error.getString("message"));
    }
    client.request("__vertx.reply.1", "", "\"forged reply\"");
    assertEquals("FORBIDDEN", client.error().getString("code"));

    try (BridgeMajordomoTest.MdpClient mdp = new BridgeMajordomoTest.MdpClient(fixture.endpoint)) {
      JsonObject body = new JsonObject(text(mdp.call("conduit.node.x", "{\"op\": \"services\"}").get(2)));
      assertEquals("FORBIDDEN", body.getJsonObject("error").getString("code"));
      assertEquals("404", text(mdp.call("mmi.service", "conduit.node.x").get(2)), "not even its existence is told");
    }
  }

  @Test
  void subscriptionsToVertxAndConduitAddressesAreRefused(Vertx vertx) throws Exception {
    deploy(vertx, new JsonObject());
    try (ZContext ctx = new ZContext(1)) {
      // A fresh SUB sometimes never connects (docs/bridge.md): fresh sockets until both refusals are counted.
      for (int attempt = 0; attempt < 5 && forbidden() < 2; attempt++) {
        ZMQ.Socket sub = ctx.createSocket(SocketType.SUB);
        sub.setLinger(0);
        sub.connect(fixture.eventsEndpoint);
        sub.subscribe(utf8("__vertx.reply.1"));
        sub.subscribe(utf8("conduit.node.x"));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
        while (forbidden() < 2 && System.nanoTime() < deadline) {
          LockSupport.parkNanos(10_000_000L);
        }
        ctx.destroySocket(sub);
      }
    }
    assertTrue(forbidden() >= 2, "both subscriptions are refused and counted");
    assertEquals("control", request(vertx, "conduit.node.x"), "no subscription consumer shares the control address");
  }

  private long forbidden() {
    return fixture.bridge.stats().toJson().getJsonObject("errors").getLong("FORBIDDEN", 0L);
  }

  /** Waits (10 s at most) while the worker heartbeats. */
  private static void await(BooleanSupplier condition, RawMdpWorker alive) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("condition not met within 10 s");
      }
      alive.awaitRequest(10);
    }
  }
}
