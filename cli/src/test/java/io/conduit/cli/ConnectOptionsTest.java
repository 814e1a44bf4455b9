package io.conduit.cli;

import io.conduit.bridge.ZmqBridgeVerticle;
import io.conduit.cluster.TestClusters;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every command that connects takes the same CURVE and connect options: a bridge that admits only
 * listed client keys serves {@code call} and {@code task} with {@code --client-key}, refuses them
 * without it, and bad option values are usage errors naming the option.
 */
@Timeout(60)
class ConnectOptionsTest {

  @TempDir
  Path dir;
  private Vertx vertx;
  private final String endpoint = "tcp://127.0.0.1:" + TestClusters.freePort();

  @BeforeEach
  void start() throws Exception {
    assertEquals(0, CliRun.of("keygen", "--name", "bridge", "--out", dir.toString()).exit());
    assertEquals(0, CliRun.of("keygen", "--name", "me", "--out", dir.toString()).exit());
    vertx = Vertx.vertx();
    vertx.eventBus().consumer("echo", m -> m.reply(m.body()));
    vertx.deployVerticle(new ZmqBridgeVerticle(), new DeploymentOptions().setConfig(new JsonObject()
        .put("endpoint", endpoint).put("eventsEndpoint", "")
        .put("curve", new JsonObject().put("keyFile", dir.resolve("bridge").toString())
            .put("clientKeys", new JsonArray().add(key("me.pub"))))))
        .toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
  }

  @AfterEach
  void stop() throws Exception {
    vertx.close().toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
  }

  private String key(String file) throws Exception {
    return Files.readString(dir.resolve(file)).trim();
  }

  @Test
  void aListedClientKeyIsServedByCallAndTask() {
    CliRun call = CliRun.of("call", "echo", "{\"a\": 1}", "--raw", "-e", endpoint,
        "--server-key", dir.resolve("bridge.pub").toString(), "--client-key", dir.resolve("me.key").toString());
    assertEquals(0, call.exit(), call.err());
    assertEquals("{\"a\":1}", call.out().strip());
    // no task queue here: the command got through CURVE when the bridge answers for the address
    CliRun task = CliRun.of("task", "list", "-e", endpoint, "--server-key", dir.resolve("bridge.pub").toString(),
        "--client-key", dir.resolve("me.key").toString());
    assertTrue(task.err().contains("NO_HANDLERS") || task.err().contains("no consumer"), task.err());
  }

  @Test
  void benchLoadsACurveBridgeWithAListedKey() {
    CliRun bench = CliRun.of("bench", "-e", endpoint, "--address", "echo", "--count", "200", "--clients", "1",
        "--warmup", "0", "--server-key", dir.resolve("bridge.pub").toString(), "--client-key",
        dir.resolve("me.key").toString());
    assertEquals(0, bench.exit(), bench.err());
    assertTrue(bench.out().contains("req/s"), bench.out());
    CliRun raw = CliRun.of("bench", "-e", endpoint, "--count", "10", "--raw", "--server-key",
        dir.resolve("bridge.pub").toString());
    assertEquals(2, raw.exit());
    assertTrue(raw.err().contains("--raw compares with a plain echo, which has no CURVE"), raw.err());
  }

  @Test
  void aFreshKeyIsRefusedWhereOnlyListedKeysGetIn() {
    CliRun call = CliRun.of("call", "echo", "1", "-e", endpoint, "--server-key", dir.resolve("bridge.pub").toString());
    assertEquals(1, call.exit());
    assertTrue(call.err().startsWith("ERROR FORBIDDEN"), call.err());
  }

  @Test
  void badConnectOptionsAreUsageErrorsNamingTheOption() {
    CliRun noServer = CliRun.of("call", "echo", "-e", endpoint, "--client-key", dir.resolve("me.key").toString());
    assertEquals(2, noServer.exit());
    assertTrue(noServer.err().contains("--client-key needs --server-key"), noServer.err());
    CliRun missing = CliRun.of("call", "echo", "-e", endpoint, "--server-key", dir.resolve("bridge.pub").toString(),
        "--client-key", dir.resolve("nobody.key").toString());
    assertEquals(2, missing.exit());
    assertTrue(missing.err().contains("--client-key: cannot read"), missing.err());
    CliRun zero = CliRun.of("call", "echo", "-e", endpoint, "--connect-timeout", "0");
    assertEquals(2, zero.exit());
    assertTrue(zero.err().contains("--connect-timeout must be 1 to"), zero.err());
    CliRun benchZero = CliRun.of("bench", "-e", endpoint, "--count", "10", "--connect-timeout", "0");
    assertEquals(2, benchZero.exit());
    assertTrue(benchZero.err().contains("--connect-timeout must be 1 to"), benchZero.err());
    CliRun promptTimeout = CliRun.of("client", endpoint, "--timeout", "0");
    assertEquals(2, promptTimeout.exit());
    assertTrue(promptTimeout.err().contains("--timeout must be at least 1 ms, got 0"), promptTimeout.err());
    CliRun promptWithoutKey = CliRun.of("client", endpoint, "--server-key", dir.resolve("bridge.pub").toString(),
        "--client-key", dir.resolve("nothing-here").toString());
    assertEquals(2, promptWithoutKey.exit());
    assertTrue(promptWithoutKey.err().contains("--client-key: cannot read"), promptWithoutKey.err());
  }

  @Test
  void aBridgeThatDoesNotAnswerIsNamedWithTheWait() {
    String nobody = "tcp://127.0.0.1:" + TestClusters.freePort();
    CliRun run = CliRun.of("task", "list", "-e", nobody, "--connect-timeout", "300");
    assertEquals(1, run.exit());
    assertTrue(run.err().contains("cannot connect to " + nobody + " within 300 ms"), run.err());
  }
}
