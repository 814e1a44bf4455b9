package io.conduit.client;

import io.conduit.codec.ErrorCode;
import io.conduit.codec.zmtp.ZmtpSecurity;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.zeromq.ZMQ;

import java.time.Duration;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The client's CURVE handshake against JeroMQ, the reference implementation, with and without ZAP. */
@Timeout(30)
class CurveTest {

  private final ZMQ.Curve.KeyPair server = ZMQ.Curve.generateKeyPair();

  @Test
  void curveKeysLetTheClientTalkToACurveBridge() throws Exception {
    try (FakeBridge bridge = FakeBridge.withCurve(server);
         ConduitClient client = ConduitClient.connect(bridge.endpoint(),
             bridge.options().withCurve(CurveKeys.withNewClientKeys(server.publicKey)))) {
      assertEquals("secret", client.requestSync("echo", "secret"));
    }
  }

  @Test
  void aClientWhoseKeyIsAdmittedIsServed() throws Exception {
    String[] mine = ZmtpSecurity.newKeyPair();
    try (FakeBridge bridge = FakeBridge.withCurve(server, Set.of(mine[0]));
         ConduitClient client = ConduitClient.connect(bridge.endpoint(),
             bridge.options().withCurve(new CurveKeys(server.publicKey, mine[0], mine[1])))) {
      assertEquals("admitted", client.requestSync("echo", "admitted"));
    }
  }

  @Test
  void aClientWhoseKeyIsNotAdmittedIsRefusedWithForbidden() throws Exception {
    String[] admitted = ZmtpSecurity.newKeyPair();
    CurveKeys stranger = CurveKeys.withNewClientKeys(server.publicKey);
    try (FakeBridge bridge = FakeBridge.withCurve(server, Set.of(admitted[0]))) {
      ConduitException e = assertThrows(ConduitException.class,
          () -> ConduitClient.connect(bridge.endpoint(), bridge.options().withCurve(stranger)));
      assertEquals(ErrorCode.FORBIDDEN, e.code());
      assertTrue(e.getMessage().contains("refused this client"), e.getMessage());
      assertTrue(e.getMessage().contains(stranger.clientPublicKey()), e.getMessage());
    }
  }

  @Test
  void aWrongCurveServerKeyFailsToConnect() throws Exception {
    String wrong = ZMQ.Curve.generateKeyPair().publicKey;
    try (FakeBridge bridge = FakeBridge.withCurve(server)) {
      ConduitException e = assertThrows(ConduitException.class, () -> ConduitClient.connect(bridge.endpoint(),
          bridge.options().withTimeout(Duration.ofMillis(100)).withCurve(CurveKeys.withNewClientKeys(wrong))));
      assertEquals(ErrorCode.UNAVAILABLE, e.code(), e.getMessage());
      assertTrue(e.getMessage().contains("CURVE server key"), e.getMessage());
    }
  }

  @Test
  void aClientWithoutCurveIsToldTheBridgeWantsIt() throws Exception {
    try (FakeBridge bridge = FakeBridge.withCurve(server)) {
      ConduitException e = assertThrows(ConduitException.class,
          () -> ConduitClient.connect(bridge.endpoint(), bridge.options()));
      assertEquals(ErrorCode.UNAVAILABLE, e.code());
      assertTrue(e.getMessage().contains("CURVE"), e.getMessage());
    }
  }

  @Test
  void aKeyPairThatDoesNotBelongTogetherIsRefusedAtOnce() {
    String[] a = ZmtpSecurity.newKeyPair();
    String[] b = ZmtpSecurity.newKeyPair();
    var e = assertThrows(IllegalArgumentException.class, () -> new CurveKeys(server.publicKey, a[0], b[1]));
    assertEquals("clientPublicKey is not the public key of clientSecretKey", e.getMessage());
  }
}
