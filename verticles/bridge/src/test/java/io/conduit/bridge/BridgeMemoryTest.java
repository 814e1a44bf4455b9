package io.conduit.bridge;

import io.conduit.Conditions;

import io.conduit.codec.cbp.CbpFrames;
import io.conduit.codec.cbp.Command;
import io.conduit.codec.zmtp.Greeting;
import io.conduit.codec.zmtp.SocketType;
import io.conduit.codec.zmtp.ZmtpException;
import io.conduit.codec.zmtp.ZmtpSecurity;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.zeromq.ZMQ;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;

import static io.conduit.bridge.RawZmqClient.text;
import static io.conduit.bridge.RawZmqClient.utf8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The attacks a local client could once take a node down with, as tests: memory is spent only on
 * bytes that arrived and within budgets, output to a client that does not read is bounded, and a
 * well-behaved client is served throughout.
 */
class BridgeMemoryTest {

  private static final long MIB = 1L << 20;
  private static final long ANNOUNCED = (64 * MIB) - 1;

  private final BridgeFixture fixture = new BridgeFixture();
  private final List<Socket> sockets = new ArrayList<>();
  private Vertx vertx;

  /** The node's Vert.x: on its default transport here, on io_uring in {@link BridgeMemoryOnIoUringTest}. */
  Vertx newVertx() {
    return Vertx.vertx();
  }

  @BeforeEach
  void startVertx() {
    vertx = newVertx();
  }

  @AfterEach
  void closeVertx() throws Exception {
    vertx.close().toCompletionStage().toCompletableFuture().get(30, java.util.concurrent.TimeUnit.SECONDS);
  }

  @AfterEach
  void closeSockets() {
    for (Socket s : sockets) {
      try {
        s.close();
      } catch (IOException e) {
        // closing anyway
      }
    }
  }

  private static void assertServed(String endpoint) {
    try (RawZmqClient c = RawZmqClient.dealer(endpoint)) {
      c.request("echo", "", "\"alive\"");
      assertEquals("\"alive\"", text(c.reply().get(4)));
    }
  }

  private static long heapUsedAfterGc() {
    System.gc();
    return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
  }

  @Test
  void framesAnnouncedLargeCostOnlyTheBytesThatArrived() throws Exception {
    fixture.deployAndWait(vertx, new JsonObject());
    long heapBefore = heapUsedAfterGc();
    byte[] attack = Buffer.buffer(ZmtpTestClient.nullHandshake(SocketType.DEALER))
        .appendBytes(ZmtpTestClient.longFrameHeader(0, ANNOUNCED)).appendBytes(new byte[100]).getBytes();
    for (int i = 0; i < 200; i++) {
      Socket s = ZmtpTestClient.raw(fixture.endpoint);
      sockets.add(s);
      s.getOutputStream().write(attack);
      if (i % 50 == 0) {
        assertServed(fixture.endpoint);
      }
    }
    Conditions.await(10_000, () -> fixture.bridge.stats().connections() >= 200, () -> "200 connections");
    assertServed(fixture.endpoint);
    long held = fixture.bridge.stats().receiveBufferedBytes();
    // each holds what arrived (100 bytes, in a buffer of at least 256), never the 64 MiB announced
    assertTrue(held <= 200 * 64 * 1024, "the bridge holds " + held + " bytes for 200 frames of 100 bytes");
    long grown = heapUsedAfterGc() - heapBefore;
    assertTrue(grown < 64 * MIB, "the heap grew by " + grown / MIB + " MiB (announced: 200 × 64 MiB)");
  }

  @Test
  void aSubscriberAnnouncingALargeFrameIsClosedAtOnce() throws Exception {
    fixture.deployAndWait(vertx, new JsonObject());
    byte[] attack = Buffer.buffer(ZmtpTestClient.nullHandshake(SocketType.SUB))
        .appendBytes(ZmtpTestClient.longFrameHeader(0, ANNOUNCED)).getBytes();
    for (int i = 0; i < 8; i++) {
      Socket s = ZmtpTestClient.raw(fixture.eventsEndpoint);
      sockets.add(s);
      s.getOutputStream().write(attack);
      assertTrue(ZmtpTestClient.closedByServer(s, 5_000), "subscriber " + i + " was not closed");
    }
    assertTrue(fixture.bridge.stats().connectionsClosed(ZmtpException.Reason.FRAME_TOO_LARGE) >= 8);
    assertServed(fixture.endpoint);
  }

