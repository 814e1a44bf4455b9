package io.conduit.codec.zmtp;

import io.vertx.core.buffer.Buffer;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The ZMTP codec between two of its own connections: handshakes, messages, commands. */
class ZmtpConnectionTest {

  private static final ZmtpLimits LIMITS = ZmtpLimits.forMessages(1 << 20);

  static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private static ZmtpSecurity.CurveServer curveServer(byte[][] serverKeys, byte[] onlyClient) {
    return new ZmtpSecurity.CurveServer(serverKeys[0], serverKeys[1],
        key -> onlyClient == null || java.util.Arrays.equals(key, onlyClient));
  }

  @Test
  void aNullDealerAndRouterShakeHandsAndExchangeMessages() throws Exception {
    ByteBudget budget = new ByteBudget(1 << 24);
    Endpoint server = Endpoint.server(SocketType.ROUTER, ZmtpSecurity.none(), LIMITS, budget);
    Endpoint client = Endpoint.client(SocketType.DEALER, ZmtpSecurity.none());
    Endpoint.connect(client, server);
    assertEquals(SocketType.DEALER, server.peer.type());
    assertEquals(SocketType.ROUTER, client.peer.type());
    assertEquals(1, server.peer.minor(), "two 3.1 peers speak 3.1");
    client.zmtp.send(new byte[][] {utf8("a"), new byte[300], new byte[0]}, false);
    Endpoint.exchange(client, server);
    assertEquals(1, server.messages.size());
    List<byte[]> m = server.messages.get(0);
    assertEquals(3, m.size());
    assertArrayEquals(utf8("a"), m.get(0));
    assertEquals(300, m.get(1).length, "a long frame (8-byte size) arrives whole");
    assertEquals(0, m.get(2).length);
    server.zmtp.send(new byte[][] {utf8("reply")}, true);
    Endpoint.exchange(client, server);
    assertEquals(2, client.messages.get(0).size(), "the delimiter goes first");
    assertEquals(0, budget.used(), "nothing is held once messages are whole");
  }

  @Test
  void bytesArriveTheSameInAnyKindOfBuffer() throws Exception {
    // the decoder reads a socket buffer's array in place; a direct buffer, or a heap one whose
    // bytes sit at an offset in a larger array, must read the same, split anywhere
    for (String kind : new String[] {"heap", "direct", "offset"}) {
      Endpoint server = Endpoint.server(SocketType.ROUTER, ZmtpSecurity.none(), LIMITS, new ByteBudget(1 << 24));
      Endpoint client = Endpoint.client(SocketType.DEALER, ZmtpSecurity.none());
      server.zmtp.start();
      client.zmtp.start();
      client.zmtp.send(new byte[][] {utf8("first"), new byte[300]}, false); // sent once the handshake is done
      client.zmtp.send(new byte[][] {utf8("second")}, false);
      while (client.written.length() > 0 || server.written.length() > 0) {
        byte[] wire = client.take().getBytes(); // greeting, handshake and messages, in 7-byte pieces
        for (int at = 0; at < wire.length; at += 7) {
          server.zmtp.received(as(kind, java.util.Arrays.copyOfRange(wire, at, Math.min(wire.length, at + 7))));
        }
        Buffer back = server.take();
        if (back.length() > 0) {
          client.zmtp.received(back);
        }
      }
      assertEquals(2, server.messages.size(), kind);
      assertArrayEquals(utf8("first"), server.messages.get(0).get(0), kind);
      assertEquals(300, server.messages.get(0).get(1).length, kind);
      assertArrayEquals(utf8("second"), server.messages.get(1).get(0), kind);
    }
  }

