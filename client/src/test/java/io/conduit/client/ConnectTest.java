package io.conduit.client;

import io.conduit.codec.ErrorCode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

@Timeout(30)
class ConnectTest {

  @Test
  void connectReturnsOnceTheBridgeAnswers() throws Exception {
    try (FakeBridge bridge = FakeBridge.start();
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
  void anEndpointWithoutPortIsRefused() {
    var e = assertThrows(IllegalArgumentException.class, () -> ConduitClient.connect("tcp://127.0.0.1"));
    assertTrue(e.getMessage().contains("tcp://HOST:PORT"), e.getMessage());
  }
}