  @Test
  void beforeItsKeyIsCheckedACurveClientMayHoldOnlyAFewKilobytes() throws Exception {
    ZMQ.Curve.KeyPair server = ZMQ.Curve.generateKeyPair();
    fixture.deployAndWait(vertx, new JsonObject().put("curve", new JsonObject().put("publicKey", server.publicKey)
        .put("secretKey", server.secretKey)));
    byte[] attack = Buffer.buffer(Greeting.encode("CURVE", false))
        .appendBytes(ZmtpTestClient.longFrameHeader(0x04, ANNOUNCED)).getBytes();
    for (int i = 0; i < 8; i++) {
      Socket s = ZmtpTestClient.raw(fixture.endpoint);
      sockets.add(s);
      s.getOutputStream().write(attack);
      assertTrue(ZmtpTestClient.closedByServer(s, 5_000), "connection " + i + " was not closed");
    }
    assertEquals(8, fixture.bridge.stats().connectionsClosed(ZmtpException.Reason.FRAME_TOO_LARGE));
    assertEquals(0, fixture.bridge.stats().receiveBufferedBytes());
  }

  @Test
  void aConnectionThatDoesNotFinishItsHandshakeIsClosedAfterTheTimeout() throws Exception {
    fixture.deployAndWait(vertx, new JsonObject().put("handshakeTimeoutMs", 300));
    Socket s = ZmtpTestClient.raw(fixture.endpoint);
    sockets.add(s);
    s.getOutputStream().write(new byte[] {(byte) 0xFF, 0, 0, 0});
    long start = System.nanoTime();
    assertTrue(ZmtpTestClient.closedByServer(s, 5_000), "a stalled handshake was left open");
    long tookMs = (System.nanoTime() - start) / 1_000_000;
    assertTrue(tookMs >= 200, "closed after " + tookMs + " ms, before the timeout");
    assertEquals(1, fixture.bridge.stats().connectionsClosed(ZmtpException.Reason.HANDSHAKE_TIMEOUT));
    assertServed(fixture.endpoint);
  }

  @Test
  void aClientThatNeverReadsIsStoppedAndClosedWithoutHoldingItsReplies() throws Exception {
    Buffer oneMiB = Buffer.buffer(new byte[(int) MIB]);
    vertx.eventBus().consumer("huge", m -> m.reply(oneMiB));
    fixture.deployAndWait(vertx, new JsonObject().put("clientOutputBytes", 4 * MIB).put("slowClientTimeoutMs", 2_000));
    long heapBefore = heapUsedAfterGc();
    try (ZmtpTestClient greedy = ZmtpTestClient.connect(fixture.endpoint, SocketType.DEALER, ZmtpSecurity.none(),
        16 * 1024)) {
      // 9,000 requests of ~40 bytes ask for 9 GiB of replies; the client reads none of them
      for (int i = 0; i < 9_000; i++) {
        greedy.send(CbpFrames.request(Command.REQUEST, utf8("r" + i), "huge", new byte[0], utf8("{}")));
      }
      assertTrue(greedy.closedByServer(20_000), "a client that reads nothing was never closed");
    } catch (java.io.UncheckedIOException closedWhileSending) {
      // the bridge closed it while the requests were still being written: the outcome the test wants
    }
    assertTrue(fixture.bridge.stats().connectionsClosed(ZmtpException.Reason.DEAD_PEER) >= 1);
    assertServed(fixture.endpoint);
    Conditions.await(10_000, () -> fixture.bridge.stats().inFlight() == 0, () -> "in-flight slots to be freed");
    long grown = heapUsedAfterGc() - heapBefore;
    assertTrue(grown < 128 * MIB, "the heap grew by " + grown / MIB + " MiB");
  }

