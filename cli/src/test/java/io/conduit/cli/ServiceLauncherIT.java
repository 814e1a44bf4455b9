package io.conduit.cli;

import io.conduit.client.ConduitClient;
import io.conduit.client.ConduitException;
import io.conduit.cluster.TestClusters;
import io.conduit.codec.ErrorCode;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.locks.LockSupport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A {@code ServiceVerticle} (the RPC example) started by the stock launcher
 * ({@code java -jar conduit.jar <verticle> -cluster -conf ...}) serves its ops to a bridge client
 * of a {@code conduit serve} node in the same cluster.
 */
class ServiceLauncherIT {

  @TempDir
  Path dir;

  @Test
  void aServiceStartedByTheLauncherAnswersItsOpsThroughTheBridge() throws Exception {
    var cluster = TestClusters.settings("service-launcher");
    String bridge = "tcp://127.0.0.1:" + TestClusters.freePort();
    try (ConduitProcess serve = ConduitProcess.start(dir, "serve", "serve", "--cluster", "--cluster-name", cluster.name(),
        "--cluster-port", Integer.toString(cluster.port()), "-a", bridge, "--events", "none");
         ConduitProcess launched = ConduitProcess.startLauncherJoining(dir, "launched", cluster, ExamplesDir.classes(),
             "io.conduit.examples.rpc.RpcService", "-cluster", "-conf", "{\"address\": \"launched.rpc\"}")) {
      serve.awaitOutput("Ready", Duration.ofSeconds(90));
      try (ConduitClient client = ConduitClient.connect(bridge)) {
        JsonObject add = new JsonObject().put("op", "add").put("a", 2).put("b", 3);
        long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
        Object sum = null;
        while (sum == null) {
          try {
            sum = client.requestSync("launched.rpc", add, Duration.ofSeconds(5));
          } catch (ConduitException e) {
            if (e.code() != ErrorCode.NO_HANDLERS || System.nanoTime() > deadline || !launched.isAlive()) {
              throw new AssertionError("launched service not reachable: " + e + "\n" + launched.stdout()
                  + launched.stderr(), e);
            }
            LockSupport.parkNanos(200_000_000);
          }
        }
        assertEquals(new JsonObject().put("sum", 5.0), sum);
        Object foo = client.request("launched.rpc", Buffer.buffer("a message"), Map.of("op", "foo"),
            Duration.ofSeconds(5)).get();
        assertEquals(Buffer.buffer("you sent me a message"), foo);
        ConduitException unknown = assertThrows(ConduitException.class,
            () -> client.requestSync("launched.rpc", new JsonObject().put("op", "format_disk")));
        assertEquals(400, unknown.details().getInteger("failureCode"));
        assertTrue(unknown.getMessage().endsWith("its ops are add, foo"), unknown.getMessage());
        assertTrue(launched.isAlive(), "the service survived the unknown op");
      }
    }
  }
}
