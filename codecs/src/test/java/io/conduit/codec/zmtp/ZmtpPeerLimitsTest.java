package io.conduit.codec.zmtp;

import io.vertx.core.buffer.Buffer;
import org.junit.jupiter.api.Test;

import java.lang.reflect.Field;
import java.util.Arrays;
import java.util.List;

import static io.conduit.codec.zmtp.ZmtpConnectionTest.utf8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What a peer cannot make a connection do, whatever it sends after a handshake it passed. */
class ZmtpPeerLimitsTest {

  private static final ZmtpLimits SMALL = new ZmtpLimits(1 << 20, 1000, 8192, 10_000, 0);

  private static Endpoint[] curvePair(ZmtpLimits serverLimits, ByteBudget serverBudget) throws ZmtpException {
    byte[][] serverKeys = CurveBox.keyPair();
    byte[][] clientKeys = CurveBox.keyPair();
    Endpoint server = Endpoint.server(SocketType.ROUTER,
        new ZmtpSecurity.CurveServer(serverKeys[0], serverKeys[1], key -> true), serverLimits, serverBudget);
    Endpoint client = Endpoint.client(SocketType.DEALER,
        new ZmtpSecurity.CurveClient(serverKeys[0], clientKeys[0], clientKeys[1]));
    Endpoint.connect(client, server);
    return new Endpoint[] {client, server};
  }

  /** A frame in the client's wire form with any flags, as a peer that breaks the rules would send it. */
  private static Buffer framed(Endpoint client, int flags, byte[] body) throws Exception {
    Field f = ZmtpConnection.class.getDeclaredField("mechanism");
    f.setAccessible(true);
    Buffer out = Buffer.buffer();
    ((Mechanism) f.get(client.zmtp)).encode(out, flags, body, 0, body.length);
    return out;
  }

  @Test
  void anEncryptedFrameLargerThanAnyAllowedMessageClosesTheConnectionAndHoldsNothing() throws Exception {
    ByteBudget budget = new ByteBudget(1 << 24);
    Endpoint[] pair = curvePair(SMALL, budget);
    // over both the message limit and the command limit (a box may carry either)
    pair[0].zmtp.send(new byte[][] {new byte[ZmtpLimits.MAX_COMMAND_BYTES + 1]}, false);
    ZmtpException e = assertThrows(ZmtpException.class, () -> pair[1].zmtp.received(pair[0].take()));
    assertEquals(ZmtpException.Reason.FRAME_TOO_LARGE, e.reason());
    pair[1].zmtp.close();
    assertEquals(0, budget.used());
  }

  @Test
  void anEncryptedMessageOverTheLimitInFramesThatFitStillArrivesTruncated() throws Exception {
    ByteBudget budget = new ByteBudget(1 << 24);
    Endpoint[] pair = curvePair(SMALL, budget);
    pair[0].zmtp.send(new byte[][] {utf8("CBP1"), new byte[600], new byte[600]}, false);
    pair[0].zmtp.send(new byte[][] {utf8("next")}, false);
    Endpoint.exchange(pair[0], pair[1]);
    assertEquals(List.of(true, false), pair[1].truncated);
    assertArrayEquals(utf8("next"), pair[1].messages.get(1).get(0));
    assertEquals(0, budget.used());
  }

  @Test
  void openingABoxIsChargedToTheNodesBudget() throws Exception {
    ZmtpLimits roomy = ZmtpLimits.forMessages(1 << 20);
    Endpoint[] enough = curvePair(roomy, new ByteBudget(400_000));
    enough[0].zmtp.send(new byte[][] {new byte[100_000]}, false);
    Endpoint.exchange(enough[0], enough[1]);
    assertEquals(1, enough[1].messages.size(), "the frame, its padded ciphertext and plaintext fit");

    ByteBudget tight = new ByteBudget(250_000);
    Endpoint[] short_ = curvePair(roomy, tight);
    short_[0].zmtp.send(new byte[][] {new byte[100_000]}, false);
    ZmtpException e = assertThrows(ZmtpException.class, () -> short_[1].zmtp.received(short_[0].take()));
    assertEquals(ZmtpException.Reason.BUDGET, e.reason());
    short_[1].zmtp.close();
    assertEquals(0, tight.used());
  }

