package io.conduit.cli;

import io.conduit.cluster.TestClusters;
import io.conduit.deploy.DeploymentPlan;
import io.conduit.deploy.RunningServices;
import io.conduit.deploy.ServiceSpec;
import io.vertx.core.Vertx;
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
 * pylm's three cases as the examples ship them: each example's own deployment file (bridge moved to
 * a free port) served in-process, and its Python demo run as a real process with /usr/bin/python3.
 * The demos use the Python client's {@code map}: unordered in the chain, ordered with a failing
 * item in the parallel job.
 */
@ExtendWith(VertxExtension.class)
class PythonExamplesTest {

  private static final String PYTHON = "/usr/bin/python3";
  private static final long DEADLINE_SECONDS = 90;

  private final String endpoint = "tcp://127.0.0.1:" + TestClusters.freePort();

  @Test
  void theRpcServiceAnswersFooAndAddAndNamesItsOpsForAnUnknownOne(Vertx vertx) throws Exception {
    serve(vertx, "rpc");
    List<String> lines = runDemo("rpc_demo.py");
    assertEquals(List.of(
        "foo: you sent me a message",
        "add: 5.0",
        "error BAD_REQUEST (400): service 'rpc' has no op 'format_disk'; its ops are add, foo",
        "foo again: you sent me still here"), lines);
  }

  @Test
  void theChainPassesThreeStagesAndStreamsJobsWithoutLoss(Vertx vertx) throws Exception {
    serve(vertx, "chain");
    List<String> lines = runDemo("chain_demo.py", "5000");
    assertEquals(List.of(
        "one job: ACK: got it too, after you sent me a message",
        "streamed 5000 jobs: 5000 results, 0 wrong"), lines);
  }

  @Test
  void theParallelJobSpreadsChunksOverTheWorkersAndReportsTheBadOne(Vertx vertx) throws Exception {
    serve(vertx, "parallel");
    List<String> lines = runDemo("parallel_demo.py", "200000", "10000");
    assertEquals(List.of(
        "chunk 20 failed: BAD_REQUEST count needs whole numbers 0 <= 'from' <= 'to', at most 10000000 apart",
        "primes below 200000: 17984 (21 chunks)"), lines);
  }

  /** Deploys examples/NAME/deployment.json with its bridge on this test's free port. */
  private void serve(Vertx vertx, String example) throws Exception {
    Path file = ExamplesDir.examples().resolve(example).resolve("deployment.json");
    DeploymentPlan plan = DeploymentPlan.read(file);
    ServiceSpec bridge = plan.service("bridge");
    plan = plan.with(bridge.withConfig(bridge.config().copy().put("endpoint", endpoint).putNull("eventsEndpoint")));
    new RunningServices(vertx).deploy(plan).toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
  }

  /** Runs examples/python/SCRIPT with the endpoint and args; its non-blank output lines, after checking exit 0. */
  private List<String> runDemo(String script, String... args) throws IOException, InterruptedException {
    Path python = ExamplesDir.python();
    List<String> command = new ArrayList<>(List.of(PYTHON, python.resolve(script).toString(), endpoint));
    command.addAll(List.of(args));
    Path output = Files.createTempFile("conduit-python-", ".out");
    ProcessBuilder builder = new ProcessBuilder(command).directory(python.toFile())
        .redirectErrorStream(true).redirectOutput(output.toFile());
    builder.environment().put("PYTHONPATH", python.toString());
    builder.environment().put("PYTHONDONTWRITEBYTECODE", "1");
    Process process = builder.start();
    try {
      boolean exited = process.waitFor(DEADLINE_SECONDS, TimeUnit.SECONDS);
      String text = Files.readString(output, StandardCharsets.UTF_8);
      assertTrue(exited, script + " did not finish within " + DEADLINE_SECONDS + " s:\n" + text);
      assertEquals(0, process.exitValue(), script + " failed:\n" + text);
      return text.lines().filter(l -> !l.isBlank()).map(String::stripTrailing).toList();
    } finally {
      process.destroyForcibly();
      Files.deleteIfExists(output);
    }
  }
}
