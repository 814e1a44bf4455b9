package io.conduit.web;

import io.conduit.cluster.TestClusters;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.util.Collections;
import java.util.concurrent.ExecutionException;

import static io.conduit.web.CallApiTest.assertError;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Loopback by default; any other interface only with a bearer token, which every API request must then carry. */
@ExtendWith(VertxExtension.class)
class WebSecurityTest {

  private static final String TOKEN = "0123456789abcdef-test-token";

  @Test
  void nonLoopbackBindWithoutTokenIsRefusedAtStartUp(Vertx vertx) {
    WebFixture web = new WebFixture(vertx);
    web.host = nonLoopbackAddress();
    ExecutionException e = assertThrows(ExecutionException.class, () -> web.deployAndWait(new JsonObject()));
    assertTrue(e.getCause().getMessage().contains("token"), e.getCause().getMessage());
  }

  @Test
  void shortTokenIsRefusedAtStartUp(Vertx vertx) {
    WebFixture web = new WebFixture(vertx);
    ExecutionException e = assertThrows(ExecutionException.class,
        () -> web.deployAndWait(new JsonObject().put("token", "short")));
    assertTrue(e.getCause().getMessage().contains("at least 16"), e.getCause().getMessage());
  }

  @Test
  void unknownConfigFieldIsRefusedAtStartUp(Vertx vertx) {
    WebFixture web = new WebFixture(vertx);
    ExecutionException e = assertThrows(ExecutionException.class,
        () -> web.deployAndWait(new JsonObject().put("tokn", TOKEN)));
    assertTrue(e.getCause().getMessage().contains("tokn"), e.getCause().getMessage());
  }

  @Test
  void nonLoopbackBindWithTokenRequiresItOnEveryApiRequest(Vertx vertx) throws Exception {
    String host = nonLoopbackAddress();
    int port = TestClusters.freePort();
    WebFixture.await(vertx.deployVerticle(new WebVerticle(), new DeploymentOptions().setConfig(
        new JsonObject().put("host", host).put("port", port).put("token", TOKEN))));
    WebClient client = WebClient.create(vertx, new WebClientOptions().setDefaultHost(host).setDefaultPort(port));

    assertError(WebFixture.await(client.get("/api/nodes").send()), 403, "FORBIDDEN");
    assertError(WebFixture.await(client.get("/api/nodes").bearerTokenAuthentication("wrong-token-0123456789").send()),
        403, "FORBIDDEN");
    assertError(WebFixture.await(client.post("/api/services/echo/stop").putHeader("Content-Type", "application/json")
        .sendBuffer(Buffer.buffer("{}"))), 403, "FORBIDDEN");
    assertError(WebFixture.await(client.get("/metrics").send()), 403, "FORBIDDEN");

    HttpResponse<Buffer> ok = WebFixture.await(client.get("/api/nodes").bearerTokenAuthentication(TOKEN).send());
    assertEquals(200, ok.statusCode(), ok.bodyAsString());
    assertEquals(200, WebFixture.await(client.get("/metrics").bearerTokenAuthentication(TOKEN).send()).statusCode());
  }

  @Test
  void theConsoleControlsNodesThatRequireItsToken(Vertx vertx) throws Exception {
    ConduitNodeFixture node = ConduitNodeFixture.start(vertx, TOKEN);
    HttpResponse<Buffer> listed = node.web.getNow("/api/services");
    assertEquals(200, listed.statusCode(), listed.bodyAsString());
    assertEquals(null, listed.bodyAsJsonObject().getJsonArray("nodes").getJsonObject(0).getValue("error"),
        listed.bodyAsString());

    HttpResponse<Buffer> stopped = node.web.postNow("/api/services/fixed/stop", new JsonObject());
    assertEquals(200, stopped.statusCode(), stopped.bodyAsString());
    assertEquals("stopped", stopped.bodyAsJsonObject().getJsonArray("results").getJsonObject(0)
        .getJsonObject("service").getString("state"));

    // the same request on the event bus without the token changes nothing
    Throwable refused = assertThrows(ExecutionException.class, () -> WebFixture.await(vertx.eventBus().request(
        io.conduit.deploy.NodeControl.address(vertx), new JsonObject().put("op", "start").put("name", "fixed")))).getCause();
    assertEquals(403, ((io.vertx.core.eventbus.ReplyException) refused).failureCode());
    assertEquals(false, node.services.list().stream().filter(s -> s.name().equals("fixed")).findFirst().orElseThrow()
        .running());
  }

  @Test
  void theConsolePageItselfNeedsNoToken(Vertx vertx) throws Exception {
    WebFixture web = new WebFixture(vertx);
    web.deployAndWait(new JsonObject().put("token", TOKEN));
    HttpResponse<Buffer> page = WebFixture.await(web.client.get("/").send());
    assertEquals(200, page.statusCode());
    assertTrue(page.bodyAsString().contains("Conduit console"));
    assertError(WebFixture.await(web.client.get("/api/services").send()), 403, "FORBIDDEN");
  }

  @Test
  void loopbackConsoleRefusesForeignHostNames(Vertx vertx) throws Exception {
    WebFixture web = new WebFixture(vertx);
    web.deployAndWait(new JsonObject());
    HttpResponse<Buffer> r = WebFixture.await(web.client.get("/api/nodes").virtualHost("attacker.example").send());
    assertError(r, 403, "FORBIDDEN");
  }

  @Test
  void requestWithoutHostIsABadRequestOnANonLoopbackConsole(Vertx vertx) throws Exception {
    String host = nonLoopbackAddress();
    int port = WebFixture.startOnEphemeralPort(vertx, new JsonObject().put("host", host).put("token", TOKEN));
    RawHttp.Response r = RawHttp.request(host, port, "GET", "/api/nodes", null, "Authorization: Bearer " + TOKEN);
    assertEquals(400, r.status(), r.body());
    assertEquals("BAD_REQUEST", r.json().getString("code"), r.body());
  }

  @Test
  void corsIsClosedByDefault(Vertx vertx) throws Exception {
    WebFixture web = new WebFixture(vertx);
    web.deployAndWait(new JsonObject());
    HttpResponse<Buffer> r = WebFixture.await(web.get("/api/nodes").putHeader("Origin", "https://elsewhere.example").send());
    assertEquals(null, r.getHeader("Access-Control-Allow-Origin"));
  }

  @Test
  void allowedOriginGetsCorsHeaders(Vertx vertx) throws Exception {
    WebFixture web = new WebFixture(vertx);
    web.deployAndWait(new JsonObject().put("allowedOrigins", new io.vertx.core.json.JsonArray().add("https://ops.example")));
    HttpResponse<Buffer> r = WebFixture.await(web.get("/api/nodes").putHeader("Origin", "https://ops.example").send());
    assertEquals("https://ops.example", r.getHeader("Access-Control-Allow-Origin"));
  }

  /** An IPv4 address of this machine that is not loopback (every CI machine has one to reach Maven). */
  static String nonLoopbackAddress() {
    try {
      for (NetworkInterface nic : Collections.list(NetworkInterface.getNetworkInterfaces())) {
        if (!nic.isUp() || nic.isLoopback()) {
          continue;
        }
        for (InetAddress a : Collections.list(nic.getInetAddresses())) {
          if (a instanceof Inet4Address && !a.isLoopbackAddress() && !a.isLinkLocalAddress()) {
            return a.getHostAddress();
          }
        }
      }
    } catch (SocketException e) {
      throw new IllegalStateException(e);
    }
    throw new IllegalStateException("this machine has no non-loopback IPv4 interface to test a non-loopback bind on");
  }
}