  @Test
  void aRequestWaitingForItsReplyHoldsItsDecodedBodyNotItsBytesAsWell() throws Exception {
    List<Object> held = new java.util.concurrent.CopyOnWriteArrayList<>();
    vertx.eventBus().consumer("hold", m -> held.add(m)); // never replies while the test looks
    fixture.deployAndWait(vertx, new JsonObject().put("maxInFlightBytesPerClient", 128 * MIB));
    int n = 64;
    byte[] body = ("\"" + "x".repeat((int) MIB) + "\"").getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    long heapBefore = heapUsedAfterGc();
    try (ZmtpTestClient c = ZmtpTestClient.connect(fixture.endpoint, SocketType.DEALER, ZmtpSecurity.none())) {
      for (int i = 0; i < n; i++) {
        c.send(CbpFrames.request(Command.REQUEST, utf8("h" + i), "hold", new byte[0], body));
      }
      Conditions.await(20_000, () -> held.size() == n, () -> held.size() + " of " + n + " requests to arrive");
      long grown = heapUsedAfterGc() - heapBefore;
      // the decoded strings themselves are 64 MiB; the request bytes kept as well would double it
      assertTrue(grown < 100 * MIB, "the heap grew by " + grown / MIB + " MiB for " + n + " waiting requests");
    }
  }

  @Test
  void aMessageManyTimesOverTheLimitIsReadAndAnsweredTooLarge() throws Exception {
    fixture.deployAndWait(vertx, new JsonObject().put("maxMessageBytes", 65_536));
    try (ZmtpTestClient c = ZmtpTestClient.connect(fixture.endpoint, SocketType.DEALER, ZmtpSecurity.none())) {
      byte[][] request = CbpFrames.request(Command.REQUEST, utf8("big-1"), "echo", new byte[0], new byte[900_000]);
      c.send(request);
      List<byte[]> reply = c.receive(10_000);
      assertNotNull(reply, "no reply to an oversize message");
      assertEquals("ERROR", text(reply.get(1)));
      assertEquals("big-1", text(reply.get(2)));
      assertEquals("TOO_LARGE", new JsonObject(Buffer.buffer(reply.get(4))).getString("code"));
      // the connection stays usable
      c.send(CbpFrames.request(Command.REQUEST, utf8("small"), "echo", new byte[0], utf8("\"ok\"")));
      List<byte[]> next = c.receive(10_000);
      assertNotNull(next);
      assertEquals("\"ok\"", text(next.get(4)));
    }
    assertEquals(0, fixture.bridge.stats().receiveBufferedBytes());
  }

  @Test
  void aBurstOfAThousandConnectionsIsServedPromptly() throws Exception {
    fixture.deployAndWait(vertx, new JsonObject());
    int n = 1_000;
    List<ZmtpTestClient> clients = new ArrayList<>();
    try {
      // every connection is opened before any is read: the bridge must accept them all (listen backlog)
      for (int i = 0; i < n; i++) {
        ZmtpTestClient c = ZmtpTestClient.open(fixture.endpoint, SocketType.DEALER);
        clients.add(c);
        c.send(CbpFrames.request(Command.REQUEST, utf8("b" + i), "echo", new byte[0], utf8("" + i)));
      }
      for (int i = 0; i < n; i++) {
        List<byte[]> reply = clients.get(i).receive(5_000);
        assertNotNull(reply, "client " + i + " waited over 5 s for its first reply");
        assertEquals("" + i, text(reply.get(4)));
      }
    } finally {
      clients.forEach(ZmtpTestClient::close);
    }
  }

  /** The error replies {@code c} receives for {@code n} requests, by id. */
  private static java.util.Map<String, JsonObject> errors(ZmtpTestClient c, int n) throws IOException {
    java.util.Map<String, JsonObject> byId = new java.util.TreeMap<>();
    for (int i = 0; i < n; i++) {
      List<byte[]> reply = c.receive(10_000);
      assertNotNull(reply, "only " + i + " of " + n + " refusals came");
      assertEquals("ERROR", text(reply.get(1)));
      byId.put(text(reply.get(2)), new JsonObject(Buffer.buffer(reply.get(4))));
    }
    return byId;
  }

