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
