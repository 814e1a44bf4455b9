package io.conduit.bridge;

import io.conduit.Conditions;
import io.conduit.codec.cbp.CbpFrames;
import io.conduit.codec.cbp.Command;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Random;

import static io.conduit.bridge.RawZmqClient.text;
import static io.conduit.bridge.RawZmqClient.utf8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Hostile peers: transport-level attacks and random garbage never stop the bridge serving others. */
@ExtendWith(VertxExtension.class)
class BridgeHardeningTest {

  private final BridgeFixture fixture = new BridgeFixture();

  @BeforeEach
  void deploy(Vertx vertx) throws Exception {
    fixture.deployAndWait(vertx, new JsonObject().put("maxMessageBytes", 65536));
  }

  /** ZMTP 3.0 greeting (NULL mechanism), READY as a DEALER, then one frame whose 64-bit size is negative. */
  private static byte[] negativeSizeFrame() {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(0xFF);
    out.writeBytes(new byte[8]);
    out.write(0x7F);
    out.write(3);
    out.write(0);
    byte[] mechanism = new byte[20];
    System.arraycopy("NULL".getBytes(StandardCharsets.US_ASCII), 0, mechanism, 0, 4);
    out.writeBytes(mechanism);
    out.write(0);
    out.writeBytes(new byte[31]);
    ByteArrayOutputStream ready = new ByteArrayOutputStream();
    ready.write(5);
    ready.writeBytes("READY".getBytes(StandardCharsets.US_ASCII));
    ready.write(11);
    ready.writeBytes("Socket-Type".getBytes(StandardCharsets.US_ASCII));
    ready.writeBytes(new byte[] {0, 0, 0, 6});
    ready.writeBytes("DEALER".getBytes(StandardCharsets.US_ASCII));
    out.write(0x04);
    out.write(ready.size());
    out.writeBytes(ready.toByteArray());
    out.write(0x02);
    out.writeBytes(new byte[] {(byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0x00});
    out.writeBytes(new byte[64]);
    return out.toByteArray();
  }

  private static void assertServed(String endpoint) {
    try (RawZmqClient c = RawZmqClient.dealer(endpoint)) {
      c.request("echo", "", "\"alive\"");
      assertEquals("\"alive\"", text(c.reply().get(4)));
    }
  }

  @Test
  void aNegativeFrameSizeDoesNotStopTheBridgeServingOthers() throws Exception {
    try (RawZmqClient before = RawZmqClient.dealer(fixture.endpoint)) {
      String[] hostPort = fixture.endpoint.substring("tcp://".length()).split(":");
      try (Socket attacker = new Socket(hostPort[0], Integer.parseInt(hostPort[1]))) {
        OutputStream out = attacker.getOutputStream();
        out.write(negativeSizeFrame());
        out.flush();
        // Served again as soon as the socket thread has noticed (and, if needed, rebuilt its sockets).
        long deadline = System.nanoTime() + 20_000_000_000L;
        boolean served = false;
        while (!served && System.nanoTime() < deadline) {
          try {
            assertServed(fixture.endpoint);
            served = true;
          } catch (AssertionError notYet) {
            // keep trying until the deadline
          }
        }
        assertTrue(served, "the bridge no longer serves clients after the attack; stats "
            + fixture.bridge.stats().toJson());
        assertEquals(1, fixture.bridge.stats().malformedFrames(), "the attack is counted");
        // The client connected before the attack is still served on its old connection.
        before.request("echo", "", "\"still\"");
        assertEquals("\"still\"", text(before.reply().get(4)));
      }
    }
  }

  /** Random byte streams over TCP, with or without a valid handshake in front, from a fixed seed. */
  @Test
  void twoThousandRandomByteStreamsCloseOnlyTheirOwnConnections() throws Exception {
    Random random = new Random(20261203L);
    byte[] handshake = ZmtpTestClient.nullHandshake(io.conduit.codec.zmtp.SocketType.DEALER);
    try (RawZmqClient steady = RawZmqClient.dealer(fixture.endpoint)) {
      long deadline = System.nanoTime() + 60_000_000_000L;
      int sent = 0;
      for (; sent < 2_000 && System.nanoTime() < deadline; sent++) {
        try (Socket s = ZmtpTestClient.raw(fixture.endpoint)) {
          OutputStream out = s.getOutputStream();
          if (random.nextBoolean()) {
            out.write(handshake);
          }
          byte[] junk = new byte[1 + random.nextInt(200)];
          random.nextBytes(junk);
          out.write(junk);
          out.flush();
        }
        if (sent % 250 == 0) {
          steady.request("echo", "", "\"s" + sent + "\"");
          assertEquals("\"s" + sent + "\"", text(steady.reply().get(4)), "the steady client lost a reply");
        }
      }
      assertEquals(2_000, sent, "the fuzz loop ran out of time");
    }
    assertServed(fixture.endpoint);
  }

  @Test
  void twentyThousandRandomMessagesLeaveTheBridgeResponsive() {
    Random random = new Random(20261122L);
    byte[][] pieces = {CbpFrames.SIGNATURE, utf8("REQUEST"), utf8("SEND"), utf8("PING"), utf8("MDPC01"), utf8("MDPW01"),
        utf8("echo"), utf8("{}"), utf8("{\"content-encoding\":\"deflate\"}"), utf8("{\"timeout\":\"x\"}"), new byte[0]};
    try (RawZmqClient fuzzer = RawZmqClient.dealer(fixture.endpoint)) {
      long deadline = System.nanoTime() + 60_000_000_000L;
      int sent = 0;
      for (; sent < 20_000 && System.nanoTime() < deadline; sent++) {
        int frames = random.nextInt(9);
        byte[][] message = new byte[Math.max(frames, 1)][];
        for (int i = 0; i < message.length; i++) {
          if (random.nextInt(3) == 0) {
            message[i] = pieces[random.nextInt(pieces.length)];
          } else {
            byte[] junk = new byte[random.nextInt(40)];
            random.nextBytes(junk);
            message[i] = junk;
          }
        }
        fuzzer.sendRaw(message);
        if (sent % 500 == 0) {
          while (fuzzer.receive(0) != null) {
            // drain replies so the fuzzer's own queue stays small
          }
        }
      }
      assertEquals(20_000, sent, "the fuzz loop ran out of time");
    }
    assertServed(fixture.endpoint);
    try (RawZmqClient c = RawZmqClient.dealer(fixture.endpoint)) {
      c.send(CbpFrames.request(Command.PING, utf8("p"), "", new byte[0], new byte[0]));
      assertEquals("OK", text(c.reply().get(1)));
    }
  }

  @Test
  void aSubscriberHoldsAtMostAThousandTopicsAndKeepsThoseItHas(Vertx vertx) throws Exception {
    try (RawZmtpPeer sub = RawZmtpPeer.connect(fixture.eventsEndpoint, 0, "SUB")) {
      for (int i = 0; i <= XpubSocket.MAX_TOPICS_PER_CONNECTION; i++) {
        sub.sendMessage(utf8("\u0001t" + i));
      }
      Conditions.await(10_000, () -> fixture.bridge.stats().errors(io.conduit.codec.ErrorCode.OVERLOADED) == 1,
          () -> "the subscription over the limit to be refused; " + fixture.bridge.stats().toJson());
      sub.sendMessage(utf8("\u0001t0")); // a topic it holds: counted again, not refused
      // an event on a held topic still arrives, on one over the limit does not
      List<byte[]> event = null;
      for (int round = 0; round < 50 && event == null; round++) {
        vertx.eventBus().publish("t" + XpubSocket.MAX_TOPICS_PER_CONNECTION, "not subscribed");
        vertx.eventBus().publish("t7", "subscribed");
        event = sub.readMessage(100);
      }
      assertTrue(event != null, "no event on a held topic");
      assertEquals("t7", text(event.get(0)));
      assertEquals(1, fixture.bridge.stats().errors(io.conduit.codec.ErrorCode.OVERLOADED));
    }
  }
}