  @Test
  void requestsWaitingForTheirRepliesHoldNoMoreBytesThanTheLimitsPerClientAndNodeWide() throws Exception {
    List<io.vertx.core.eventbus.Message<Object>> held = new java.util.concurrent.CopyOnWriteArrayList<>();
    vertx.eventBus().<Object>consumer("hold", held::add); // answers only when the test says
    fixture.deployAndWait(vertx, new JsonObject().put("maxMessageBytes", (int) (2 * MIB))
        .put("maxInFlightBytesPerClient", 4 * MIB).put("maxInFlightBytes", 6 * MIB));
    byte[] body = ("\"" + "x".repeat((int) MIB) + "\"").getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    try (ZmtpTestClient a = ZmtpTestClient.connect(fixture.endpoint, SocketType.DEALER, ZmtpSecurity.none());
         ZmtpTestClient b = ZmtpTestClient.connect(fixture.endpoint, SocketType.DEALER, ZmtpSecurity.none())) {
      for (int i = 0; i < 5; i++) {
        a.send(CbpFrames.request(Command.REQUEST, utf8("a" + i), "hold", new byte[0], body));
      }
      // three requests of a little over 1 MiB fit in 4 MiB, the fourth and fifth do not
      java.util.Map<String, JsonObject> refused = errors(a, 2);
      assertEquals(java.util.Set.of("a3", "a4"), refused.keySet());
      for (JsonObject e : refused.values()) {
        assertEquals("OVERLOADED", e.getString("code"));
        assertEquals(4 * MIB, e.getLong("limit"));
        assertTrue(e.getString("message").contains("maxInFlightBytesPerClient"), e.encode());
      }
      for (int i = 0; i < 3; i++) {
        b.send(CbpFrames.request(Command.REQUEST, utf8("b" + i), "hold", new byte[0], body));
      }
      // node-wide, five fit in 6 MiB: client b's third request is over the node's limit
      JsonObject overNode = errors(b, 1).get("b2");
      assertNotNull(overNode, "b2 was not the request refused");
      assertEquals(6 * MIB, overNode.getLong("limit"));
      assertTrue(overNode.getString("message").contains("maxInFlightBytes"), overNode.encode());
      Conditions.await(10_000, () -> held.size() == 5, () -> held.size() + " of 5 requests held");
      assertTrue(fixture.bridge.stats().inFlightBytes() > 5 * MIB, "charged " + fixture.bridge.stats().inFlightBytes());
      assertServed(fixture.endpoint); // a small request still fits

      // answered, the requests give their bytes back: the same client may send as much again
      held.forEach(m -> m.reply("done"));
      held.clear();
      for (int i = 0; i < 5; i++) {
        assertEquals("OK", text((i < 3 ? a : b).receive(10_000).get(1)));
      }
      Conditions.await(10_000, () -> fixture.bridge.stats().inFlightBytes() == 0, () -> "in-flight bytes given back");
      for (int i = 0; i < 3; i++) {
        a.send(CbpFrames.request(Command.REQUEST, utf8("again" + i), "hold", new byte[0], body));
      }
      Conditions.await(10_000, () -> held.size() == 3, () -> held.size() + " of 3 requests held after the replies");
      held.forEach(m -> m.reply("done"));
    }
  }