  @Test
  void aCommandWithTheMoreFlagInsideABoxIsRefused() throws Exception {
    Endpoint[] pair = curvePair(SMALL, new ByteBudget(1 << 24));
    Buffer bad = framed(pair[0], Frames.COMMAND | Frames.MORE, Command.body("SUBSCRIBE", utf8("news")));
    ZmtpException e = assertThrows(ZmtpException.class, () -> pair[1].zmtp.received(bad));
    assertEquals(ZmtpException.Reason.MALFORMED, e.reason());
    assertEquals(List.of(), pair[1].subscriptions);
  }

  @Test
  void aCommandInsideABoxIsHeldToTheCommandLimit() throws Exception {
    Endpoint[] pair = curvePair(ZmtpLimits.forMessages(1 << 20), new ByteBudget(1 << 24));
    Buffer big = framed(pair[0], Frames.COMMAND, Command.body("SUBSCRIBE", new byte[ZmtpLimits.MAX_COMMAND_BYTES]));
    ZmtpException e = assertThrows(ZmtpException.class, () -> pair[1].zmtp.received(big));
    assertEquals(ZmtpException.Reason.FRAME_TOO_LARGE, e.reason());
  }

  @Test
  void anIdentityLongerThan255BytesIsRefused() throws Exception {
    Endpoint server = Endpoint.server(SocketType.ROUTER, ZmtpSecurity.none(), SMALL, new ByteBudget(1 << 24));
    byte[] longest = new byte[Metadata.MAX_IDENTITY_BYTES];
    Arrays.fill(longest, (byte) 'a');
    Endpoint fits = new Endpoint(SocketType.DEALER, longest, false, ZmtpSecurity.none(), SMALL, new ByteBudget(1 << 20));
    Endpoint.connect(fits, server);
    assertArrayEquals(longest, server.peer.identity());

    Endpoint server2 = Endpoint.server(SocketType.ROUTER, ZmtpSecurity.none(), SMALL, new ByteBudget(1 << 24));
    Endpoint tooLong = new Endpoint(SocketType.DEALER, new byte[Metadata.MAX_IDENTITY_BYTES + 1], false,
        ZmtpSecurity.none(), SMALL, new ByteBudget(1 << 20));
    ZmtpException e = assertThrows(ZmtpException.class, () -> Endpoint.connect(tooLong, server2));
    assertEquals(ZmtpException.Reason.MALFORMED, e.reason());
    assertTrue(e.getMessage().contains("Identity"), e.getMessage());
  }

  @Test
  void aMessageOfEndlesslyManyFramesNeverWrapsItsFrameCount() throws Exception {
    Endpoint server = Endpoint.server(SocketType.ROUTER, ZmtpSecurity.none(), SMALL, new ByteBudget(1 << 24));
    Endpoint client = Endpoint.client(SocketType.DEALER, ZmtpSecurity.none());
    Endpoint.connect(client, server);
    Field count = ZmtpConnection.class.getDeclaredField("frameCount");
    count.setAccessible(true);
    count.setInt(server.zmtp, Integer.MAX_VALUE - 1); // as after 2^31 - 2 empty frames with MORE
    server.zmtp.received(Buffer.buffer(new byte[] {Frames.MORE, 0, Frames.MORE, 0, Frames.MORE, 0, 0, 1, 'x'}));
    assertEquals(List.of(Integer.MAX_VALUE), server.frameCounts);
    assertTrue(server.messages.get(0).size() <= ZmtpLimits.MAX_FRAMES_KEPT, "no frame kept past the limit");
  }

  @Test
  void whatWasSentBeforeTheHandshakeGoesOutBeforeWhatIsSentWhenItCompletes() throws Exception {
    Endpoint server = Endpoint.server(SocketType.ROUTER, ZmtpSecurity.none(), SMALL, new ByteBudget(1 << 24));
    Endpoint client = Endpoint.client(SocketType.DEALER, ZmtpSecurity.none());
    client.zmtp.send(new byte[][] {utf8("first")}, false);
    client.onReady = () -> client.zmtp.send(new byte[][] {utf8("second")}, false);
    Endpoint.connect(client, server);
    assertEquals(2, server.messages.size());
    assertArrayEquals(utf8("first"), server.messages.get(0).get(0));
    assertArrayEquals(utf8("second"), server.messages.get(1).get(0));
    assertFalse(server.truncated.get(1));
  }
}
