package io.conduit.bridge;

import io.conduit.codec.mdp.Mdp;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.zeromq.ZMQ;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

import static io.conduit.bridge.RawZmqClient.text;
import static io.conduit.bridge.RawZmqClient.utf8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * External Majordomo workers (MDP/0.1 worker side) on the bridge, as bare JeroMQ DEALERs: they
 * register a service, serve event-bus requests round-robin, are dropped when silent, and a request
 * in flight to a dying worker is retried (idempotent services) or failed clearly.
 */
@ExtendWith(VertxExtension.class)
class BridgeWorkerTest {

  private static final long HEARTBEAT_MS = 250;

  private final BridgeFixture fixture = new BridgeFixture();
  private final List<RawMdpWorker> workers = new ArrayList<>();

  @AfterEach
  void closeWorkers() {
    workers.forEach(RawMdpWorker::close);
  }

  private void deploy(Vertx vertx, JsonObject extra) throws Exception {
    fixture.deployAndWait(vertx, new JsonObject().put("heartbeatIntervalMs", (int) HEARTBEAT_MS)
        .put("heartbeatLiveness", 3).mergeIn(extra));
  }

  /** Registers workers and waits until exactly they are registered (a deaf first socket expires). */
  private List<RawMdpWorker> register(String service, int count) {
    return register(service, count, null);
  }