  @Test
  void aDeflatedBodyCountsAtItsInflatedSize() throws Exception {
    List<io.vertx.core.eventbus.Message<Object>> held = new java.util.concurrent.CopyOnWriteArrayList<>();
    vertx.eventBus().<Object>consumer("hold", held::add);
    fixture.deployAndWait(vertx, new JsonObject().put("maxMessageBytes", (int) (2 * MIB))
        .put("maxInFlightBytesPerClient", 2 * MIB));
    byte[] inflated = ("\"" + "x".repeat((int) (1.5 * MIB)) + "\"").getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    byte[] deflated = io.conduit.codec.cbp.Bodies.deflate(inflated);
    assertTrue(deflated.length < 64 * 1024, "deflated to " + deflated.length);
    byte[] headers = io.conduit.codec.cbp.Headers.encode(java.util.Map.of(io.conduit.codec.cbp.Headers.CONTENT_ENCODING, io.conduit.codec.cbp.Headers.DEFLATE));
    try (ZmtpTestClient c = ZmtpTestClient.connect(fixture.endpoint, SocketType.DEALER, ZmtpSecurity.none())) {
      c.send(CbpFrames.request(Command.REQUEST, utf8("z1"), "hold", headers, deflated));
      Conditions.await(10_000, () -> held.size() == 1, () -> "the first request held");
      assertTrue(fixture.bridge.stats().inFlightBytes() > inflated.length,
          "charged " + fixture.bridge.stats().inFlightBytes() + " for a body of " + inflated.length + " inflated");
      // a few kilobytes on the wire, but 1.5 MiB more once inflated: over the client's 2 MiB
      c.send(CbpFrames.request(Command.REQUEST, utf8("z2"), "hold", headers, deflated));
      JsonObject refused = errors(c, 1).get("z2");
      assertNotNull(refused, "z2 was not refused");
      assertEquals("OVERLOADED", refused.getString("code"));
      assertEquals(2 * MIB, refused.getLong("limit"));
      assertEquals(1, held.size());
      held.get(0).reply("done");
      assertEquals("OK", text(c.receive(10_000).get(1)));
      Conditions.await(10_000, () -> fixture.bridge.stats().inFlightBytes() == 0, () -> "in-flight bytes given back");

      // counted at its inflated size instead of its compressed one, not both: a body that compresses
      // poorly and inflates to nearly the limit is served when it is alone
      java.util.Random random = new java.util.Random(3);
      StringBuilder text = new StringBuilder("\"");
      while (text.length() < 2 * MIB - 4096) {
        text.append((char) ('a' + random.nextInt(26)));
      }
      byte[] nearly = text.append('"').toString().getBytes(java.nio.charset.StandardCharsets.US_ASCII);
      byte[] poorly = io.conduit.codec.cbp.Bodies.deflate(nearly);
      assertTrue(poorly.length + nearly.length > 2 * MIB, "compressed to " + poorly.length);
      c.send(CbpFrames.request(Command.REQUEST, utf8("z3"), "hold", headers, poorly));
      Conditions.await(10_000, () -> held.size() == 2, () -> "the large deflated request held");
      held.get(1).reply("done");
      assertEquals("OK", text(c.receive(10_000).get(1)));

      // one that alone would hold more than the limit (large headers beside it) is TOO_LARGE, not OVERLOADED
      byte[] bigHeaders = io.conduit.codec.cbp.Headers.encode(java.util.Map.of(
          io.conduit.codec.cbp.Headers.CONTENT_ENCODING, io.conduit.codec.cbp.Headers.DEFLATE, "note", "n".repeat(8192)));
      c.send(CbpFrames.request(Command.REQUEST, utf8("z4"), "hold", bigHeaders, poorly));
      JsonObject alone = errors(c, 1).get("z4");
      assertNotNull(alone, "z4 was not refused");
      assertEquals("TOO_LARGE", alone.getString("code"));
      assertEquals(2 * MIB, alone.getLong("limit"));
      assertEquals(2, held.size());
    }
  }

