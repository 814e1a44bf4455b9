package io.conduit.cli;

import io.conduit.client.ConduitClient;
import io.conduit.client.ConduitException;
import io.conduit.cluster.TestClusters;
import io.conduit.codec.ErrorCode;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Two {@code conduit serve --cluster} JVMs: a request entering one node's bridge reaches a service
 * only the other node runs; after that node is killed with SIGKILL, the survivor keeps serving its
 * own services and answers NO_HANDLERS for the dead one's.
 */
class ClusterFailoverIT {

  @TempDir
  Path dir;

  private Path deployment(String name, String json) throws Exception {
    Path f = dir.resolve(name + ".json");
    Files.writeString(f, json);
    return f;
  }

  private static String echo(String address) {
    return "{\"name\": \"" + address + "\", \"verticle\": \"io.conduit.builtin.EchoVerticle\","
        + " \"config\": {\"address\": \"" + address + "\"}}";
  }

  @Test
  void aRequestCrossesNodesAndTheSurvivorAnswersNoHandlersAfterAKill() throws Exception {
    var cluster = TestClusters.settings("failover");
    int portA = cluster.port();
    int portB = cluster.port() + 1;
    String members = "127.0.0.1:" + portA + ",127.0.0.1:" + portB;
    String bridge = "tcp://127.0.0.1:" + TestClusters.freePort();
    Path a = deployment("a", "{\"services\": [" + echo("echo.a") + ", {\"name\": \"bridge\", \"verticle\": "
        + "\"io.conduit.bridge.ZmqBridgeVerticle\", \"config\": {\"endpoint\": \"" + bridge + "\", \"eventsEndpoint\": null}}]}");
    Path b = deployment("b", "{\"services\": [" + echo("echo.b") + "]}");
    try (ConduitProcess nodeA = ConduitProcess.start(dir, "a", "serve", "-c", a.toString(), "--cluster",
        "--cluster-name", cluster.name(), "--cluster-port", Integer.toString(portA), "--members", members);
         ConduitProcess nodeB = ConduitProcess.start(dir, "b", "serve", "-c", b.toString(), "--cluster",
             "--cluster-name", cluster.name(), "--cluster-port", Integer.toString(portB), "--members", members)) {
      nodeA.awaitOutput("Ready", Duration.ofSeconds(90));
      nodeB.awaitOutput("Ready", Duration.ofSeconds(90));

      try (ConduitClient client = ConduitClient.connect(bridge)) {
        JsonObject body = new JsonObject().put("from", "the test");
        assertEquals(body, awaitReply(client, "echo.b", body), "a request entering A reaches B's service");
        assertEquals(body, client.requestSync("echo.a", body, Duration.ofSeconds(10)));

        nodeB.kill9();
        long killedAt = System.nanoTime();

        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        ErrorCode last = null;
        while (last != ErrorCode.NO_HANDLERS && System.nanoTime() < deadline) {
          try {
            client.requestSync("echo.b", body, Duration.ofSeconds(2));
          } catch (ConduitException e) {
            last = e.code();
          }
          assertEquals(body, client.requestSync("echo.a", body, Duration.ofSeconds(10)), "A keeps serving its own");
        }
        assertEquals(ErrorCode.NO_HANDLERS, last, "the dead node's service is reported as gone");
        System.out.printf("NO_HANDLERS for the killed node's address %d ms after kill -9%n",
            (System.nanoTime() - killedAt) / 1_000_000);
        assertEquals(body, client.requestSync("echo.a", body, Duration.ofSeconds(10)));
      }
    }
  }

  /** B's consumer registration reaches A shortly after B prints Ready: retry until it has. */
  private static Object awaitReply(ConduitClient client, String address, Object body) {
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (true) {
      try {
        return client.requestSync(address, body, Duration.ofSeconds(5));
      } catch (ConduitException e) {
        if (e.code() != ErrorCode.NO_HANDLERS || System.nanoTime() > deadline) {
          throw e;
        }
        java.util.concurrent.locks.LockSupport.parkNanos(100_000_000);
      }
    }
  }
}
