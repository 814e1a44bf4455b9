package io.conduit.client;

import io.conduit.codec.ErrorCode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.zeromq.ZMQ;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

@Timeout(30)
class ConnectTest {

  @Test
  void connectReplacesASocketWhosePingGoesUnanswered() throws Exception {
    try (FakeBridge bridge = FakeBridge.ignoringFirstSockets(2);
         ConduitClient client = ConduitClient.connect(bridge.endpoint(), bridge.options())) {
      assertEquals("hi", client.requestSync("echo", "hi"));
    }
  }

  @Test
  void connectToAnEndpointWithoutBridgeFailsWithUnavailable() throws Exception {
    int port;
    try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
      port = probe.getLocalPort();
    }
    ConduitException e = assertThrows(ConduitException.class, () -> ConduitClient.connect("tcp://127.0.0.1:" + port,
        ClientOptions.defaults().withTimeout(Duration.ofMillis(100))));
    assertEquals(ErrorCode.UNAVAILABLE, e.code());
    assertTrue(e.getMessage().contains("no reply from the bridge at tcp://127.0.0.1:" + port), e.getMessage());
  }

  @Test
  void aMalformedEndpointIsRefused() {
    assertThrows(IllegalArgumentException.class, () -> ConduitClient.connect("nonsense://x"));
  }

  @Test
  void curveKeysLetTheClientTalkToACurveBridge() throws Exception {
    ZMQ.Curve.KeyPair server = ZMQ.Curve.generateKeyPair();
    try (FakeBridge bridge = FakeBridge.withCurve(server);
         ConduitClient client = ConduitClient.connect(bridge.endpoint(),
             bridge.options().withCurve(CurveKeys.withNewClientKeys(server.publicKey)))) {
      assertEquals("secret", client.requestSync("echo", "secret"));
    }
  }

  @Test
  void aWrongCurveServerKeyFailsToConnect() throws Exception {
    ZMQ.Curve.KeyPair server = ZMQ.Curve.generateKeyPair();
    String wrong = ZMQ.Curve.generateKeyPair().publicKey;
    try (FakeBridge bridge = FakeBridge.withCurve(server)) {
      ConduitException e = assertThrows(ConduitException.class, () -> ConduitClient.connect(bridge.endpoint(),
          bridge.options().withTimeout(Duration.ofMillis(100)).withCurve(CurveKeys.withNewClientKeys(wrong))));
      assertTrue(e.getMessage().contains("CURVE server key"), e.getMessage());
    }
  }
}
