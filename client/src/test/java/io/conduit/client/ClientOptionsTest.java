package io.conduit.client;

import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

class ClientOptionsTest {

  @Test
  void theEventsEndpointDefaultsToTheNextPortOnTheSameHost() {
    assertEquals("tcp://127.0.0.1:5556", ClientOptions.defaults().eventsEndpointFor("tcp://127.0.0.1:5555"));
  }

  @Test
  void anExplicitEventsEndpointWins() {
    assertEquals("tcp://h:9", ClientOptions.defaults().withEventsEndpoint("tcp://h:9").eventsEndpointFor("tcp://h:1"));
  }

  @Test
  void nonTcpEndpointsHaveNoDefaultEventsEndpoint() {
    assertNull(ClientOptions.defaultEventsEndpoint("ipc:///tmp/conduit"));
  }

  @Test
  void aZeroTimeoutIsRefused() {
    assertThrows(IllegalArgumentException.class, () -> ClientOptions.defaults().withTimeout(Duration.ZERO));
  }

  @Test
  void curveKeysMustBeFortyCharacterZ85() {
    var e = assertThrows(IllegalArgumentException.class, () -> new CurveKeys("short", "x", "y"));
    assertEquals("serverPublicKey must be a 40-character Z85 key (see 'conduit keygen'), got 5 characters",
        e.getMessage());
  }
}
