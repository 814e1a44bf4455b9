package io.conduit.bridge;

import io.conduit.bridge.InteropBridge.Security;
import io.conduit.codec.zmtp.ZmtpException;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.zeromq.SocketType;

import java.util.List;

import static io.conduit.bridge.RawZmqClient.text;
import static io.conduit.bridge.RawZmqClient.utf8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The interoperability matrix, libzmq's column: pyzmq clients and workers (zmq_interop.py, a real
 * Python process each) against the bridge, plainly and under CURVE with keys from pyzmq's own
 * {@code zmq.curve_keypair()}.
 */
@ExtendWith(VertxExtension.class)
class InteropPyzmqTest {

  private static final long RUN_SECONDS = 40;

  @ParameterizedTest(name = "{0}")
  @EnumSource(Security.class)
  void aReqClientMakesSequentialRequests(Security security, Vertx vertx) throws Exception {
    InteropBridge bridge = InteropBridge.deploy(vertx, security);
    assertEquals("ok req 200", PythonPeer.run(RUN_SECONDS, "zmq_interop.py", bridge.pyzmq("req", "-n", "200")));
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(Security.class)
  void aDealerPipelinesTenThousandRequestsAndEveryReplyMatches(Security security, Vertx vertx) throws Exception {
    InteropBridge bridge = InteropBridge.deploy(vertx, security);
    assertEquals("ok dealer 10000", PythonPeer.run(RUN_SECONDS, "zmq_interop.py", bridge.pyzmq("dealer", "-n", "10000")));
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(Security.class)
  void libzmqHeartbeatPingsAreAnsweredAndKeepTheConnection(Security security, Vertx vertx) throws Exception {
    InteropBridge bridge = InteropBridge.deploy(vertx, security);
    assertEquals("ok heartbeat", PythonPeer.run(RUN_SECONDS, "zmq_interop.py", bridge.pyzmq("heartbeat")));
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(Security.class)
  void aSubReceivesPublishedEventsUntilItUnsubscribes(Security security, Vertx vertx) throws Exception {
    InteropBridge bridge = InteropBridge.deploy(vertx, security);
    assertEquals("ok sub interop.news", PythonPeer.run(RUN_SECONDS, "zmq_interop.py",
        bridge.pyzmq("sub", "interop.news")));
    assertEquals(0, bridge.stats().toJson().getInteger("subscribedAddresses"));
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(Security.class)
  void aMajordomoClientOnReqCallsAnEventBusService(Security security, Vertx vertx) throws Exception {
    InteropBridge bridge = InteropBridge.deploy(vertx, security);
    assertEquals("ok mdp-req 20", PythonPeer.run(RUN_SECONDS, "zmq_interop.py", bridge.pyzmq("mdp-req", "-n", "20")));
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(Security.class)
  void aMajordomoClientOnDealerCallsAnEventBusService(Security security, Vertx vertx) throws Exception {
    InteropBridge bridge = InteropBridge.deploy(vertx, security);
    assertEquals("ok mdp-dealer 20", PythonPeer.run(RUN_SECONDS, "zmq_interop.py",
        bridge.pyzmq("mdp-dealer", "-n", "20")));
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(Security.class)
  void aMajordomoWorkerServesJeromqClients(Security security, Vertx vertx) throws Exception {
    InteropBridge bridge = InteropBridge.deploy(vertx, security);
    try (PythonPeer worker = PythonPeer.start("zmq_interop.py",
        bridge.pyzmq("worker", "py.upper", String.valueOf(InteropBridge.HEARTBEAT_MS), "45"))) {
      worker.awaitLine("ready py.upper", 15_000);
      try (RawZmqClient client = RawZmqClient.connect(bridge.endpoint(), SocketType.DEALER, bridge.jeromq())) {
        for (int i = 0; i < 20; i++) {
          client.request("py.upper", "", "\"from jeromq " + i + "\"");
          List<byte[]> reply = client.reply();
          assertEquals("OK", text(reply.get(1)), RawZmqClient.describe(reply));
          assertEquals("\"FROM JEROMQ " + i + "\"", text(reply.get(4)));
        }
      }
      try (RawZmqClient mdp = RawZmqClient.connect(bridge.endpoint(), SocketType.REQ, bridge.jeromq())) {
        mdp.sendRaw(utf8("MDPC01"), utf8("py.upper"), utf8("\"via majordomo\""));
        assertEquals(List.of("MDPC01", "py.upper", "\"VIA MAJORDOMO\""),
            mdp.reply().stream().map(RawZmqClient::text).toList());
      }
      assertEquals(21, bridge.stats().workerRequests(), worker::output);
    }
  }

  @Test
  void aStockRfc7MajordomoClientCallsAnEventBusService(Vertx vertx) throws Exception {
    InteropBridge bridge = InteropBridge.deploy(vertx, Security.NULL);
    vertx.eventBus().<Object>consumer("interop.greet", m -> m.reply("hello, " + m.body()));
    assertEquals("\"hello, ada\"\n\"hello, grace\"", PythonPeer.run(RUN_SECONDS, "mdp_rfc7_client.py",
        List.of(bridge.endpoint(), "interop.greet", "\"ada\"", "\"grace\"")));
    String failed = PythonPeer.run(RUN_SECONDS, "mdp_rfc7_client.py", List.of(bridge.endpoint(), "no.such.service", "{}"));
    assertEquals("NO_HANDLERS", new JsonObject(failed).getJsonObject("error").getString("code"), failed);
  }

  @Test
  void underCurveUnknownKeysAndPlainClientsAreRefusedOnBothSockets(Vertx vertx) throws Exception {
    InteropBridge bridge = InteropBridge.deploy(vertx, Security.CURVE);
    String[] stranger = InteropBridge.pyzmqStranger();
    for (String socket : List.of("dealer", "sub")) {
      // libzmq reports a ZAP refusal (ERROR "400") as an authentication failure with that status
      String refusedKey = PythonPeer.run(RUN_SECONDS, "zmq_interop.py", bridge.pyzmq("refused", stranger, socket));
      assertTrue(refusedKey.startsWith("ok refused " + socket), refusedKey);
      assertTrue(refusedKey.contains("HANDSHAKE_FAILED_AUTH(400)"), refusedKey);
      // a NULL client meets a CURVE greeting: libzmq itself gives up (ZMTP mechanism mismatch)
      String plain = PythonPeer.run(RUN_SECONDS, "zmq_interop.py", bridge.pyzmq("refused", (String[]) null, socket));
      assertTrue(plain.startsWith("ok refused " + socket), plain);
      assertTrue(plain.contains("HANDSHAKE_FAILED_PROTOCOL(" + 0x11000002 + ")"), plain);
    }
    assertTrue(bridge.stats().connectionsClosed(ZmtpException.Reason.KEY_REFUSED) >= 2, bridge.stats().toJson()::encode);
    // and the admitted key is served by the same bridge
    assertEquals("ok req 1", PythonPeer.run(RUN_SECONDS, "zmq_interop.py", bridge.pyzmq("req")));
  }
}
