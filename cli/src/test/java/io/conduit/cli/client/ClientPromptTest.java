package io.conduit.cli.client;

import io.conduit.bridge.ZmqBridgeVerticle;
import io.conduit.client.ConduitClient;
import io.conduit.cluster.TestClusters;
import io.conduit.store.doc.DocStoreVerticle;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import org.jline.terminal.Terminal;
import org.jline.terminal.impl.ExternalTerminal;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The {@code conduit client} prompt at a terminal (an xterm fed from a stream): Up-arrow recalls
 * the last statement, history is kept in its file, {@code help} prints the forms, statements print
 * nothing (as Python's REPL), and {@code exit()} or Ctrl-D (the end of input) leave.
 */
@Timeout(60)
class ClientPromptTest {

  /** Up as an xterm sends it in keypad mode (JLine's), and as one sends it otherwise. */
  private static final String UP = "\u001bOA";
  private static final String UP_PLAIN = "\u001b[A";

  @TempDir
  Path dir;
  private Vertx vertx;
  private ConduitClient client;

  @BeforeEach
  void start() throws Exception {
    String endpoint = "tcp://127.0.0.1:" + TestClusters.freePort();
    vertx = Vertx.vertx();
    vertx.deployVerticle(new DocStoreVerticle(), new DeploymentOptions().setConfig(new JsonObject()
        .put("address", "docs").put("backend", "memory"))).toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
    vertx.deployVerticle(new ZmqBridgeVerticle(), new DeploymentOptions().setConfig(new JsonObject()
        .put("endpoint", endpoint).put("eventsEndpoint", ""))).toCompletionStage().toCompletableFuture()
        .get(20, TimeUnit.SECONDS);
    client = ConduitClient.connect(endpoint);
  }

  @AfterEach
  void stop() throws Exception {
    client.close();
    vertx.close().toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
  }

  /** Types {@code keys} at the prompt; returns what the statements printed. */
  private String type(String keys, Path history) throws Exception {
    ByteArrayOutputStream screen = new ByteArrayOutputStream();
    // the end of the keys is Ctrl-D's end of input
    Terminal terminal = new ExternalTerminal("test", "xterm", new ByteArrayInputStream(keys.getBytes(StandardCharsets.UTF_8)),
        screen, StandardCharsets.UTF_8);
    ByteArrayOutputStream printed = new ByteArrayOutputStream();
    ClientCommand command = new ClientCommand();
    try (Lines lines = Lines.of(terminal, history)) {
      command.run(client, lines, new PrintStream(printed, true, StandardCharsets.UTF_8));
    }
    return printed.toString(StandardCharsets.UTF_8);
  }

  @Test
  void upArrowRunsTheLastStatementAgainAndStatementsPrintNothing() throws Exception {
    Path history = dir.resolve("history");
    String printed = type("db['l'] = []\ndb['l'].append(1)\n" + UP + "\n" + UP_PLAIN + "\nlen(db['l'])\nexit()\n"
        + "len(db['l'])\n", history);
    assertEquals("3\n", printed); // the append ran three times; nothing after exit() ran
    assertTrue(Files.readString(history).contains("db['l'].append(1)"), Files.readString(history));
  }

  @Test
  void historyOutlivesThePromptAndCtrlDLeaves() throws Exception {
    Path history = dir.resolve("history");
    assertEquals("[7]\n", type("db['n'] = [7]\ndb['n']\n", history)); // then the input ends: Ctrl-D
    assertEquals("[7]\n", type(UP + "\n", history), "Up recalls the last session's last statement");
  }

  @Test
  void helpPrintsTheStatementFormsAndErrorsKeepThePromptGoing() throws Exception {
    String printed = type("help\ndb[\ndb['x'] = 3\ndb['x']\n", null);
    assertTrue(printed.startsWith(ClientCommand.HELP + "\n"), printed);
    assertTrue(printed.contains("error: "), printed);
    assertTrue(printed.endsWith("3\n"), printed);
    assertFalse(printed.contains("None"), printed);
  }
}
