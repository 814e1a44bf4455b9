package io.conduit.cli;

import io.conduit.client.ConduitClient;
import io.conduit.client.ConduitException;
import io.conduit.cluster.TestClusters;
import io.conduit.cluster.TestProcesses;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Python workers as supervised processes of {@code conduit serve}: a deployment entry with
 * {@code "process"} runs {@code python3 -m conduit.worker}; the node starts them, logs their
 * output, scales them, restarts one killed with SIGKILL and, killed itself, leaves none behind.
 * Every process the test sees is killed by its pid at the end.
 */
class PythonWorkerProcessesIT {

  private static final String SHOP = """
      import os


      def upper(body):
          print("upper", body["text"], flush=True)
          return {"text": body["text"].upper(), "pid": os.getpid()}
      """;

  @TempDir
  Path dir;

  private final Set<Long> seen = new HashSet<>();

  private Path app(String command) throws Exception {
    Path app = dir.resolve("app");
    Files.createDirectories(app);
    Files.writeString(app.resolve("shop.py"), SHOP);
    String bridge = "tcp://127.0.0.1:" + TestClusters.freePort();
    JsonObject deployment = new JsonObject().put("services", new JsonArray()
        .add(new JsonObject().put("name", "bridge").put("verticle", "io.conduit.bridge.ZmqBridgeVerticle")
            .put("config", new JsonObject().put("endpoint", bridge).put("eventsEndpoint", "")))
        .add(new JsonObject().put("name", "web").put("verticle", "io.conduit.web.WebVerticle"))
        .add(new JsonObject().put("name", "upper").put("instances", new JsonObject().put("min", 1).put("max", 4))
            .put("config", new JsonObject().put("address", "py.upper"))
            .put("process", new JsonObject().put("command", new JsonArray(List.of(command.split(" "))))
                .put("env", new JsonObject().put("PYTHONPATH", pythonPackage().toString()))
                .put("stopGraceMs", 5000))));
    Files.writeString(app.resolve("deployment.json"), deployment.encodePrettily());
    this.bridge = bridge;
    return app.resolve("deployment.json");
  }

  private String bridge;

  private static Path pythonPackage() {
    return ExamplesDir.examples().getParent().resolve("client").resolve("python").resolve("src");
  }

  /** The node's Python workers now (and remembered, to be killed at the end). */
  private List<ProcessHandle> workers(ConduitProcess node) {
    List<ProcessHandle> found = ProcessHandle.of(node.pid()).stream().flatMap(ProcessHandle::descendants)
        .filter(p -> p.info().commandLine().orElse("").contains("conduit.worker")).toList();
    found.forEach(p -> seen.add(p.pid()));
    return found;
  }