  @Test
  void acknowledgedSendsAConsumerHasNotTakenStayChargedToTheirClientUntilItTakesThem() throws Exception {
    List<io.vertx.core.eventbus.Message<Object>> taken = new java.util.concurrent.CopyOnWriteArrayList<>();
    // a consumer that takes nothing for now, as a busy worker-threaded service would
    io.vertx.core.eventbus.MessageConsumer<Object> slow = vertx.eventBus().consumer("slow", taken::add);
    slow.pause();
    fixture.deployAndWait(vertx, new JsonObject().put("maxMessageBytes", (int) (2 * MIB))
        .put("maxInFlightBytesPerClient", 4 * MIB));
    byte[] big = utf8("\"" + "x".repeat((int) MIB) + "\"");
    try (RawZmqClient c = RawZmqClient.dealer(fixture.endpoint)) {
      for (int i = 0; i < 5; i++) {
        c.send(CbpFrames.request(Command.SEND, utf8("s" + i), "slow", utf8("{\"timeout\": \"60000\"}"), big));
      }
      // each is acknowledged, but three fill the client's 4 MiB while the consumer has not taken them
      c.expectAcks("s", 5, 3, 4 * MIB);
      assertTrue(fixture.bridge.stats().inFlightBytes() > 3 * MIB, "charged " + fixture.bridge.stats().inFlightBytes());
      slow.resume();
      // taken: given back at once (the bridge would wait 300 s, its maxTimeoutMs, for a receipt),
      // and the consumer never sees the receipt; the receipt leaves just before the handler runs
      Conditions.await(10_000, () -> fixture.bridge.stats().inFlightBytes() == 0 && taken.size() == 3,
          () -> fixture.bridge.stats().inFlightBytes() + " bytes still charged, " + taken.size() + " taken");
      for (io.vertx.core.eventbus.Message<Object> m : taken) {
        assertEquals(null, m.headers().get(io.conduit.codec.RequestHeaders.RECEIPT), m.headers().toString());
        assertEquals("60000", m.headers().get(io.conduit.codec.RequestHeaders.TIMEOUT_MS));
      }
      c.send(CbpFrames.request(Command.SEND, utf8("again"), "slow", new byte[0], big));
      assertEquals("OK", text(c.reply().get(1)));
      Conditions.await(10_000, () -> taken.size() == 4 && fixture.bridge.stats().inFlightBytes() == 0,
          () -> "the last send is still charged");
      // no consumer at all: nothing will take it, the client is told so and its bytes are given back at once
      c.send(CbpFrames.request(Command.SEND, utf8("n"), "nobody", new byte[0], big));
      assertEquals("NO_HANDLERS", c.error().getString("code"));
      Conditions.await(10_000, () -> fixture.bridge.stats().inFlightBytes() == 0,
          () -> fixture.bridge.stats().inFlightBytes() + " bytes still charged for a send to no consumer");
    }
  }

  @Test
  void acknowledgedPublishesStayChargedUntilEveryHandlerOfTheNodeTookThem() throws Exception {
    List<Object> quick = new java.util.concurrent.CopyOnWriteArrayList<>();
    List<Object> slow = new java.util.concurrent.CopyOnWriteArrayList<>();
    vertx.eventBus().consumer("news", m -> quick.add(m.headers().get(io.conduit.codec.RequestHeaders.RECEIPT)));
    io.vertx.core.eventbus.MessageConsumer<Object> late = vertx.eventBus().consumer("news", m -> slow.add(m.body()));
    late.pause(); // one of the two readers takes nothing for now
    fixture.deployAndWait(vertx, new JsonObject().put("maxMessageBytes", (int) (2 * MIB))
        .put("maxInFlightBytesPerClient", 4 * MIB));
    byte[] big = utf8("\"" + "x".repeat((int) MIB) + "\"");
    try (RawZmqClient c = RawZmqClient.dealer(fixture.endpoint)) {
      for (int i = 0; i < 5; i++) {
        c.send(CbpFrames.request(Command.PUBLISH, utf8("p" + i), "news", new byte[0], big));
      }
      c.expectAcks("p", 5, 3, 4 * MIB);
      Conditions.await(10_000, () -> quick.size() == 3, () -> quick.size() + " taken by the quick reader");
      assertTrue(fixture.bridge.stats().inFlightBytes() > 3 * MIB, "charged " + fixture.bridge.stats().inFlightBytes());
      late.resume();
      Conditions.await(10_000, () -> fixture.bridge.stats().inFlightBytes() == 0 && slow.size() == 3,
          () -> fixture.bridge.stats().inFlightBytes() + " bytes still charged, " + slow.size() + " taken late");
      assertEquals(java.util.Collections.nCopies(3, null), quick, "no reader sees the receipt");
      // an event nobody here reads holds nothing
      c.send(CbpFrames.request(Command.PUBLISH, utf8("none"), "unread", new byte[0], big));
      assertEquals("OK", text(c.reply().get(1)));
      Conditions.await(10_000, () -> fixture.bridge.stats().inFlightBytes() == 0,
          () -> fixture.bridge.stats().inFlightBytes() + " bytes held for an event nobody reads");
    }
  }

