package io.conduit.web;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Slow, silent and oversize clients cannot hold the console's connections: half a request is cut
 * off after headerTimeoutMs, a connection with no traffic after idleTimeoutMs, while a client that
 * sends whole requests keeps being served on its kept-alive connection.
 */
@ExtendWith(VertxExtension.class)
class WebConnectionsTest {

  /** Slack for a busy build machine on top of each configured timeout. */
  private static final long MARGIN_MS = 3_000;
  private static final long HEADER_MS = 300;

  @Test
  void halfARequestLineAndThenSilenceIsCutOffAfterTheHeaderTimeout(Vertx vertx) throws Exception {
    int port = start(vertx, HEADER_MS, 30_000);
    try (RawHttp slow = new RawHttp("127.0.0.1", port)) {
      slow.send("GET /api/no");
      assertClosedBetween(slow, HEADER_MS, HEADER_MS + MARGIN_MS, null);
    }
  }

  @Test
  void headersTrickledByteByByteAreCutOffAfterTheHeaderTimeout(Vertx vertx) throws Exception {
    int port = start(vertx, HEADER_MS, 30_000);
    try (RawHttp slow = new RawHttp("127.0.0.1", port)) {
      slow.send("GET /api/nodes HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ");
      assertClosedBetween(slow, HEADER_MS, HEADER_MS + MARGIN_MS, "a"); // a byte every 50 ms: never idle
    }
  }

  @Test
  void keptAliveConnectionMustSendItsNextHeadersInTimeToo(Vertx vertx) throws Exception {
    long idle = 600;
    int port = start(vertx, HEADER_MS, idle);
    try (RawHttp client = new RawHttp("127.0.0.1", port)) {
      client.send(wholeRequest(port));
      assertEquals(200, client.readResponse().status());
      client.send("GET /api/nodes HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ");
      assertClosedBetween(client, idle, idle + HEADER_MS + MARGIN_MS, "a");
    }
  }

  @Test
  void idleKeptAliveConnectionIsClosedAfterTheIdleTimeout(Vertx vertx) throws Exception {
    long idle = 500;
    int port = start(vertx, 10_000, idle);
    try (RawHttp client = new RawHttp("127.0.0.1", port)) {
      client.send(wholeRequest(port));
      RawHttp.Response first = client.readResponse();
      assertEquals(200, first.status());
      assertFalse("close".equalsIgnoreCase(first.headers().get("connection")), "the connection was kept alive");
      assertClosedBetween(client, idle - 100, idle + MARGIN_MS, null);
    }
  }

  @Test
  void clientSendingWholeRequestsIsServedWhileSlowOnesAreCutOff(Vertx vertx) throws Exception {
    long idle = 1_000;
    int port = start(vertx, HEADER_MS, idle);
    List<RawHttp> slow = new ArrayList<>();
    try (RawHttp client = new RawHttp("127.0.0.1", port)) {
      for (int i = 0; i < 20; i++) {
        RawHttp s = new RawHttp("127.0.0.1", port);
        slow.add(s);
        s.send("GET /api/nodes HTTP/1.1\r\nHost: 127.0.0.1\r\n");
      }
      // One connection, kept alive, quiet between requests for longer than the header timeout
      // (but not the idle one): every request is answered on it.
      for (int i = 0; i < 4; i++) {
        client.send(wholeRequest(port));
        RawHttp.Response r = client.readResponse();
        assertEquals(200, r.status(), r.body());
        WebFixture.await(vertx.timer(2 * HEADER_MS)); // the pause between two requests of a user
      }
      for (RawHttp s : slow) {
        assertTrue(s.millisUntilClosed(MARGIN_MS, null) >= 0, "every slow connection was cut off");
      }
    } finally {
      for (RawHttp s : slow) {
        s.close();
      }
    }
  }

  @Test
  void quietEventStreamIsKeptOpenAcrossTheIdleTimeout(Vertx vertx) throws Exception {
    long idle = 400;
    int port = start(vertx, 10_000, idle);
    try (RawHttp stream = new RawHttp("127.0.0.1", port)) {
      stream.send("GET /api/events HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\n\r\n");
      // The live stream itself speaks every 2 s, far apart for a 400 ms idle timeout.
      assertEquals(-1, stream.millisUntilClosed(5 * idle, null), "the stream was closed");
    }
  }

  @Test
  void oversizeHeadersAreRefused(Vertx vertx) throws Exception {
    int port = start(vertx, 10_000, 30_000);
    RawHttp.Response r = RawHttp.request("127.0.0.1", port, "GET", "/api/nodes", "127.0.0.1:" + port,
        "X-Big: " + "a".repeat(ConnectionTimeouts.MAX_HEADER_BYTES));
    assertEquals(431, r.status());
  }

  @Test
  void overlongRequestLineIsRefused(Vertx vertx) throws Exception {
    int port = start(vertx, 10_000, 30_000);
    RawHttp.Response r = RawHttp.request("127.0.0.1", port, "GET",
        "/api/nodes?x=" + "a".repeat(ConnectionTimeouts.MAX_INITIAL_LINE_BYTES), "127.0.0.1:" + port);
    assertEquals(414, r.status());
  }

  private static int start(Vertx vertx, long headerTimeoutMs, long idleTimeoutMs) throws Exception {
    return WebFixture.startOnEphemeralPort(vertx, new JsonObject().put("headerTimeoutMs", headerTimeoutMs)
        .put("idleTimeoutMs", idleTimeoutMs).put("callTimeoutMs", Math.min(10_000, idleTimeoutMs - 100)));
  }

  private static String wholeRequest(int port) {
    return "GET /api/nodes HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\n\r\n";
  }

  private static void assertClosedBetween(RawHttp http, long earliestMs, long latestMs, String trickle) throws IOException {
    long closedAfter = http.millisUntilClosed(latestMs, trickle);
    assertTrue(closedAfter >= 0, "the server still held the connection after " + latestMs + " ms");
    assertTrue(closedAfter >= earliestMs - 50, "closed too early, after " + closedAfter + " ms");
  }
}
