package io.conduit.codec.zmtp;

import io.vertx.core.buffer.Buffer;
import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Frame sizes at every boundary, malformed streams, and what a connection may hold: a server-side
 * ROUTER connection fed bytes as a peer would send them.
 */
class ZmtpFramingTest {

  private static final int HANDSHAKE_BYTES = 8192;

  private final ByteBudget budget = new ByteBudget(1L << 30);

  private Endpoint server(long maxFrame, long maxMessage) throws ZmtpException {
    Endpoint server = Endpoint.server(SocketType.ROUTER, ZmtpSecurity.none(),
        new ZmtpLimits(maxFrame, maxMessage, HANDSHAKE_BYTES, 10_000, 0), budget);
    server.zmtp.start();
    return server;
  }

  /** A server connection whose DEALER peer has finished the NULL handshake. */
  private Endpoint ready(long maxFrame, long maxMessage) throws ZmtpException {
    Endpoint server = server(maxFrame, maxMessage);
    Endpoint client = Endpoint.client(SocketType.DEALER, ZmtpSecurity.none());
    client.zmtp.start();
    server.zmtp.received(client.take());
    client.zmtp.received(server.take());
    server.zmtp.received(client.take());
    assertTrue(server.peer != null);
    return server;
  }

  private static Buffer shortFrame(int flags, int size) {
    return Buffer.buffer().appendByte((byte) flags).appendByte((byte) size).appendBytes(new byte[size]);
  }

  private static Buffer longHeader(int flags, long size) {
    return Buffer.buffer().appendByte((byte) (flags | Frames.LONG)).appendLong(size);
  }

  @Test
  void framesOfZero255And256BytesArriveWhole() throws Exception {
    Endpoint server = ready(1 << 20, 1 << 20);
    server.zmtp.received(shortFrame(Frames.MORE, 0));
    server.zmtp.received(shortFrame(Frames.MORE, 255));
    server.zmtp.received(longHeader(0, 256).appendBytes(new byte[256]));
    assertEquals(1, server.messages.size());
    assertEquals(0, server.messages.get(0).get(0).length);
    assertEquals(255, server.messages.get(0).get(1).length);
    assertEquals(256, server.messages.get(0).get(2).length);
  }

  @Test
  void aLongSizeWrittenForASmallFrameIsAccepted() throws Exception {
    Endpoint server = ready(1 << 20, 1 << 20);
    server.zmtp.received(longHeader(0, 3).appendBytes(new byte[] {1, 2, 3}));
    assertEquals(3, server.messages.get(0).get(0).length);
  }

  @Test
  void frameSizesAboveTheTransportLimitCloseBeforeAnyAllocation() throws Exception {
    for (long size : new long[] {1L << 31, Long.MAX_VALUE}) {
      Endpoint server = ready(1 << 20, 1 << 20);
      ZmtpException e = assertThrows(ZmtpException.class, () -> server.zmtp.received(longHeader(0, size)));
      assertEquals(ZmtpException.Reason.FRAME_TOO_LARGE, e.reason(), "size " + size);
    }
    assertEquals(0, budget.used());
  }

  @Test
  void aNegativeSizeIsMalformed() throws Exception {
    Endpoint server = ready(Long.MAX_VALUE, 1 << 20);
    ZmtpException e = assertThrows(ZmtpException.class, () -> server.zmtp.received(longHeader(0, -1)));
    assertEquals(ZmtpException.Reason.MALFORMED, e.reason());
    Endpoint other = ready(Long.MAX_VALUE, 1 << 20);
    e = assertThrows(ZmtpException.class, () -> other.zmtp.received(longHeader(0, Long.MIN_VALUE)));
    assertEquals(ZmtpException.Reason.MALFORMED, e.reason());
  }

  @Test
  void aFrameAnnouncedLargeHoldsOnlyWhatArrived() throws Exception {
    Endpoint server = ready(64L << 20, 64L << 20);
    server.zmtp.received(longHeader(0, (64L << 20) - 1).appendBytes(new byte[100]));
    assertTrue(server.zmtp.held() <= 4096, "holds " + server.zmtp.held() + " bytes after 100 arrived");
    for (int i = 0; i < 10; i++) {
      server.zmtp.received(Buffer.buffer(new byte[10_000]));
    }
    assertTrue(server.zmtp.held() <= 2 * 100_100 + 4096, "holds " + server.zmtp.held() + " after 100,100 arrived");
    server.zmtp.close();
    assertEquals(0, budget.used(), "closing gives everything back");
  }

