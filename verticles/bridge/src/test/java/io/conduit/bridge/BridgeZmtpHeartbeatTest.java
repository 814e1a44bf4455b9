package io.conduit.bridge;

import io.conduit.codec.cbp.CbpFrames;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.List;

import static io.conduit.bridge.RawZmqClient.text;
import static io.conduit.bridge.RawZmqClient.utf8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * ZMTP heartbeats ({@code zmtpHeartbeatMs}): ZMTP 3.1 clients are PINGed and closed when they stop
 * answering; ZMTP 3.0 clients (JeroMQ 0.6.0 among them) have no PING, so silence is no sign of
 * death for them and they keep their connection while they wait for a reply.
 */
@ExtendWith(VertxExtension.class)
class BridgeZmtpHeartbeatTest {

  /** A bridge with ZMTP heartbeats every 200 ms, and a service that answers after 1.5 s (7.5 intervals). */
  private static BridgeFixture heartbeatingBridge(Vertx vertx) throws Exception {
    vertx.eventBus().consumer("slow", m -> vertx.setTimer(1_500, id -> m.reply(m.body())));
    BridgeFixture fixture = new BridgeFixture();
    fixture.deployAndWait(vertx, new JsonObject().put("zmtpHeartbeatMs", 200));
    return fixture;
  }

  @Test
  void underZmtpHeartbeatsAZmtp31ClientIsPingedAndKeptWhileItAnswers(Vertx vertx) throws Exception {
    BridgeFixture fixture = heartbeatingBridge(vertx);
    try (RawZmtpPeer peer = RawZmtpPeer.connect(fixture.endpoint, 1, "DEALER")) {
      peer.sendMessage(new byte[0], CbpFrames.SIGNATURE, utf8("REQUEST"), utf8("s"), utf8("slow"), new byte[0], utf8("1"));
      List<byte[]> reply = peer.readMessage(10_000);
      assertNotNull(reply, "no reply");
      assertEquals("OK", text(reply.get(2)), RawZmqClient.describe(reply));
      assertTrue(peer.commandsSeen().stream().anyMatch(c -> c.name().equals("PING")), "the bridge sent PINGs");
    }
  }

  @Test
  void underZmtpHeartbeatsAClientReadingItsRepliesSlowlyIsJudgedByTheSlowClientTimeoutNotAsSilent(Vertx vertx)
      throws Exception {
    byte[] sixteenKiB = new byte[16 * 1024];
    vertx.eventBus().consumer("big", m -> m.reply(io.vertx.core.buffer.Buffer.buffer(sixteenKiB)));
    BridgeFixture fixture = new BridgeFixture();
    // Reading stops at 100 unsent replies; 32 MiB of them is more than the loopback socket buffers
    // take and less than twice clientOutputBytes, so the client is paused, never dropped for it.
    fixture.deployAndWait(vertx, new JsonObject().put("zmtpHeartbeatMs", 100).put("clientOutputBytes", 16 << 20)
        .put("highWaterMark", 100).put("slowClientTimeoutMs", 30_000).put("maxInFlightPerClient", 5_000));
    int n = 2_000;
    try (RawZmtpPeer peer = RawZmtpPeer.connect(fixture.endpoint, 1, "DEALER")) {
      for (int i = 0; i < n; i++) {
        peer.sendMessage(new byte[0], CbpFrames.SIGNATURE, utf8("REQUEST"), utf8("r" + i), utf8("big"), new byte[0],
            utf8("{}"));
      }
      // A client busy elsewhere: it reads nothing, and its PONGs wait unread in a connection the
      // bridge has stopped reading. It stays away for as long as the bridge takes to close a truly
      // silent 3.1 client connected after it (3 heartbeat intervals at least), then reads everything.
      try (RawZmtpPeer silent = RawZmtpPeer.connect(fixture.endpoint, 1, "DEALER")) {
        assertTrue(silent.closedByPeer(10_000), "a silent ZMTP 3.1 client was never closed");
      }
      for (int i = 0; i < n; i++) {
        List<byte[]> reply = peer.readMessage(10_000);
        assertNotNull(reply, "reply " + i + " never came; " + fixture.bridge.stats().toJson());
        assertEquals("OK", text(reply.get(2)), RawZmqClient.describe(reply));
      }
    }
    assertEquals(1, fixture.bridge.stats().connectionsClosed(io.conduit.codec.zmtp.ZmtpException.Reason.DEAD_PEER),
        "only the silent client was closed as dead");
  }

  @Test
  void underZmtpHeartbeatsAZmtp31ClientThatNeverAnswersIsClosed(Vertx vertx) throws Exception {
    BridgeFixture fixture = heartbeatingBridge(vertx);
    try (RawZmtpPeer peer = RawZmtpPeer.connect(fixture.endpoint, 1, "DEALER")) {
      assertTrue(peer.closedByPeer(5_000), "a ZMTP 3.1 peer silent for 3 intervals is closed");
    }
  }

  @Test
  void underZmtpHeartbeatsAZmtp30ClientWhichCannotBePingedIsNotClosedWhileItWaits(Vertx vertx) throws Exception {
    BridgeFixture fixture = heartbeatingBridge(vertx);
    try (RawZmtpPeer peer = RawZmtpPeer.connect(fixture.endpoint, 0, "DEALER")) {
      peer.sendMessage(new byte[0], CbpFrames.SIGNATURE, utf8("REQUEST"), utf8("s"), utf8("slow"), new byte[0], utf8("0"));
      List<byte[]> reply = peer.readMessage(10_000);
      assertNotNull(reply, "no reply");
      assertEquals("OK", text(reply.get(2)), RawZmqClient.describe(reply));
      assertTrue(peer.commandsSeen().isEmpty(), "ZMTP 3.0 has no PING: none is sent");
    }
  }

  @Test
  void underZmtpHeartbeatsAJeromqClientGetsASlowReply(Vertx vertx) throws Exception {
    BridgeFixture fixture = heartbeatingBridge(vertx);
    try (RawZmqClient client = RawZmqClient.dealer(fixture.endpoint)) {
      client.request("slow", "", "\"patience\"");
      List<byte[]> reply = client.receive(5_000);
      assertNotNull(reply, "the reply to a JeroMQ (ZMTP 3.0) client was lost; " + fixture.bridge.stats().toJson());
      assertEquals("\"patience\"", text(reply.get(4)));
    }
  }
}
