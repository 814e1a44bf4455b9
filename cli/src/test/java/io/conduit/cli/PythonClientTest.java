package io.conduit.cli;

import io.conduit.bridge.ZmqBridgeVerticle;
import io.conduit.cluster.TestClusters;
import io.conduit.builtin.EchoVerticle;
import io.conduit.builtin.CountTask;
import io.conduit.task.TaskQueueVerticle;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Runs the Python example client (examples/python, pyzmq) as a real process against an in-process
 * bridge and echo service: the CBP/1 contract as an outside ZeroMQ binding sees it.
 */
@ExtendWith(VertxExtension.class)
class PythonClientTest {

  private static final String PYTHON = "/usr/bin/python3";
  private static final long DEADLINE_SECONDS = 60;

  private final String endpoint = "tcp://127.0.0.1:" + TestClusters.freePort();
  private final String events = "tcp://127.0.0.1:" + TestClusters.freePort();

  @Test
  void theEchoDemoRunsAgainstTheBridge(Vertx vertx) throws Exception {
    deploy(vertx, new JsonObject());
    Path demo = ExamplesDir.python().resolve("echo_demo.py");
    Result run = run(List.of(PYTHON, demo.toString(), endpoint, events));

    assertEquals(0, run.exitCode, run.describe());
    List<String> lines = run.lines();
    assertEquals(11, lines.size(), run.describe());
    assertTrue(lines.get(0).startsWith("ping: node standalone, version "), run.describe());
    assertEquals(List.of(
        "echo object: {\"hello\": \"world\"}",
        "echo list: [1, \"two\", 3.5]",
        "echo string: \"hi there\"",
        "echo number: 42",
        "echo boolean: true",
        "echo null: null",
        "echo bytes: 0x0001feff"), lines.subList(1, 8), run.describe());
    assertTrue(lines.get(8).startsWith("error NO_HANDLERS: ") && lines.get(8).contains("no.such.service"),
        run.describe());
    assertEquals("event demo.news: {\"headline\": \"hello from python\"}", lines.get(9), run.describe());
    assertEquals("done", lines.get(10), run.describe());
  }

  @Test
  void anAddressOutsideTheInboundListRaisesForbidden(Vertx vertx) throws Exception {
    deploy(vertx, new JsonObject().put("inbound", new JsonArray().add("echo")));
    String snippet = String.join("\n",
        "import sys",
        "from conduit_client import ConduitClient, ConduitError",
        "with ConduitClient(sys.argv[1], sys.argv[2], timeout_ms=10000) as client:",
        "    print('echo', client.request('echo', 'permitted'))",
        "    try:",
        "        client.request('not.allowed', {'x': 1})",
        "        print('no error')",
        "    except ConduitError as e:",
        "        print(e.code, e.message)");
    Result run = run(List.of(PYTHON, "-c", snippet, endpoint, events));

    assertEquals(0, run.exitCode, run.describe());
    List<String> lines = run.lines();
    assertEquals(2, lines.size(), run.describe());
    assertEquals("echo permitted", lines.get(0), run.describe());
    assertTrue(lines.get(1).startsWith("FORBIDDEN ") && lines.get(1).contains("not.allowed"), run.describe());
  }

  @Test
  void theTaskDemoSubmitsATaskAndFollowsItsProgressToSuccess(Vertx vertx) throws Exception {
    deploy(vertx, new JsonObject());
    JsonObject tasks = new JsonObject().put("address", "tasks")
        .put("handlers", new JsonObject().put("example.count", CountTask.class.getName()));
    vertx.deployVerticle(new TaskQueueVerticle(), new DeploymentOptions().setConfig(tasks))
        .toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
    Path demo = ExamplesDir.python().resolve("task_demo.py");
    Result run = run(List.of(PYTHON, demo.toString(), endpoint, events, "example.count", "{\"to\": 5, \"stepMs\": 300}"));

    assertEquals(0, run.exitCode, run.describe());
    List<String> lines = run.lines();
    assertTrue(lines.get(0).startsWith("submitted "), run.describe());
    assertTrue(lines.stream().anyMatch(l -> l.contains("/5 PROGRESS counted to ")), run.describe());
    assertEquals("SUCCESS {\"count\": 5}", lines.get(lines.size() - 1), run.describe());

    Result refused = run(List.of(PYTHON, demo.toString(), endpoint, events, "no.such.task", "{}"));
    assertEquals(2, refused.exitCode, refused.describe());
    assertTrue(refused.lines().get(0).startsWith("submit refused: 400 unknown task 'no.such.task'"), refused.describe());
  }

  /** Deploys the echo service and a bridge on this test's free ports, with {@code extra} bridge config. */
  private void deploy(Vertx vertx, JsonObject extra) throws Exception {
    vertx.deployVerticle(new EchoVerticle(), new DeploymentOptions().setConfig(new JsonObject().put("address", "echo")))
        .toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
    JsonObject config = new JsonObject().put("endpoint", endpoint).put("eventsEndpoint", events).mergeIn(extra);
    vertx.deployVerticle(new ZmqBridgeVerticle(), new DeploymentOptions().setConfig(config))
        .toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
  }

  /** Runs a command with examples/python on PYTHONPATH, output to a file (no pipe to fill up), within the deadline. */
  private static Result run(List<String> command) throws IOException, InterruptedException {
    Path output = Files.createTempFile("conduit-python-", ".out");
    ProcessBuilder builder = new ProcessBuilder(command)
        .directory(ExamplesDir.python().toFile())
        .redirectErrorStream(true)
        .redirectOutput(output.toFile());
    builder.environment().put("PYTHONPATH", ExamplesDir.python().toString());
    builder.environment().put("PYTHONDONTWRITEBYTECODE", "1");
    builder.environment().put("PYTHONUNBUFFERED", "1");
    Process process = builder.start();
    try {
      boolean exited = process.waitFor(DEADLINE_SECONDS, TimeUnit.SECONDS);
      String text = Files.readString(output, StandardCharsets.UTF_8);
      return new Result(exited ? process.exitValue() : -1, exited ? text : text + "\n[killed after " + DEADLINE_SECONDS + " s]");
    } finally {
      process.destroyForcibly();
      Files.deleteIfExists(output);
    }
  }


  private record Result(int exitCode, String output) {

    List<String> lines() {
      List<String> lines = new ArrayList<>();
      for (String line : output.split("\n")) {
        if (!line.isBlank()) {
          lines.add(line.stripTrailing());
        }
      }
      return lines;
    }

    String describe() {
      return "exit " + exitCode + ", output:\n" + output;
    }
  }
}