  @Test
  void aFrameOverTheMessageLimitIsSkippedWithoutBeingHeld() throws Exception {
    Endpoint server = ready(Long.MAX_VALUE, 1000);
    server.zmtp.received(shortFrame(Frames.MORE, 4));
    server.zmtp.received(longHeader(0, 1L << 31));
    for (int i = 0; i < 100; i++) {
      server.zmtp.received(Buffer.buffer(new byte[65536]));
    }
    assertTrue(server.zmtp.held() <= 4, "only the first 4-byte frame is held, the skipped one nothing: " + server.zmtp.held());
    assertTrue(server.messages.isEmpty(), "the message is not over yet");
  }

  @Test
  void beforeTheHandshakeAFrameMayNotAnnounceMoreThanTheHandshakeAllowance() throws Exception {
    Endpoint server = server(1 << 20, 1 << 20);
    server.zmtp.received(Buffer.buffer(Greeting.encode("NULL", false)));
    ZmtpException e = assertThrows(ZmtpException.class,
        () -> server.zmtp.received(longHeader(Frames.COMMAND, (64L << 20) - 1)));
    assertEquals(ZmtpException.Reason.FRAME_TOO_LARGE, e.reason());
    Endpoint other = server(1 << 20, 1 << 20);
    other.zmtp.received(Buffer.buffer(Greeting.encode("NULL", false)));
    other.zmtp.received(longHeader(Frames.COMMAND, HANDSHAKE_BYTES).appendBytes(new byte[10]));
    assertTrue(other.zmtp.held() <= HANDSHAKE_BYTES);
  }

  @Test
  void aMessageFrameBeforeTheHandshakeIsMalformed() throws Exception {
    Endpoint server = server(1 << 20, 1 << 20);
    server.zmtp.received(Buffer.buffer(Greeting.encode("NULL", false)));
    ZmtpException e = assertThrows(ZmtpException.class, () -> server.zmtp.received(shortFrame(0, 5)));
    assertEquals(ZmtpException.Reason.MALFORMED, e.reason());
  }

  @Test
  void reservedFlagBitsAndACommandWithMoreAreMalformed() throws Exception {
    for (int flags : new int[] {0x08, 0x80, Frames.COMMAND | Frames.MORE}) {
      Endpoint server = ready(1 << 20, 1 << 20);
      ZmtpException e = assertThrows(ZmtpException.class, () -> server.zmtp.received(shortFrame(flags, 1)));
      assertEquals(ZmtpException.Reason.MALFORMED, e.reason(), "flags " + flags);
    }
  }

  @Test
  void greetingsThatAreNotZmtp3AreRefusedEarly() throws Exception {
    Endpoint http = server(1 << 20, 1 << 20);
    ZmtpException e = assertThrows(ZmtpException.class, () -> http.zmtp.received(Buffer.buffer("G")));
    assertEquals(ZmtpException.Reason.BAD_GREETING, e.reason());
    byte[] zmtp2 = Greeting.encode("NULL", false);
    zmtp2[10] = 1;
    Endpoint old = server(1 << 20, 1 << 20);
    e = assertThrows(ZmtpException.class, () -> old.zmtp.received(Buffer.buffer(zmtp2).getBuffer(0, 11)));
    assertEquals(ZmtpException.Reason.BAD_GREETING, e.reason());
  }

  @Test
  void aTruncatedGreetingWaitsForTheRest() throws Exception {
    Endpoint server = server(1 << 20, 1 << 20);
    server.take();
    server.zmtp.received(Buffer.buffer(Greeting.encode("NULL", false)).getBuffer(0, 40));
    assertNull(server.peer);
    assertEquals(0, server.written.length(), "nothing is answered before the greeting is whole");
  }

  @Test
  void aZmtp30PeerIsAcceptedAndSpokenTo() throws Exception {
    Endpoint server = server(1 << 20, 1 << 20);
    byte[] greeting = Greeting.encode("NULL", false);
    greeting[11] = 0;
    server.zmtp.received(Buffer.buffer(greeting));
    Buffer ready = Buffer.buffer();
    Frames.append(ready, Frames.COMMAND, Command.body("READY", Metadata.of(SocketType.REQ, null).encode()));
    server.zmtp.received(ready);
    assertEquals(0, server.peer.minor());
    assertEquals(SocketType.REQ, server.peer.type());
  }

  @Test
  void theNodeBudgetIsSharedAndAConnectionOverItIsRefused() throws Exception {
    ByteBudget small = new ByteBudget(20_000);
    ZmtpLimits limits = new ZmtpLimits(1 << 20, 1 << 20, HANDSHAKE_BYTES, 10_000, 0);
    Endpoint a = Endpoint.server(SocketType.ROUTER, ZmtpSecurity.none(), limits, small);
    Endpoint b = Endpoint.server(SocketType.ROUTER, ZmtpSecurity.none(), limits, small);
    for (Endpoint e : new Endpoint[] {a, b}) {
      Endpoint client = Endpoint.client(SocketType.DEALER, ZmtpSecurity.none());
      Endpoint.connect(client, e);
    }
    a.zmtp.received(longHeader(0, 100_000).appendBytes(new byte[15_000]));
    ZmtpException e = assertThrows(ZmtpException.class,
        () -> b.zmtp.received(longHeader(0, 100_000).appendBytes(new byte[15_000])));
    assertEquals(ZmtpException.Reason.BUDGET, e.reason());
    a.zmtp.close();
    assertEquals(0, small.used());
  }

