package io.conduit.cli.call;

import io.conduit.cli.CliRun;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.net.InetAddress;
import java.net.ServerSocket;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

@Timeout(30)
class CallCommandTest {

  private CbpResponder bridge;

  @BeforeEach
  void start() {
    bridge = new CbpResponder();
  }

  @AfterEach
  void stop() throws InterruptedException {
    bridge.close();
  }

  @Test
  void printsTheReplyAsPrettyJson() {
    CliRun run = CliRun.of("call", "echo", "{\"a\": [1, 2]}", "-e", bridge.endpoint());
    assertEquals(0, run.exit(), run.err());
    assertEquals(new JsonObject().put("a", new io.vertx.core.json.JsonArray().add(1).add(2)), new JsonObject(run.out()));
    assertTrue(run.out().contains("\n  \"a\""), run.out());
  }

  @Test
  void rawPrintsCompactJson() {
    CliRun run = CliRun.of("call", "echo", "{\"a\": 1}", "--raw", "-e", bridge.endpoint());
    assertEquals("{\"a\":1}", run.out().strip());
  }

  @Test
  void anErrorReplyPrintsItsCodeOnStderrAndExits1() {
    CliRun run = CliRun.of("call", "nobody", "1", "-e", bridge.endpoint());
    assertEquals(1, run.exit());
    assertEquals("ERROR NO_HANDLERS: no consumer for 'nobody'", run.err().strip());
  }

  @Test
  void sendPrintsOkOnceAcknowledged() {
    CliRun run = CliRun.of("call", "inbox", "\"hi\"", "--send", "-e", bridge.endpoint());
    assertEquals(0, run.exit(), run.err());
    assertEquals("OK", run.out().strip());
  }

  @Test
  void unparseableJsonExits2NamingTheProblem() {
    CliRun run = CliRun.of("call", "echo", "{not json", "-e", bridge.endpoint());
    assertEquals(2, run.exit());
    assertTrue(run.err().contains("the JSON argument does not parse"), run.err());
  }

  @Test
  void aHeaderWithoutEqualsSignExits2() {
    CliRun run = CliRun.of("call", "echo", "-H", "novalue", "-e", bridge.endpoint());
    assertEquals(2, run.exit());
    assertTrue(run.err().contains("header 'novalue' must be KEY=VALUE"), run.err());
  }

  @Test
  void noBridgeAtTheEndpointPrintsUnavailableAndExits1() throws Exception {
    int port;
    try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
      port = probe.getLocalPort();
    }
    CliRun run = CliRun.of("call", "echo", "-e", "tcp://127.0.0.1:" + port, "--timeout", "100");
    assertEquals(1, run.exit());
    assertTrue(run.err().startsWith("ERROR UNAVAILABLE: no reply from the bridge at tcp://127.0.0.1:" + port), run.err());
  }
}