  @Test
  void aSocketsReadBufferIsDecodedWholeWhateverItsSizeAndEvenFromInsideAnothersMessage() throws Exception {
    // a direct read is copied through an array the thread keeps, 16 KiB at a time; a read decoded
    // from inside another's message (a resumed connection's) must not write over that one's bytes
    Endpoint a = Endpoint.server(SocketType.ROUTER, ZmtpSecurity.none(), LIMITS, new ByteBudget(1 << 24));
    Endpoint b = Endpoint.server(SocketType.ROUTER, ZmtpSecurity.none(), LIMITS, new ByteBudget(1 << 24));
    Endpoint toA = Endpoint.client(SocketType.DEALER, ZmtpSecurity.none());
    Endpoint toB = Endpoint.client(SocketType.DEALER, ZmtpSecurity.none());
    Endpoint.connect(toA, a);
    Endpoint.connect(toB, b);
    byte[] big = new byte[40_000];
    for (int i = 0; i < big.length; i++) {
      big[i] = (byte) (i * 31 + 7);
    }
    toA.zmtp.send(new byte[][] {utf8("zero")}, false);
    a.zmtp.received(direct(toA.take().getBytes(), 0)); // this thread has its array from now on
    toA.zmtp.send(new byte[][] {utf8("first")}, false);
    toA.zmtp.send(new byte[][] {utf8("second"), big}, false);
    toB.zmtp.send(new byte[][] {big, utf8("b")}, false);
    io.netty.buffer.ByteBuf forB = direct(toB.take().getBytes(), 3);
    a.onMessage = () -> { // at "first"
      a.onMessage = () -> { };
      try {
        b.zmtp.received(forB);
      } catch (ZmtpException e) {
        throw new AssertionError(e);
      }
    };
    a.zmtp.received(direct(toA.take().getBytes(), 5));
    assertEquals(3, a.messages.size());
    assertArrayEquals(utf8("zero"), a.messages.get(0).get(0));
    assertArrayEquals(utf8("first"), a.messages.get(1).get(0));
    assertArrayEquals(utf8("second"), a.messages.get(2).get(0));
    assertArrayEquals(big, a.messages.get(2).get(1), "the rest of a's read, after b's was decoded inside it");
    assertEquals(1, b.messages.size());
    assertArrayEquals(big, b.messages.get(0).get(0));
    assertArrayEquals(utf8("b"), b.messages.get(0).get(1));
    assertEquals(0, forB.readerIndex() - 3, "the caller's buffer is left as it was (the caller releases it)");
  }

  /** {@code bytes} in a direct buffer, after {@code skip} bytes already read. */
  private static io.netty.buffer.ByteBuf direct(byte[] bytes, int skip) {
    io.netty.buffer.ByteBuf buf = io.netty.buffer.Unpooled.directBuffer(bytes.length + skip);
    buf.writeZero(skip).writeBytes(bytes).readerIndex(skip);
    return buf;
  }

  private static Buffer as(String kind, byte[] bytes) {
    return switch (kind) {
      case "direct" -> io.vertx.core.internal.buffer.BufferInternal.buffer(
          io.netty.buffer.Unpooled.directBuffer(bytes.length).writeBytes(bytes));
      case "offset" -> {
        byte[] larger = new byte[bytes.length + 11];
        System.arraycopy(bytes, 0, larger, 5, bytes.length);
        yield io.vertx.core.internal.buffer.BufferInternal.buffer(
            io.netty.buffer.Unpooled.wrappedBuffer(larger, 5, bytes.length));
      }
      default -> Buffer.buffer(bytes);
    };
  }

  @Test
  void aCurveClientWithAnAllowedKeyIsServedAndTheServerLearnsItsKey() throws Exception {
    byte[][] serverKeys = CurveBox.keyPair();
    byte[][] clientKeys = CurveBox.keyPair();
    Endpoint server = Endpoint.server(SocketType.ROUTER, curveServer(serverKeys, clientKeys[0]), LIMITS,
        new ByteBudget(1 << 24));
    Endpoint client = Endpoint.client(SocketType.DEALER,
        new ZmtpSecurity.CurveClient(serverKeys[0], clientKeys[0], clientKeys[1]));
    Endpoint.connect(client, server);
    assertArrayEquals(clientKeys[0], server.peer.curveKey());
    for (int i = 0; i < 3; i++) {
      client.zmtp.send(new byte[][] {utf8("m" + i), new byte[1000]}, false);
    }
    Endpoint.exchange(client, server);
    assertEquals(3, server.messages.size());
    assertArrayEquals(utf8("m2"), server.messages.get(2).get(0));
    server.zmtp.send(new byte[][] {utf8("back")}, false);
    Endpoint.exchange(client, server);
    assertArrayEquals(utf8("back"), client.messages.get(0).get(0));
  }