  @Test
  void aSendNoReceiptFollowsIsGivenBackAfterMaxTimeoutMsWhateverItsOwnTimeoutAndNoClientForgesOne()
      throws Exception {
    fixture.deployAndWait(vertx, new JsonObject().put("maxMessageBytes", (int) (2 * MIB))
        .put("maxInFlightBytesPerClient", 4 * MIB).put("defaultTimeoutMs", 3_000).put("maxTimeoutMs", 3_000));
    io.vertx.core.eventbus.MessageConsumer<Object> stuck = vertx.eventBus().consumer("stuck", m -> { });
    stuck.pause(); // never takes what it is sent
    List<io.vertx.core.MultiMap> seen = new java.util.concurrent.CopyOnWriteArrayList<>();
    vertx.eventBus().consumer("seen", m -> seen.add(m.headers()));
    byte[] big = utf8("\"" + "x".repeat((int) MIB) + "\"");
    try (RawZmqClient c = RawZmqClient.dealer(fixture.endpoint)) {
      // a timeout of its own of 1 ms does not shorten the hold: the bridge's maxTimeoutMs (3 s) does
      long sent = System.nanoTime();
      c.send(CbpFrames.request(Command.SEND, utf8("n"), "stuck", utf8("{\"timeout\": \"1\"}"), big));
      assertEquals("OK", text(c.reply().get(1)));
      Conditions.await(10_000, () -> fixture.bridge.stats().inFlightBytes() == 0,
          () -> fixture.bridge.stats().inFlightBytes() + " bytes still charged after maxTimeoutMs");
      long heldMs = java.util.concurrent.TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - sent);
      assertTrue(heldMs >= 2_900, "given back after " + heldMs + " ms");
      // a receipt header from the client is not passed on (nor could it reach a bridge's receipts:
      // the conduit. namespace is closed to clients)
      c.send(CbpFrames.request(Command.SEND, utf8("f"), "seen", utf8("{\"conduit-receipt\": \"conduit.x/1\"}"),
          utf8("1")));
      assertEquals("OK", text(c.reply().get(1)));
      Conditions.await(10_000, () -> seen.size() == 1, () -> "the send never arrived");
      assertEquals(null, seen.get(0).get(io.conduit.codec.RequestHeaders.RECEIPT));
    }
  }

  @Test
  void aBridgeWhoseLargestMessageTheNodesBudgetsCannotHoldDoesNotStart() throws Exception {
    fixture.deployAndWait(vertx, new JsonObject().put("maxMessageBytes", (int) MIB).put("maxInFlightBytes", 2 * MIB));
    BridgeFixture second = new BridgeFixture();
    Exception e = org.junit.jupiter.api.Assertions.assertThrows(Exception.class,
        () -> second.deployAndWait(vertx, new JsonObject().put("maxMessageBytes", (int) (4 * MIB))));
    String why = String.valueOf(e.getCause() == null ? e.getMessage() : e.getCause().getMessage());
    assertTrue(why.contains("another bridge of this node, started first, set the node's maxInFlightBytes 2097152, "
        + "below its maxMessageBytes 4194304"), why);
    assertServed(fixture.endpoint);
    // what the failed bridge had started is undone: only the first one listens for receipts
    assertEquals(1, vertx.sharedData().getLocalMap("conduit.receipts.listeners").size());
  }
}
