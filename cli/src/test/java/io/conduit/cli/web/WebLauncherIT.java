package io.conduit.cli.web;

import io.conduit.cli.ConduitProcess;
import io.conduit.cluster.TestClusters;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.locks.LockSupport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The console outside {@code conduit serve}'s defaults: under the stock launcher, and refused without a token. */
class WebLauncherIT {

  @TempDir
  Path dir;

  @Test
  void theStockLauncherDeploysTheConsoleWithVertxMetrics() throws Exception {
    int port = TestClusters.freePort();
    String base = "http://127.0.0.1:" + port;
    try (ConduitProcess launched = ConduitProcess.start(dir, "launched", "io.conduit.web.WebVerticle",
        "-conf", "{\"host\": \"127.0.0.1\", \"port\": " + port + "}")) {
      HttpResponse<String> health = awaitAnswer(launched, base + "/health");
      assertEquals(200, health.statusCode(), health.body());
      HttpResponse<String> metrics = get(base + "/metrics");
      assertTrue(metrics.body().contains("vertx_http_server_"), "Vert.x meters from the launcher's metrics options");
      HttpResponse<String> nodes = get(base + "/api/nodes");
      assertEquals(200, nodes.statusCode(), nodes.body());
    }
  }

  @Test
  void serveRefusesAConsoleBeyondLoopbackWithoutAToken() throws Exception {
    ConduitProcess p = ConduitProcess.run(dir, "open", "serve", "-b", "memory", "--data", dir.resolve("data").toString(),
        "-a", "tcp://127.0.0.1:" + TestClusters.freePort(), "--events", "none",
        // Refused before anything binds: the address (TEST-NET-1) need not exist here.
        "--web", "192.0.2.1:" + TestClusters.freePort());
    assertNotEquals(0, p.exitCode());
    assertTrue(p.stderr().contains("set a \"token\""), p.stderr());
  }

  private static HttpResponse<String> awaitAnswer(ConduitProcess process, String url) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
    while (true) {
      try {
        return get(url);
      } catch (ConnectException e) {
        if (!process.isAlive() || System.nanoTime() > deadline) {
          throw new AssertionError("console not up: " + process.stdout() + process.stderr(), e);
        }
        LockSupport.parkNanos(200_000_000);
      }
    }
  }

  private static HttpResponse<String> get(String url) throws Exception {
    return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).build(),
        HttpResponse.BodyHandlers.ofString());
  }
}
