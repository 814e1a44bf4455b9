package io.conduit.bridge;

import io.conduit.bridge.InteropBridge.Security;
import io.conduit.codec.cbp.CbpFrames;
import io.conduit.codec.cbp.Command;
import io.conduit.codec.mdp.Mdp;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.zeromq.SocketType;
import org.zeromq.ZContext;
import org.zeromq.ZMQ;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.Locale;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import static io.conduit.bridge.RawZmqClient.text;
import static io.conduit.bridge.RawZmqClient.utf8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The interoperability matrix, JeroMQ's column: JeroMQ 0.6.0 clients and workers against the
 * bridge, plainly and under CURVE with keys from JeroMQ's own {@code ZMQ.Curve.generateKeyPair()}.
 * Fresh JeroMQ sockets sometimes never get an answer (DESIGN.md); {@link RawZmqClient} and
 * {@link RawMdpWorker} prove theirs first, and the SUB here replaces a deaf socket.
 */
@ExtendWith(VertxExtension.class)
class InteropJeromqTest {

  @ParameterizedTest(name = "{0}")
  @EnumSource(Security.class)
  void aReqClientMakesSequentialRequests(Security security, Vertx vertx) throws Exception {
    InteropBridge bridge = InteropBridge.deploy(vertx, security);
    try (RawZmqClient req = RawZmqClient.connect(bridge.endpoint(), SocketType.REQ, bridge.jeromq())) {
      for (int i = 0; i < 200; i++) {
        String body = "{\"n\":" + i + ",\"from\":\"jeromq REQ\"}";
        req.send(CbpFrames.request(Command.REQUEST, utf8("r" + i), "echo", new byte[0], utf8(body)));
        List<byte[]> reply = req.reply();
        assertEquals(List.of("CBP1", "OK", "r" + i), reply.subList(0, 3).stream().map(RawZmqClient::text).toList());
        assertEquals(new JsonObject(body), new JsonObject(text(reply.get(4))));
      }
    }
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(Security.class)
  void aDealerPipelinesTenThousandRequestsAndEveryReplyMatches(Security security, Vertx vertx) throws Exception {
    InteropBridge bridge = InteropBridge.deploy(vertx, security);
    int n = 10_000;
    // the whole burst is queued, neither dropped nor blocked; the bridge routes by the announced identity
    Consumer<ZMQ.Socket> unbounded = s -> {
      s.setSndHWM(0);
      s.setRcvHWM(0);
      s.setIdentity(utf8("jeromq-dealer"));
      if (bridge.jeromq() != null) {
        bridge.jeromq().accept(s);
      }
    };
    try (RawZmqClient dealer = RawZmqClient.connect(bridge.endpoint(), SocketType.DEALER, unbounded)) {
      for (int i = 0; i < n; i++) {
        dealer.send(CbpFrames.request(Command.REQUEST, ByteBuffer.allocate(4).putInt(i).array(), "echo",
            new byte[0], utf8(Integer.toString(i))));
      }
      BitSet answered = new BitSet(n);
      for (int k = 0; k < n; k++) {
        List<byte[]> reply = dealer.reply();
        int id = ByteBuffer.wrap(reply.get(2)).getInt();
        assertEquals("OK", text(reply.get(1)), RawZmqClient.describe(reply));
        assertEquals(Integer.toString(id), text(reply.get(4)), "the body belongs to its id");
        assertFalse(answered.get(id), "id " + id + " answered twice");
        answered.set(id);
      }
      assertEquals(n, answered.cardinality());

      // frames over 255 bytes travel with 8-byte sizes (and, under CURVE, in one large box)
      String big = "\"" + "x".repeat(1 << 20) + "\"";
      dealer.send(CbpFrames.request(Command.REQUEST, utf8("big"), "echo", new byte[0], utf8(big)));
      List<byte[]> reply = dealer.reply();
      assertEquals("big", text(reply.get(2)));
      assertEquals(big, text(reply.get(4)));
    }
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(Security.class)
  void aSubReceivesPublishedEventsUntilItUnsubscribes(Security security, Vertx vertx) throws Exception {
    InteropBridge bridge = InteropBridge.deploy(vertx, security);
    String address = "interop.news";
    try (ZContext ctx = new ZContext(1)) {
      ZMQ.Socket sub = subscribed(ctx, bridge, address, () -> vertx.eventBus().publish(address, new JsonObject().put("seq", -1)));
      for (int seq = 0; seq < 5; seq++) {
        vertx.eventBus().publish(address, new JsonObject().put("seq", seq));
      }
      List<Integer> got = new ArrayList<>();
      while (got.size() < 5) {
        List<byte[]> event = RawZmqClient.receive(ctx, sub, 10_000);
        assertNotNull(event, "event " + got.size() + " did not arrive");
        assertEquals(address, text(event.get(0)));
        assertEquals("application/json", new JsonObject(text(event.get(1))).getString("content-type"));
        int seq = new JsonObject(text(event.get(2))).getInteger("seq");
        if (seq >= 0) {
          got.add(seq);
        }
      }
      assertEquals(List.of(0, 1, 2, 3, 4), got);

      sub.unsubscribe(utf8(address));
      InteropBridge.await(() -> bridge.stats().toJson().getInteger("subscribedAddresses") == 0,
          () -> "the subscription is cancelled; " + bridge.stats().toJson());
      while (RawZmqClient.receive(ctx, sub, 0) != null) {
        // events published before the cancellation arrived may still be queued
      }
      vertx.eventBus().publish(address, new JsonObject().put("seq", 99));
      assertNull(RawZmqClient.receive(ctx, sub, 500), "an event after unsubscribing");
    }
  }

  /** A SUB socket that has received its first event while {@code publish} ran; a deaf fresh socket is replaced. */
  private static ZMQ.Socket subscribed(ZContext ctx, InteropBridge bridge, String address, Runnable publish) {
    for (int attempt = 0; attempt < 5; attempt++) {
      ZMQ.Socket sub = ctx.createSocket(SocketType.SUB);
      sub.setLinger(0);
      if (bridge.jeromq() != null) {
        bridge.jeromq().accept(sub);
      }
      sub.connect(bridge.events());
      sub.subscribe(utf8(address));
      long deadline = System.nanoTime() + 3_000_000_000L;
      while (System.nanoTime() < deadline) {
        publish.run();
        List<byte[]> event = RawZmqClient.receive(ctx, sub, 100);
        if (event != null) {
          return sub;
        }
      }
      ctx.destroySocket(sub);
    }
    throw new AssertionError("no event on 5 fresh SUB sockets; " + bridge.stats().toJson());
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(Security.class)
  void aMajordomoClientOnReqCallsAnEventBusService(Security security, Vertx vertx) throws Exception {
    InteropBridge bridge = InteropBridge.deploy(vertx, security);
    try (RawZmqClient req = RawZmqClient.connect(bridge.endpoint(), SocketType.REQ, bridge.jeromq())) {
      majordomoCalls(req);
    }
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(Security.class)
  void aMajordomoClientOnDealerCallsAnEventBusService(Security security, Vertx vertx) throws Exception {
    InteropBridge bridge = InteropBridge.deploy(vertx, security);
    // RawZmqClient puts the empty delimiter in front on a DEALER, as RFC 7 asks of a DEALER client
    try (RawZmqClient dealer = RawZmqClient.connect(bridge.endpoint(), SocketType.DEALER, bridge.jeromq())) {
      majordomoCalls(dealer);
    }
  }

  private static void majordomoCalls(RawZmqClient client) {
    assertEquals(List.of("MDPC01", "mmi.service", "200"), mdp(client, "mmi.service", "echo"));
    assertEquals(List.of("MDPC01", "mmi.service", "404"), mdp(client, "mmi.service", "no.such.service"));
    for (int i = 0; i < 20; i++) {
      List<String> reply = mdp(client, "echo", "{\"n\":" + i + "}");
      assertEquals(List.of("MDPC01", "echo"), reply.subList(0, 2));
      assertEquals(new JsonObject().put("n", i), new JsonObject(reply.get(2)));
    }
    List<String> failed = mdp(client, "no.such.service", "{}");
    assertEquals("NO_HANDLERS", new JsonObject(failed.get(2)).getJsonObject("error").getString("code"));
  }

  private static List<String> mdp(RawZmqClient client, String service, String body) {
    client.send(Mdp.CLIENT, utf8(service), utf8(body));
    return client.reply().stream().map(RawZmqClient::text).toList();
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(Security.class)
  void aMajordomoWorkerServesPyzmqClients(Security security, Vertx vertx) throws Exception {
    InteropBridge bridge = InteropBridge.deploy(vertx, security);
    try (UpperWorker worker = new UpperWorker(bridge, "jeromq.upper")) {
      assertEquals("ok call jeromq.upper 50", PythonPeer.run(40, "zmq_interop.py",
          bridge.pyzmq("call", "-n", "50", "jeromq.upper")));
      assertEquals(50, worker.served());
    }
  }

  @Test
  void aStockRfc7MajordomoClientReachesAJeromqWorker(Vertx vertx) throws Exception {
    InteropBridge bridge = InteropBridge.deploy(vertx, Security.NULL);
    try (UpperWorker worker = new UpperWorker(bridge, "jeromq.upper")) {
      assertEquals("\"ONE\"\n\"TWO\"", PythonPeer.run(40, "mdp_rfc7_client.py",
          List.of(bridge.endpoint(), "jeromq.upper", "\"one\"", "\"two\"")));
    }
  }

  /**
   * A JeroMQ Majordomo worker on a thread of its own (its socket never leaves that thread) that
   * upper-cases JSON strings; registered when constructed, gone when closed.
   */
  private static final class UpperWorker implements AutoCloseable {
    private final ExecutorService thread = Executors.newSingleThreadExecutor();
    private final CompletableFuture<Void> registered = new CompletableFuture<>();
    private final Future<Integer> served;
    private volatile boolean stop;

    UpperWorker(InteropBridge bridge, String service) throws Exception {
      served = thread.submit(() -> {
        int n = 0;
        try (RawMdpWorker w = RawMdpWorker.register(bridge.endpoint(), service, InteropBridge.HEARTBEAT_MS,
            bridge.jeromq())) {
          registered.complete(null);
          while (!stop) {
            List<byte[]> request = w.awaitRequest(50);
            if (request != null) {
              w.reply(request, utf8(text(request.get(4)).toUpperCase(Locale.ROOT)));
              n++;
            }
          }
        } catch (Throwable t) {
          registered.completeExceptionally(t);
          throw t;
        }
        return n;
      });
      registered.get(60, TimeUnit.SECONDS);
    }

    int served() throws Exception {
      stop = true;
      return served.get(10, TimeUnit.SECONDS);
    }

    /** Stops the loop and waits for it (no interrupt: JeroMQ sockets are not interrupt-safe). */
    @Override
    public void close() {
      stop = true;
      try {
        served.get(10, TimeUnit.SECONDS);
      } catch (Exception e) {
        // the test has already failed on the worker's error, or never needed it
      } finally {
        thread.shutdown();
      }
    }
  }

  @Test
  void underCurveUnknownKeysAndPlainClientsAreRefusedOnBothSockets(Vertx vertx) throws Exception {
    InteropBridge bridge = InteropBridge.deploy(vertx, Security.CURVE);
    for (SocketType type : List.of(SocketType.DEALER, SocketType.SUB)) {
      String endpoint = type == SocketType.DEALER ? bridge.endpoint() : bridge.events();
      TreeSet<String> stranger = refused(endpoint, type, InteropBridge.jeromqStranger());
      assertTrue(stranger.contains("HANDSHAKE_FAILED_AUTH(400)"), stranger::toString);
      refused(endpoint, type, null);
    }
    try (RawZmqClient admitted = RawZmqClient.connect(bridge.endpoint(), SocketType.DEALER, bridge.jeromq())) {
      admitted.request("echo", "", "\"admitted\"");
      assertEquals("\"admitted\"", text(admitted.reply().get(4)));
    }
  }

  /**
   * Connects a client the bridge must refuse and asserts that nothing arrives; the monitor events it
   * saw. A fresh JeroMQ socket that never even starts its handshake (DESIGN.md) says nothing about
   * the bridge, so such a socket is replaced, 5 times at most.
   */
  private static TreeSet<String> refused(String endpoint, SocketType type, Consumer<ZMQ.Socket> setup) {
    List<TreeSet<String>> seen = new java.util.ArrayList<>();
    for (int attempt = 0; attempt < 5; attempt++) {
      // a context of its own each try: a JeroMQ I/O thread that stalled must not take the next try with it
      try (ZContext ctx = new ZContext(1)) {
        ZMQ.Socket s = ctx.createSocket(type);
        s.setLinger(0);
        if (setup != null) {
          setup.accept(s);
        }
        String monitorEndpoint = "inproc://monitor-" + attempt;
        s.monitor(monitorEndpoint, ZMQ.EVENT_ALL);
        ZMQ.Socket monitor = ctx.createSocket(SocketType.PAIR);
        monitor.connect(monitorEndpoint);
        s.connect(endpoint);
        if (type == SocketType.SUB) {
          s.subscribe(new byte[0]);
        } else {
          s.send(new byte[0], ZMQ.SNDMORE);
          byte[][] ping = CbpFrames.request(Command.PING, utf8("p"), "", new byte[0], new byte[0]);
          for (int i = 0; i < ping.length; i++) {
            s.send(ping[i], i < ping.length - 1 ? ZMQ.SNDMORE : 0);
          }
        }
        // the outcome is decided when the connection closes: a refusal closes it at once
        TreeSet<String> events = new TreeSet<>();
        monitor.setReceiveTimeOut(100);
        long deadline = System.nanoTime() + 3_000_000_000L;
        while (events.stream().noneMatch(n -> n.startsWith("DISCONNECTED")) && System.nanoTime() < deadline) {
          ZMQ.Event e = ZMQ.Event.recv(monitor);
          if (e != null) {
            events.add(eventName(e.getEvent()) + "(" + e.getValue() + ")");
          }
        }
        assertNull(RawZmqClient.receive(ctx, s, 100), "a refused " + type + " got a message");
        ZMQ.Event e;
        while ((e = ZMQ.Event.recv(monitor, ZMQ.DONTWAIT)) != null) {
          events.add(eventName(e.getEvent()) + "(" + e.getValue() + ")");
        }
        assertFalse(events.stream().anyMatch(n -> n.startsWith("HANDSHAKE_SUCCEEDED")), events.toString());
        if (events.stream().anyMatch(n -> n.startsWith("DISCONNECTED"))) {
          return events;
        }
        seen.add(events);
      }
    }
    throw new AssertionError("no fresh JeroMQ " + type + " got as far as the handshake in 5 tries: " + seen);
  }

  private static String eventName(int event) {
    for (var f : zmq.ZMQ.class.getFields()) {
      try {
        if (f.getName().startsWith("ZMQ_EVENT_") && f.getType() == int.class && f.getInt(null) == event
            && !f.getName().equals("ZMQ_EVENT_ALL")) {
          return f.getName().substring("ZMQ_EVENT_".length());
        }
      } catch (IllegalAccessException ignored) {
        // not a constant
      }
    }
    return Integer.toHexString(event);
  }
}