  private static void await(long maxMs, BooleanSupplier condition, String what) {
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(maxMs);
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        fail("not within " + maxMs + " ms: " + what);
      }
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(50));
    }
  }

  /** The reply of the Python worker, retried while its registration is on its way (NO_HANDLERS). */
  private static JsonObject upper(ConduitClient client, String text) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (true) {
      try {
        return (JsonObject) client.requestSync("py.upper", new JsonObject().put("text", text), Duration.ofSeconds(10));
      } catch (ConduitException e) {
        if (System.nanoTime() > deadline || !"NO_HANDLERS".equals(e.code().name())) {
          throw e;
        }
        LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(100));
      }
    }
  }

  private static HttpResponse<String> http(int port, String method, String path, String body) throws Exception {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path));
    request = body == null ? request.GET() : request.header("Content-Type", "application/json")
        .method(method, HttpRequest.BodyPublishers.ofString(body));
    return HttpClient.newHttpClient().send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void pythonWorkersAreStartedLoggedScaledRestartedAndDieWithTheirNode() throws Exception {
    Path file = app("/usr/bin/python3 -m conduit.worker shop:upper");
    int web = TestClusters.freePort();
    ConduitProcess node = ConduitProcess.start(dir, "node", "serve", "-c", file.toString(),
        "--data", dir.resolve("data").toString(), "--web", "127.0.0.1:" + web);
    try {
      node.awaitOutput("Ready", Duration.ofSeconds(90));
      assertTrue(node.stdout().contains("process /usr/bin/python3 -m conduit.worker shop:upper"), node.stdout());
      try (ConduitClient client = ConduitClient.connect(bridge)) {
        JsonObject reply = upper(client, "abc");
        assertEquals("ABC", reply.getString("text"));
        assertEquals(1, workers(node).size());

        // what the worker printed is in the service's logs
        await(20_000, () -> logs(web).contains("upper abc"), "the worker's output in the service's logs");

        // scaled through the REST API: three processes, and requests reach them in turn
        HttpResponse<String> scaled = http(web, "POST", "/api/services/upper/scale", "{\"instances\": 3}");
        assertEquals(200, scaled.statusCode(), scaled.body());
        await(30_000, () -> workers(node).size() == 3, "three worker processes");
        Set<Integer> pids = new HashSet<>();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (pids.size() < 3 && System.nanoTime() < deadline) {
          pids.add(upper(client, "x").getInteger("pid"));
        }
        assertEquals(3, pids.size(), "requests reach all three: " + pids);

        // one killed with SIGKILL is started again
        ProcessHandle victim = workers(node).get(0);
        victim.destroyForcibly();
        await(10_000, () -> !TestProcesses.running(victim), "the killed worker gone");
        await(30_000, () -> workers(node).size() == 3 && workers(node).stream().noneMatch(p -> p.pid() == victim.pid()),
            "a new worker in its place");
        await(20_000, () -> logs(web).contains("exited with status"), "the exit in the service's logs");
        assertEquals("Y", upper(client, "y").getString("text"));

        // scaled down: SIGTERM, and the worker stops cleanly
        assertEquals(200, http(web, "POST", "/api/services/upper/scale", "{\"instances\": 1}").statusCode());
        await(30_000, () -> workers(node).size() == 1, "one worker after scaling down");
      }
      // the node killed with SIGKILL: its last worker notices and stops on its own
      List<ProcessHandle> last = workers(node);
      node.kill9();
      try {
        await(20_000, () -> last.stream().noneMatch(TestProcesses::running), "no worker left after the node died");
      } catch (AssertionError e) {
        throw new AssertionError(e.getMessage() + "; left: " + describe(last), e);
      }
    } finally {
      node.close();
      seen.forEach(pid -> ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly));
    }
  }

  /** Each process's /proc status line (state and parent), for a failure message. */
  private static String describe(List<ProcessHandle> processes) {
    StringBuilder out = new StringBuilder();
    for (ProcessHandle p : processes) {
      String stat;
      try {
        stat = Files.readString(Path.of("/proc", Long.toString(p.pid()), "stat")).trim();
        stat = stat.substring(0, Math.min(stat.length(), 80));
      } catch (java.io.IOException e) {
        stat = p.pid() + " gone";
      }
      out.append('[').append(stat).append("] ");
    }
    return out.toString();
  }

  private static String logs(int web) {
    try {
      return http(web, "GET", "/api/services/upper/logs?tail=200", null).body();
    } catch (Exception e) {
      return "";
    }
  }

  @Test
  void aWorkerCommandThatCannotRunStopsTheNodeWithOneLine() throws Exception {
    Path file = app("/nonexistent/python9 -m conduit.worker shop:upper");
    try (ConduitProcess node = ConduitProcess.start(dir, "node", "serve", "-c", file.toString(),
        "--data", dir.resolve("data").toString(), "--web", "127.0.0.1:" + TestClusters.freePort())) {
      int status = node.awaitExit(Duration.ofSeconds(90));
      assertTrue(status != 0, "exit status " + status);
      assertTrue(node.stderr().contains("service 'upper' failed to start: cannot start [/nonexistent/python9, -m, "
          + "conduit.worker, shop:upper]: No such file or directory"), node.stderr());
    }
  }
}