  @Test
  void theNodesBudgetCountsWhatIsHeldAfterAReadNotAMessageThatArrivedWholeInIt() throws Exception {
    ByteBudget small = new ByteBudget(2_000);
    ZmtpLimits limits = new ZmtpLimits(1 << 20, 1 << 20, HANDSHAKE_BYTES, 10_000, 0);
    Endpoint server = Endpoint.server(SocketType.ROUTER, ZmtpSecurity.none(), limits, small);
    Endpoint.connect(Endpoint.client(SocketType.DEALER, ZmtpSecurity.none()), server);
    // whole in one read: never held between reads, so nothing is taken (no atomic shared by every loop)
    server.zmtp.received(shortFrame(Frames.MORE, 200).appendBuffer(longHeader(0, 5_000)).appendBytes(new byte[5_000]));
    assertEquals(1, server.messages.size());
    assertEquals(0, small.used());
    // held after a read: taken, given back when the rest came
    server.zmtp.received(longHeader(0, 3_000).appendBytes(new byte[1_500]));
    assertEquals(1_500, small.used());
    server.zmtp.received(Buffer.buffer(new byte[1_500]));
    assertEquals(2, server.messages.size());
    assertEquals(0, small.used());
    // more held after a read than the node allows: refused, and nothing kept
    ZmtpException e = assertThrows(ZmtpException.class,
        () -> server.zmtp.received(longHeader(0, 5_000).appendBytes(new byte[2_500])));
    assertEquals(ZmtpException.Reason.BUDGET, e.reason());
    assertEquals(0, small.used());

    // a large message is charged before it is allocated, even when it arrives whole in one read
    ByteBudget half = new ByteBudget(100_000);
    Endpoint other = Endpoint.server(SocketType.ROUTER, ZmtpSecurity.none(), limits, half);
    Endpoint.connect(Endpoint.client(SocketType.DEALER, ZmtpSecurity.none()), other);
    other.zmtp.received(longHeader(0, 60_000).appendBytes(new byte[60_000]));
    assertEquals(1, other.messages.size(), "under 64 KiB uncharged: served");
    ZmtpException large = assertThrows(ZmtpException.class,
        () -> other.zmtp.received(longHeader(0, 150_000).appendBytes(new byte[150_000])));
    assertEquals(ZmtpException.Reason.BUDGET, large.reason());
    assertEquals(1, other.messages.size());
    assertEquals(0, half.used());
  }

  /** 100,000 random streams from a fixed seed: a connection fails only with a ZmtpException and gives back all it held. */
  @Test
  void aHundredThousandFuzzedStreamsFailOnlyAsProtocolErrorsAndLeakNothing() {
    Random random = new Random(20261203L);
    byte[] greeting = Greeting.encode("NULL", false);
    Buffer ready = Buffer.buffer();
    Frames.append(ready, Frames.COMMAND, Command.body("READY", Metadata.of(SocketType.DEALER, null).encode()));
    ZmtpLimits limits = new ZmtpLimits(1 << 16, 1 << 12, 1024, 10_000, 0);
    int refused = 0;
    for (int i = 0; i < 100_000; i++) {
      Endpoint server = Endpoint.server(SocketType.ROUTER, ZmtpSecurity.none(), limits, budget);
      Buffer stream = Buffer.buffer();
      int prefix = random.nextInt(4);
      if (prefix >= 1) {
        stream.appendBytes(greeting);
      }
      if (prefix >= 2) {
        stream.appendBuffer(ready);
      }
      byte[] junk = new byte[random.nextInt(prefix == 3 ? 64 : 300)];
      random.nextBytes(junk);
      if (prefix == 3 && junk.length > 0) {
        junk[0] = (byte) (random.nextInt(8)); // mostly valid flags, so frames get parsed
      }
      stream.appendBytes(junk);
      try {
        int at = 0;
        while (at < stream.length()) {
          int n = 1 + random.nextInt(stream.length() - at);
          server.zmtp.received(stream.getBuffer(at, at + n));
          at += n;
        }
      } catch (ZmtpException expected) {
        refused++;
      }
      server.zmtp.close();
      assertEquals(0, budget.used(), "stream " + i + " leaked held bytes");
    }
    assertTrue(refused > 50_000, "only " + refused + " of 100,000 random streams were refused");
  }
}
