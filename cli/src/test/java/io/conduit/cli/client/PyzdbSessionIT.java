package io.conduit.cli.client;

import io.conduit.cli.ConduitProcess;
import io.conduit.client.ConduitClient;
import io.conduit.cluster.TestClusters;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * pyzdb's README sample session against a real {@code conduit serve} (RocksDB documents): typed
 * into {@code conduit client}, and sent through the bridge by a JVM client; both print what pyzdb
 * printed (Python 3 spelling: no u'' prefixes).
 */
class PyzdbSessionIT {

  /** The session's statements and what pyzdb's README shows for each. */
  private static final String[][] SESSION = {
      {"db", "{}"},
      {"db['x'] = 3", "None"},
      {"db['x']", "3"},
      {"db['l'] = range(10)", "None"},
      {"db", "{'x': 3, 'l': [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]}"},
      {"db['l'][4] = ['a', 'b', 'c']", "None"},
      {"db.undo()", "None"},
      {"db", "{'x': 3, 'l': [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]}"},
      {"db.undo()", "None"},
      {"db.redo()", "None"},
      {"db.redo()", "None"},
      {"db", "{'x': 3, 'l': [0, 1, 2, 3, ['a', 'b', 'c'], 5, 6, 7, 8, 9]}"},
      {"[v for v in db['l'][4]]", "['a', 'b', 'c']"},
      {"[k for k in db]", "['x', 'l']"},
      {"db['l'][4].append('d')", "None"},
      {"db.save()", "None"},
  };

  @TempDir
  Path dir;

  @Test
  void theSampleSessionPrintsTheSameInTheReplAndThroughTheBridge() throws Exception {
    String endpoint = "tcp://127.0.0.1:" + TestClusters.freePort();
    try (var serve = ConduitProcess.start(dir, "serve", "serve", "-a", endpoint, "--events", "none")) {
      serve.awaitOutput("Ready", Duration.ofSeconds(90));

      StringBuilder input = new StringBuilder();
      for (String[] step : SESSION) {
        input.append(step[0]).append('\n');
      }
      var repl = ConduitProcess.runWithInput(dir, "repl", input.toString(), "client", endpoint);
      assertEquals(0, repl.exitCode(), repl.stdout() + repl.stderr());
      List<String> expected = new ArrayList<>();
      for (String[] step : SESSION) {
        expected.add(step[1]);
      }
      // pyzdb's README shows None after statements; Python's prompt, and conduit client, print nothing
      assertEquals(expected.stream().filter(line -> !line.equals("None")).toList(), repl.stdout().lines().toList(),
          "conduit client's output");

      // The same session again, on a fresh document, as a JVM program over the bridge.
      try (ConduitClient client = ConduitClient.connect(endpoint)) {
        client.requestSync("docs", new JsonObject().put("op", "set").put("path", new JsonArray())
            .put("value", new JsonObject()));
        List<String> printed = new ArrayList<>();
        for (String[] step : SESSION) {
          ReplStatement statement = ReplParser.parse(step[0]);
          Object reply = client.requestSync("docs", statement.request(), Duration.ofSeconds(10));
          String shown = ClientCommand.show(statement.shows(), (JsonObject) reply);
          printed.add(shown == null ? "None" : shown);
        }
        expected.set(0, "{}");
        assertEquals(expected, printed, "through the bridge");
      }
    }
  }
}