  @Test
  void aCurveClientWhoseKeyIsNotAllowedIsToldAndRefused() throws Exception {
    byte[][] serverKeys = CurveBox.keyPair();
    byte[][] clientKeys = CurveBox.keyPair();
    Endpoint server = Endpoint.server(SocketType.ROUTER, curveServer(serverKeys, CurveBox.keyPair()[0]), LIMITS,
        new ByteBudget(1 << 24));
    Endpoint client = Endpoint.client(SocketType.DEALER,
        new ZmtpSecurity.CurveClient(serverKeys[0], clientKeys[0], clientKeys[1]));
    server.zmtp.start();
    client.zmtp.start();
    server.zmtp.received(client.take());
    client.zmtp.received(server.take()); // greeting: client sends HELLO
    server.zmtp.received(client.take()); // HELLO: server sends WELCOME
    client.zmtp.received(server.take()); // WELCOME: client sends INITIATE
    ZmtpException e = assertThrows(ZmtpException.class, () -> server.zmtp.received(client.take()));
    assertEquals(ZmtpException.Reason.KEY_REFUSED, e.reason());
    ZmtpException told = assertThrows(ZmtpException.class, () -> client.zmtp.received(server.take()));
    assertEquals(ZmtpException.Reason.PEER_ERROR, told.reason(), "the client is told why");
    assertTrue(told.getMessage().contains("400"), "ZAP's status, as libzmq and JeroMQ report it: " + told.getMessage());
  }

  @Test
  void aClientThatDoesNotKnowTheServersKeyFailsTheHelloBox() throws Exception {
    byte[][] serverKeys = CurveBox.keyPair();
    byte[][] clientKeys = CurveBox.keyPair();
    Endpoint server = Endpoint.server(SocketType.ROUTER, curveServer(serverKeys, null), LIMITS, new ByteBudget(1 << 24));
    Endpoint client = Endpoint.client(SocketType.DEALER,
        new ZmtpSecurity.CurveClient(CurveBox.keyPair()[0], clientKeys[0], clientKeys[1]));
    ZmtpException e = assertThrows(ZmtpException.class, () -> Endpoint.connect(client, server));
    assertEquals(ZmtpException.Reason.CRYPTO, e.reason());
  }

  @Test
  void aReplayedCurveMessageIsRefused() throws Exception {
    byte[][] serverKeys = CurveBox.keyPair();
    byte[][] clientKeys = CurveBox.keyPair();
    Endpoint server = Endpoint.server(SocketType.ROUTER, curveServer(serverKeys, null), LIMITS, new ByteBudget(1 << 24));
    Endpoint client = Endpoint.client(SocketType.DEALER,
        new ZmtpSecurity.CurveClient(serverKeys[0], clientKeys[0], clientKeys[1]));
    Endpoint.connect(client, server);
    client.zmtp.send(new byte[][] {utf8("once")}, false);
    Buffer bytes = client.take();
    server.zmtp.received(bytes.copy());
    ZmtpException e = assertThrows(ZmtpException.class, () -> server.zmtp.received(bytes));
    assertEquals(ZmtpException.Reason.CRYPTO, e.reason());
    assertEquals(1, server.messages.size());
  }

  @Test
  void pingIsAnsweredWithPongCarryingItsContext() throws Exception {
    Endpoint server = Endpoint.server(SocketType.ROUTER, ZmtpSecurity.none(), LIMITS, new ByteBudget(1 << 24));
    Endpoint client = Endpoint.client(SocketType.DEALER, ZmtpSecurity.none());
    Endpoint.connect(client, server);
    Buffer ping = Buffer.buffer();
    Frames.append(ping, Frames.COMMAND, Command.body("PING", new byte[] {0, 10}, utf8("ctx")));
    server.zmtp.received(ping);
    Buffer pong = server.take();
    assertEquals(Frames.COMMAND, pong.getByte(0));
    assertEquals("PONG", pong.getString(3, 7));
    assertEquals("ctx", pong.getString(7, 10));
  }

