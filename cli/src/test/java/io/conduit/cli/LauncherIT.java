package io.conduit.cli;

import io.conduit.client.ConduitClient;
import io.conduit.client.ConduitException;
import io.conduit.cluster.TestClusters;
import io.conduit.codec.ErrorCode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * {@code java -jar conduit.jar <verticle> -cluster -conf ...} behaves like the Vert.x launcher and
 * clusters through Conduit's factory: its verticle is reachable from a {@code conduit serve} node.
 */
class LauncherIT {

  @TempDir
  Path dir;

  @Test
  void aVerticleStartedByTheLauncherJoinsTheClusterOfAServeNode() throws Exception {
    var cluster = TestClusters.settings("launcher");
    String bridge = "tcp://127.0.0.1:" + TestClusters.freePort();
    try (ConduitProcess serve = ConduitProcess.start(dir, "serve", "serve", "--cluster", "--cluster-name", cluster.name(),
        "--cluster-port", Integer.toString(cluster.port()), "-a", bridge, "--events", "none");
         ConduitProcess launched = ConduitProcess.startLauncherJoining(dir, "launched", cluster,
             "io.conduit.builtin.EchoVerticle", "-cluster", "-instances", "2", "-conf", "{\"address\": \"launched.echo\"}")) {
      serve.awaitOutput("Ready", Duration.ofSeconds(90));
      try (ConduitClient client = ConduitClient.connect(bridge)) {
        long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
        Object reply = null;
        while (reply == null) {
          try {
            reply = client.requestSync("launched.echo", "via the launcher", Duration.ofSeconds(5));
          } catch (ConduitException e) {
            if (e.code() != ErrorCode.NO_HANDLERS || System.nanoTime() > deadline || !launched.isAlive()) {
              throw new AssertionError("launcher node not reachable: " + e + "\n" + launched.stdout() + launched.stderr(), e);
            }
            java.util.concurrent.locks.LockSupport.parkNanos(200_000_000);
          }
        }
        assertEquals("via the launcher", reply);
      }
    }
  }
}