  private List<RawMdpWorker> register(String service, int count, Consumer<ZMQ.Socket> setup) {
    List<RawMdpWorker> mine = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      RawMdpWorker w = RawMdpWorker.register(fixture.endpoint, service, HEARTBEAT_MS, setup);
      workers.add(w);
      mine.add(w);
    }
    awaitWhileHeartbeating(() -> fixture.bridge.stats().workers() == workers.size()
        && fixture.bridge.stats().workerServices() >= 1, mine);
    return mine;
  }

  private static CompletableFuture<Object> request(Vertx vertx, String service, Object body) {
    Future<Object> reply = vertx.eventBus().request(service, body, new DeliveryOptions().setSendTimeout(10_000))
        .map(m -> m.body());
    return reply.toCompletionStage().toCompletableFuture();
  }

  private static ReplyException failure(CompletableFuture<Object> reply) throws Exception {
    try {
      Object value = reply.get(10, TimeUnit.SECONDS);
      throw new AssertionError("expected a failure, got " + value);
    } catch (ExecutionException e) {
      return assertInstanceOf(ReplyException.class, e.getCause());
    }
  }

  @Test
  void aWorkerServesEventBusRequestsForItsService(Vertx vertx) throws Exception {
    deploy(vertx, new JsonObject());
    RawMdpWorker worker = register("upper", 1).get(0);

    CompletableFuture<Object> reply = request(vertx, "upper", new JsonObject().put("text", "hi"));
    List<byte[]> request = worker.awaitRequest(5_000);
    assertNotNull(request, "the worker got the request");
    assertEquals(new JsonObject().put("text", "hi"), new JsonObject(text(request.get(4))), "the body travels as JSON");
    worker.reply(request, utf8("{\"text\": \"HI\"}"));

    assertEquals(new JsonObject().put("text", "HI"), reply.get(10, TimeUnit.SECONDS));
    assertEquals(1, fixture.bridge.stats().workerServices());
  }

  @Test
  void aWorkersErrorReplyIsThatErrorForItsCaller(Vertx vertx) throws Exception {
    deploy(vertx, new JsonObject());
    RawMdpWorker worker = register("locker", 1).get(0);

    CompletableFuture<Object> held = request(vertx, "locker", 1);
    worker.reply(worker.awaitRequest(5_000), utf8("{\"error\": {\"code\": \"CONFLICT\", \"message\": \"op 'take': "
        + "the lock is held\"}}"));
    ReplyException conflict = failure(held);
    assertEquals(409, conflict.failureCode());
    assertEquals("op 'take': the lock is held", conflict.getMessage());

    CompletableFuture<Object> broken = request(vertx, "locker", 2);
    worker.reply(worker.awaitRequest(5_000), utf8("{\"error\": {\"code\": \"RECIPIENT_FAILURE\", \"message\": "
        + "\"op 'take' failed: ZeroDivisionError\", \"failureCode\": 500}}"));
    assertEquals(500, failure(broken).failureCode());

    // not the error shape (an unknown code, another field beside it): an ordinary reply
    CompletableFuture<Object> data = request(vertx, "locker", 3);
    worker.reply(worker.awaitRequest(5_000), utf8("{\"error\": {\"code\": \"E42\", \"message\": \"a record\"}}"));
    assertEquals("E42", ((JsonObject) data.get(10, TimeUnit.SECONDS)).getJsonObject("error").getString("code"));
    CompletableFuture<Object> more = request(vertx, "locker", 4);
    worker.reply(worker.awaitRequest(5_000), utf8("{\"error\": {\"code\": \"CONFLICT\", \"message\": \"m\"}, \"n\": 1}"));
    assertEquals(1, ((JsonObject) more.get(10, TimeUnit.SECONDS)).getInteger("n"));
  }

  @Test
  void aReplyThatIsNotJsonComesBackAsBytes(Vertx vertx) throws Exception {
    deploy(vertx, new JsonObject());
    RawMdpWorker worker = register("raw", 1).get(0);

    CompletableFuture<Object> reply = request(vertx, "raw", "x");
    worker.reply(worker.awaitRequest(5_000), new byte[] {1, 2, (byte) 0xff});

    assertEquals(io.vertx.core.buffer.Buffer.buffer(new byte[] {1, 2, (byte) 0xff}), reply.get(10, TimeUnit.SECONDS));
  }

  @Test
  void requestsAreSharedRoundRobinBetweenWorkers(Vertx vertx) throws Exception {
    deploy(vertx, new JsonObject());
    List<RawMdpWorker> two = register("upper", 2);

    List<Integer> servedBy = new ArrayList<>();
    for (int n = 0; n < 4; n++) {
      CompletableFuture<Object> reply = request(vertx, "upper", n);
      int who = -1;
      List<byte[]> request = null;
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
      while (request == null && System.nanoTime() < deadline) {
        for (int w = 0; w < 2 && request == null; w++) {
          request = two.get(w).awaitRequest(20);
          who = w;
        }
      }
      assertNotNull(request, "request " + n + " reached a worker");
      two.get(who).reply(request, utf8(String.valueOf(who)));
      assertEquals(who, reply.get(10, TimeUnit.SECONDS));
      servedBy.add(who);
    }
    assertEquals(List.of(0, 1, 0, 1), servedBy);
  }

  @Test
  void aSilentWorkerIsDroppedAndItsServiceGoesWithTheLastOne(Vertx vertx) throws Exception {
    deploy(vertx, new JsonObject());
    RawMdpWorker worker = register("upper", 1).get(0);

    // The worker stops heartbeating: after 3 intervals the bridge drops it and says so.
    assertTrue(worker.awaitDisconnect(5_000), "the silent worker is told DISCONNECT");
    await(() -> fixture.bridge.stats().workers() == 0 && fixture.bridge.stats().workerServices() == 0);

    ReplyException e = failure(request(vertx, "upper", "anyone?"));
    assertEquals(ReplyFailure.NO_HANDLERS, e.failureType(), "no consumer is left for the service: " + e.getMessage());
    // at least this one: on a loaded machine a READY whose HEARTBEAT came too late for register()
    // (it then retried on a fresh socket) leaves a registration that expires silent as well
    assertTrue(fixture.bridge.stats().workersLost() >= 1, "lost " + fixture.bridge.stats().workersLost());
  }

  @Test
  void aRequestLostWithItsWorkerIsRetriedOnAnotherForAnIdempotentService(Vertx vertx) throws Exception {
    deploy(vertx, new JsonObject().put("idempotentServices", new JsonArray().add("upper")));
    List<RawMdpWorker> two = register("upper", 2);

    CompletableFuture<Object> reply = request(vertx, "upper", "once more");
    assertNotNull(two.get(0).awaitRequest(5_000), "the first idle worker gets the request");
    two.get(0).close(); // dies holding it, without a word

    List<byte[]> retried = two.get(1).awaitRequest(5_000);
    assertNotNull(retried, "the request is retried on the other worker after the liveness window");
    assertEquals("\"once more\"", text(retried.get(4)));
    two.get(1).reply(retried, utf8("\"ONCE MORE\""));

    assertEquals("ONCE MORE", reply.get(10, TimeUnit.SECONDS));
    assertEquals(1, fixture.bridge.stats().workerRetries());
  }

  @Test
  void aRequestLostWithItsWorkerFailsClearlyForAServiceNotDeclaredIdempotent(Vertx vertx) throws Exception {
    deploy(vertx, new JsonObject().put("idempotentServices", new JsonArray().add("other")));
    List<RawMdpWorker> two = register("charge", 2);

    CompletableFuture<Object> reply = request(vertx, "charge", 10);
    assertNotNull(two.get(0).awaitRequest(5_000));
    two.get(0).send(new byte[] {Mdp.DISCONNECT}); // leaves holding it

    ReplyException e = failure(reply);
    assertEquals(502, e.failureCode());
    assertTrue(e.getMessage().contains("'charge'") && e.getMessage().contains("not declared idempotent"),
        e.getMessage());
    assertNull(two.get(1).awaitRequest(3 * HEARTBEAT_MS), "the other worker never sees it");
  }

  @Test
  void theLastWorkerLeavingFailsTheRequestsQueuedForIt(Vertx vertx) throws Exception {
    deploy(vertx, new JsonObject());
    RawMdpWorker worker = register("slow", 1).get(0);

    CompletableFuture<Object> first = request(vertx, "slow", 1);
    assertNotNull(worker.awaitRequest(5_000));
    CompletableFuture<Object> queued = request(vertx, "slow", 2);
    await(() -> fixture.bridge.stats().workerQueued() == 1);
    worker.send(new byte[] {Mdp.DISCONNECT});

    assertEquals(502, failure(first).failureCode());
    ReplyException e = failure(queued);
    assertEquals(503, e.failureCode());
    assertTrue(e.getMessage().contains("last worker of 'slow'"), e.getMessage());
  }

  @Test
  void aFullQueueAnswersOverloaded(Vertx vertx) throws Exception {
    deploy(vertx, new JsonObject().put("maxQueuedPerService", 1));
    RawMdpWorker worker = register("slow", 1).get(0);

    CompletableFuture<Object> first = request(vertx, "slow", 1);
    List<byte[]> taken = worker.awaitRequest(5_000);
    assertNotNull(taken);
    CompletableFuture<Object> queued = request(vertx, "slow", 2);
    await(() -> fixture.bridge.stats().workerQueued() == 1);
    ReplyException e = failure(request(vertx, "slow", 3));
    assertEquals(429, e.failureCode());
    assertTrue(e.getMessage().contains("'slow'"), e.getMessage());

    worker.reply(taken, utf8("1"));
    assertEquals(1, first.get(10, TimeUnit.SECONDS));
    worker.reply(worker.awaitRequest(5_000), utf8("2"));
    assertEquals(2, queued.get(10, TimeUnit.SECONDS), "the queued request is served when the worker is free");
  }

  @Test
  void readyForAServiceTheInboundListDoesNotAdmitIsRefused(Vertx vertx) throws Exception {
    deploy(vertx, new JsonObject().put("inbound", new JsonArray().add("echo").add(new JsonObject().put("regex", "work\\..+"))));

    boolean refused = false;
    for (int attempt = 0; attempt < 20 && !refused; attempt++) {
      try (RawMdpWorker w = RawMdpWorker.unregistered(fixture.endpoint)) {
        w.send(new byte[] {Mdp.READY}, utf8("secret"));
        refused = w.awaitDisconnect(attempt < 3 ? 500 : 1500);
      }
    }
    assertTrue(refused, "the worker is told DISCONNECT");
    assertTrue(fixture.bridge.stats().workersRefused() >= 1);
    assertEquals(0, fixture.bridge.stats().workers());
    assertEquals(ReplyFailure.NO_HANDLERS, failure(request(vertx, "secret", 1)).failureType());

    RawMdpWorker admitted = register("work.resize", 1).get(0);
    CompletableFuture<Object> reply = request(vertx, "work.resize", 1);
    admitted.reply(admitted.awaitRequest(5_000), utf8("2"));
    assertEquals(2, reply.get(10, TimeUnit.SECONDS));
  }

  @Test
  void brokenWorkerMessagesGetDisconnectAndTheBridgeServesOthers(Vertx vertx) throws Exception {
    deploy(vertx, new JsonObject());
    List<byte[][]> broken = List.of(
        new byte[][] {Mdp.WORKER},                                        // no command
        new byte[][] {Mdp.WORKER, {Mdp.READY}},                           // READY without service
        new byte[][] {Mdp.WORKER, {9}},                                   // unknown command
        new byte[][] {Mdp.WORKER, {Mdp.REQUEST}, utf8("c"), new byte[0]}, // a broker's command
        new byte[][] {Mdp.WORKER, {Mdp.REPLY}, utf8("c"), new byte[0], utf8("x")}, // REPLY before READY
        new byte[][] {Mdp.WORKER, {Mdp.HEARTBEAT}});                      // HEARTBEAT before READY
    for (byte[][] frames : broken) {
      boolean disconnected = false;
      for (int attempt = 0; attempt < 20 && !disconnected; attempt++) {
        try (RawMdpWorker w = RawMdpWorker.unregistered(fixture.endpoint)) {
          w.sendRaw(frames);
          disconnected = w.awaitDisconnect(attempt < 3 ? 500 : 1500);
        }
      }
      assertTrue(disconnected, "DISCONNECT for " + RawZmqClient.describe(List.of(frames)));
    }
    assertTrue(fixture.bridge.stats().workerProtocolErrors() >= 4, fixture.bridge.stats().toJson().encode());

    RawMdpWorker good = register("upper", 1).get(0);

    CompletableFuture<Object> reply = request(vertx, "upper", "still");
    good.reply(good.awaitRequest(5_000), utf8("\"STILL\""));
    assertEquals("STILL", reply.get(10, TimeUnit.SECONDS));
  }

  @Test
  void aReplyForARequestTheWorkerWasNotGivenDropsTheWorker(Vertx vertx) throws Exception {
    deploy(vertx, new JsonObject());
    RawMdpWorker worker = register("upper", 1).get(0);

    CompletableFuture<Object> reply = request(vertx, "upper", "x");
    assertNotNull(worker.awaitRequest(5_000));
    worker.send(new byte[] {Mdp.REPLY}, utf8("forged-client"), new byte[0], utf8("\"X\""));

    assertTrue(worker.awaitDisconnect(5_000));
    ReplyException e = failure(reply);
    assertEquals(502, e.failureCode());
    assertTrue(e.getMessage().contains("broke the protocol"), e.getMessage());
  }

  @Test
  void aMajordomoClientReachesAWorkerThroughTheBridge(Vertx vertx) throws Exception {
    deploy(vertx, new JsonObject());
    RawMdpWorker worker = register("upper", 1).get(0);

    try (BridgeMajordomoTest.MdpClient client = new BridgeMajordomoTest.MdpClient(fixture.endpoint)) {
      assertEquals("200", text(client.call("mmi.service", "upper").get(2)), "the service is known");
      // The client waits on its own thread while this one plays the worker.
      CompletableFuture<List<byte[]>> reply = CompletableFuture.supplyAsync(() -> client.call("upper", "\"mdp\""));
      worker.reply(worker.awaitRequest(5_000), utf8("\"MDP\""));
      List<byte[]> frames = reply.get(10, TimeUnit.SECONDS);
      assertEquals(List.of("MDPC01", "upper", "\"MDP\""), frames.stream().map(RawZmqClient::text).toList());
    }
  }

  @Test
  void underCurveOnlyAdmittedKeysCanRegisterWorkers(Vertx vertx) throws Exception {
    ZMQ.Curve.KeyPair server = ZMQ.Curve.generateKeyPair();
    ZMQ.Curve.KeyPair admitted = ZMQ.Curve.generateKeyPair();
    ZMQ.Curve.KeyPair stranger = ZMQ.Curve.generateKeyPair();
    deploy(vertx, new JsonObject().put("curve", new JsonObject().put("publicKey", server.publicKey)
        .put("secretKey", server.secretKey).put("clientKeys", new JsonArray().add(admitted.publicKey))));

    try (RawMdpWorker intruder = RawMdpWorker.unregistered(fixture.endpoint, curveKeys(server, stranger))) {
      intruder.send(new byte[] {Mdp.READY}, utf8("upper"));
      assertNull(intruder.receive(1_500), "the handshake is refused: no HEARTBEAT, no DISCONNECT");
      assertEquals(0, fixture.bridge.stats().workers());
    }

    RawMdpWorker worker = register("upper", 1, curveKeys(server, admitted)).get(0);
    CompletableFuture<Object> reply = request(vertx, "upper", "curve");
    worker.reply(worker.awaitRequest(5_000), utf8("\"CURVE\""));
    assertEquals("CURVE", reply.get(10, TimeUnit.SECONDS));
  }

  private static Consumer<ZMQ.Socket> curveKeys(ZMQ.Curve.KeyPair server, ZMQ.Curve.KeyPair mine) {
    return s -> {
      s.setCurveServerKey(ZMQ.Curve.z85Decode(server.publicKey));
      s.setCurvePublicKey(ZMQ.Curve.z85Decode(mine.publicKey));
      s.setCurveSecretKey(ZMQ.Curve.z85Decode(mine.secretKey));
    };
  }

  @Test
  void badWorkerSettingsAreRefusedNamingTheField() {
    for (JsonObject bad : List.of(new JsonObject().put("heartbeatIntervalMs", 0),
        new JsonObject().put("heartbeatLiveness", "3"),
        new JsonObject().put("maxQueuedPerService", -1),
        new JsonObject().put("idempotentServices", "upper"),
        new JsonObject().put("idempotentServices", new JsonArray().add(new JsonObject().put("regex", "("))))) {
      String field = bad.fieldNames().iterator().next();
      IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
          () -> BridgeOptions.fromJson(bad));
      assertTrue(e.getMessage().contains(field), e.getMessage());
    }
    WorkerOptions defaults = BridgeOptions.fromJson(new JsonObject()).workers();
    assertEquals(2_500, defaults.heartbeatIntervalMs());
    assertEquals(7_500, defaults.expiryMs(), "RFC 7: three intervals");
  }

  /** Waits for a condition (10 s at most) while the given workers keep heartbeating. */
  private static void awaitWhileHeartbeating(BooleanSupplier condition, List<RawMdpWorker> alive) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("condition not met within 10 s");
      }
      for (RawMdpWorker w : alive) {
        assertNull(w.awaitRequest(10), "no request expected yet");
      }
    }
  }

  private static void await(BooleanSupplier condition) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("condition not met within 10 s");
      }
      LockSupport.parkNanos(5_000_000L);
    }
  }
}