  @Test
  void subscribeAndCancelCommandsReachTheOwner() throws Exception {
    Endpoint server = Endpoint.server(SocketType.XPUB, ZmtpSecurity.none(), LIMITS, new ByteBudget(1 << 24));
    Endpoint client = Endpoint.client(SocketType.SUB, ZmtpSecurity.none());
    Endpoint.connect(client, server);
    Buffer commands = Buffer.buffer();
    Frames.append(commands, Frames.COMMAND, Command.body("SUBSCRIBE", utf8("news")));
    Frames.append(commands, Frames.COMMAND, Command.body("CANCEL", utf8("news")));
    server.zmtp.received(commands);
    assertEquals(List.of("+news", "-news"), server.subscriptions);
  }

  @Test
  void aPeerOfTheWrongSocketTypeIsRefused() throws Exception {
    Endpoint server = Endpoint.server(SocketType.ROUTER, ZmtpSecurity.none(), LIMITS, new ByteBudget(1 << 24));
    Endpoint client = Endpoint.client(SocketType.PUB, ZmtpSecurity.none());
    ZmtpException e = assertThrows(ZmtpException.class, () -> Endpoint.connect(client, server));
    assertEquals(ZmtpException.Reason.SOCKET_TYPE, e.reason());
  }

  @Test
  void aPlainPeerIsRefusedWithAReasonNamingPlain() throws Exception {
    Endpoint server = Endpoint.server(SocketType.ROUTER, ZmtpSecurity.none(), LIMITS, new ByteBudget(1 << 24));
    server.zmtp.start();
    ZmtpException e = assertThrows(ZmtpException.class,
        () -> server.zmtp.received(Buffer.buffer(Greeting.encode("PLAIN", false))));
    assertEquals(ZmtpException.Reason.MECHANISM, e.reason());
    assertTrue(e.getMessage().contains("PLAIN"));
  }

  @Test
  void aNullPeerIsRefusedByACurveServer() throws Exception {
    byte[][] serverKeys = CurveBox.keyPair();
    Endpoint server = Endpoint.server(SocketType.ROUTER, curveServer(serverKeys, null), LIMITS, new ByteBudget(1 << 24));
    Endpoint client = Endpoint.client(SocketType.DEALER, ZmtpSecurity.none());
    ZmtpException e = assertThrows(ZmtpException.class, () -> Endpoint.connect(client, server));
    assertEquals(ZmtpException.Reason.MECHANISM, e.reason());
  }

  @Test
  void aMessageOverTheLimitArrivesTruncatedWithItsFirstFramesAndNothingHeld() throws Exception {
    ByteBudget budget = new ByteBudget(1 << 24);
    ZmtpLimits small = new ZmtpLimits(1 << 20, 1000, 8192, 10_000, 0);
    Endpoint server = Endpoint.server(SocketType.ROUTER, ZmtpSecurity.none(), small, budget);
    Endpoint client = Endpoint.client(SocketType.DEALER, ZmtpSecurity.none());
    Endpoint.connect(client, server);
    client.zmtp.send(new byte[][] {utf8("CBP1"), utf8("REQUEST"), utf8("id"), new byte[5000], new byte[5000]}, false);
    Endpoint.exchange(client, server);
    assertTrue(server.truncated.get(0));
    assertEquals(3, server.messages.get(0).size(), "the frames before the limit are kept");
    assertEquals(5, server.frameCounts.get(0));
    assertEquals(4 + 7 + 2 + 10_000, server.sizes.get(0));
    assertEquals(0, budget.used());
    client.zmtp.send(new byte[][] {utf8("next")}, false);
    Endpoint.exchange(client, server);
    assertFalse(server.truncated.get(1), "the next message is whole again");
  }

  @Test
  void theHandshakeStateIsVisibleToTheOwner() throws Exception {
    Endpoint server = Endpoint.server(SocketType.ROUTER, ZmtpSecurity.none(), LIMITS, new ByteBudget(1 << 24));
    server.zmtp.start();
    server.zmtp.received(Buffer.buffer(Greeting.encode("NULL", false)).getBuffer(0, 30));
    assertNull(server.zmtp.peer(), "a truncated greeting waits for the rest");
    Endpoint client = Endpoint.client(SocketType.REQ, ZmtpSecurity.none());
    client.zmtp.start();
    server.zmtp.received(client.take().getBuffer(30, 64));
    client.zmtp.received(server.take());
    server.zmtp.received(client.take());
    assertNotNull(server.zmtp.peer());
  }
}
