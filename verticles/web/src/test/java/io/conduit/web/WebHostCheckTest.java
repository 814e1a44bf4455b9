package io.conduit.web;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A loopback console answers only under loopback names, spelt exactly: a web page that rebinds a
 * name of its own to 127.0.0.1 gets refused, whatever the name starts with.
 */
@ExtendWith(VertxExtension.class)
class WebHostCheckTest {

  private int port;

  @BeforeEach
  void start(Vertx vertx) throws Exception {
    port = WebFixture.startOnEphemeralPort(vertx, new JsonObject());
  }

  @ParameterizedTest(name = "Host: {0}")
  @ValueSource(strings = {"127.0.0.1:{port}", "127.0.0.1", "localhost", "localhost:{port}", "LocalHost:{port}",
      "127.1.2.3:{port}", "127.255.255.255", "[::1]", "[::1]:{port}"})
  void loopbackHostIsServed(String host) throws Exception {
    RawHttp.Response r = RawHttp.request("127.0.0.1", port, "GET", "/api/nodes", spell(host));
    assertEquals(200, r.status(), r.body());
    assertNotNull(r.json().getJsonArray("nodes"));
  }

  @ParameterizedTest(name = "Host: \"{0}\"")
  @ValueSource(strings = {"localhost.evil.com", "localhost.evil.com:{port}", "127.0.0.1.nip.io", "127.0.0.1.nip.io:{port}",
      "127.evil.com", "127.evil.com:{port}", "0x7f.1", "0x7f.0.0.1", "2130706433", "127.1", "0177.0.0.1", "127.0.0.01",
      "127.256.0.1", "127.0.0.1.", "localhost.", "::1", "::1:{port}", "[::1].evil.com", "[::2]:{port}",
      "[0:0:0:0:0:0:0:1]:{port}", "127.0.0.1:{other}", "localhost:{other}", "[::1]:{other}", "127.0.0.1:",
      "127.0.0.1:http", "127.0.0.1:99999", "attacker.example", "10.1.2.3:{port}", ""})
  void anyOtherHostIsRefusedWithTheAcceptedForms(String host) throws Exception {
    assertRefused(RawHttp.request("127.0.0.1", port, "GET", "/api/nodes", spell(host)));
  }

  @Test
  void requestWithoutHostIsRefused() throws Exception {
    assertRefused(RawHttp.request("127.0.0.1", port, "GET", "/api/nodes", null));
  }

  @Test
  void requestWithTwoHostHeadersIsRefused() throws Exception {
    assertRefused(RawHttp.request("127.0.0.1", port, "GET", "/api/nodes", "127.0.0.1:" + port, "Host: evil.example"));
  }

  @Test
  void theConsolePageItselfIsRefusedUnderAForeignName() throws Exception {
    assertRefused(RawHttp.request("127.0.0.1", port, "GET", "/", "127.0.0.1.nip.io:" + port));
  }

  @Test
  void rebindingPageCannotPostEvenFromItsOwnOrigin() throws Exception {
    String name = "127.0.0.1.nip.io:" + port;
    RawHttp.Response r = RawHttp.request("127.0.0.1", port, "POST", "/api/call/nobody.here", name,
        "Origin: http://" + name);
    assertRefused(r);
    assertTrue(r.json().getString("message").contains("Host"), r.body());
  }

  @ParameterizedTest(name = "Host: {0}")
  @ValueSource(strings = {"127.0.0.1:{port}", "localhost:{port}", "[::1]:{port}"})
  void postFromTheConsolesOwnOriginIsServed(String host) throws Exception {
    RawHttp.Response r = RawHttp.request("127.0.0.1", port, "POST", "/api/call/nobody.here", spell(host),
        "Origin: http://" + spell(host));
    assertEquals(404, r.status(), r.body());
    assertEquals("NO_HANDLERS", r.json().getString("code"), "the POST got past the guard: " + r.body());
  }

  @ParameterizedTest(name = "Origin: {0}")
  @ValueSource(strings = {"http://127.0.0.1.nip.io:{port}", "http://127.0.0.1:{port}.evil.com", "http://127.0.0.1:{other}",
      "http://127.0.0.1", "http://localhost:{port}", "http://127.0.0.1:{port}/", "ftp://127.0.0.1:{port}", "null"})
  void postFromAnyOtherOriginIsRefused(String origin) throws Exception {
    RawHttp.Response r = RawHttp.request("127.0.0.1", port, "POST", "/api/call/nobody.here", "127.0.0.1:" + port,
        "Origin: " + spell(origin));
    assertEquals(403, r.status(), r.body());
    assertEquals("FORBIDDEN", r.json().getString("code"));
    assertTrue(r.json().getString("message").contains("origin"), r.body());
  }

  @Test
  void consoleBoundToIpv6LoopbackServesBracketedHost(Vertx vertx) throws Exception {
    if (!ipv6LoopbackAvailable()) {
      // No ::1 on this machine to connect to: check the rule that request would meet instead.
      System.out.println("WebHostCheckTest: this machine has no ::1; checked the Host rule for [::1] without a socket");
      HostHeader host = HostHeader.parse("[::1]:" + port);
      assertTrue(host != null && host.isLoopback() && host.port() == port, "[::1]:" + port + " is a loopback Host");
      return;
    }
    int v6 = WebFixture.startOnEphemeralPort(vertx, new JsonObject().put("host", "::1"));
    RawHttp.Response ok = RawHttp.request("::1", v6, "GET", "/api/nodes", "[::1]:" + v6);
    assertEquals(200, ok.status(), ok.body());
    assertRefused(RawHttp.request("::1", v6, "GET", "/api/nodes", "::1:" + v6), v6);
  }

  private void assertRefused(RawHttp.Response r) {
    assertRefused(r, port);
  }

  private static void assertRefused(RawHttp.Response r, int port) {
    assertEquals(403, r.status(), r.body());
    JsonObject body = r.json();
    assertEquals("FORBIDDEN", body.getString("code"), r.body());
    String message = body.getString("message");
    assertTrue(message.contains("localhost") && message.contains("127.0.0.1") && message.contains("[::1]")
        && message.contains(":" + port), "the refusal says what is accepted: " + message);
  }

  /** The placeholders {port} (this console's) and {other} (another port) filled in. */
  private String spell(String template) {
    return template.replace("{port}", String.valueOf(port)).replace("{other}", String.valueOf(port == 65535 ? 1 : port + 1));
  }

  private static boolean ipv6LoopbackAvailable() {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName("::1"))) {
      return true;
    } catch (IOException e) {
      return false;
    }
  }
}
