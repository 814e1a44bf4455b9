package io.conduit.cli;

import io.conduit.client.ClientOptions;
import io.conduit.client.ConduitClient;
import io.conduit.client.ConduitException;
import io.conduit.client.Subscription;
import io.conduit.cluster.TestClusters;
import io.conduit.codec.ErrorCode;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Three {@code conduit serve --cluster} JVMs sharing the task queue {@code tasks}: 1,000 tasks
 * (most of them 100 ms) are submitted, the node running some of them is killed with SIGKILL mid-way, and every
 * task still ends in SUCCESS exactly once (attempt 2 for the interrupted ones); the survivors
 * answer status queries.
 *
 * <p>Every 40th task is a long one (4 s), and the node is killed while it runs one it started less
 * than 1.5 s before: a short task's gap between two tasks is short, but on a loaded machine
 * the node may sit in such a gap with all its workers when it is killed, and then nothing of its
 * own is lost to prove the requeue with.
 */
class TaskClusterIT {

  private static final int TASKS = 1_000;
  private static final int LONG_EVERY = 40;
  private static final int LONG_STEPS = 20;
  private static final Pattern NODE_ID = Pattern.compile("node ([0-9a-f-]{36})");

  @TempDir
  Path dir;

  private String deployment(String bridge, String events) {
    return "{\"services\": [{\"name\": \"bridge\", \"verticle\": \"io.conduit.bridge.ZmqBridgeVerticle\", \"config\": "
        + "{\"endpoint\": \"" + bridge + "\", \"eventsEndpoint\": \"" + events + "\"}},"
        + "{\"name\": \"tasks\", \"verticle\": \"io.conduit.task.TaskQueueVerticle\", \"config\": {\"address\": \"tasks\","
        + " \"workers\": 4, \"leaseMs\": 10000, \"sweepMs\": 500, \"retryBackoffMs\": 100,"
        + " \"handlers\": {\"example.count\": \"io.conduit.builtin.CountTask\"}}}]}";
  }

  @Test
  void everyTaskSucceedsExactlyOnceWhenANodeRunningSomeIsKilled() throws Exception {
    var cluster = TestClusters.settings("tasks");
    String members = "127.0.0.1:" + cluster.port() + ",127.0.0.1:" + (cluster.port() + 1) + ",127.0.0.1:"
        + (cluster.port() + 2);
    List<ConduitProcess> nodes = new ArrayList<>();
    List<String> bridges = new ArrayList<>();
    List<String> eventEndpoints = new ArrayList<>();
    // Outside the ephemeral range, so the nodes' own outgoing connections cannot take them first.
    int ports = TestClusters.freeBlock(6);
    try {
      for (int i = 0; i < 3; i++) {
        bridges.add("tcp://127.0.0.1:" + (ports + 2 * i));
        eventEndpoints.add("tcp://127.0.0.1:" + (ports + 2 * i + 1));
        Path file = dir.resolve("node" + i + ".json");
        Files.writeString(file, deployment(bridges.get(i), eventEndpoints.get(i)));
        nodes.add(ConduitProcess.start(dir, "node" + i, "serve", "-c", file.toString(), "--cluster", "--cluster-name",
            cluster.name(), "--cluster-port", Integer.toString(cluster.port() + i), "--members", members));
      }
      for (ConduitProcess node : nodes) {
        node.awaitOutput("Ready", Duration.ofSeconds(120));
      }
      String victimId = nodeId(nodes.get(2));

      try (ConduitClient a = ConduitClient.connect(bridges.get(0), ClientOptions.defaults()
          .withEventsEndpoint(eventEndpoints.get(0)));
           ConduitClient b = ConduitClient.connect(bridges.get(1))) {
        Map<String, AtomicInteger> successEvents = new ConcurrentHashMap<>();
        Map<String, String> retryErrors = new ConcurrentHashMap<>();
        Subscription events = a.subscribe("tasks.events", (headers, body) -> {
          if (body instanceof JsonObject e && "SUCCESS".equals(e.getString("state"))) {
            successEvents.computeIfAbsent(e.getString("id"), k -> new AtomicInteger()).incrementAndGet();
          } else if (body instanceof JsonObject e && "RETRY".equals(e.getString("state"))) {
            retryErrors.put(e.getString("id"), e.getString("error", ""));
          }
        });
        long started = System.nanoTime();

        List<CompletableFuture<Object>> submits = new ArrayList<>();
        for (int i = 0; i < TASKS; i++) {
          JsonObject args = i % LONG_EVERY == LONG_EVERY / 2
              ? new JsonObject().put("to", LONG_STEPS).put("stepMs", 200)
              : new JsonObject().put("to", 4).put("stepMs", 25);
          submits.add(a.request("tasks", new JsonObject().put("op", "submit").put("task", "example.count")
              .put("args", args)));
        }
        List<String> ids = new ArrayList<>();
        Set<String> longIds = new HashSet<>();
        for (CompletableFuture<Object> f : submits) {
          ids.add(((JsonObject) f.get(60, TimeUnit.SECONDS)).getString("id"));
          if ((ids.size() - 1) % LONG_EVERY == LONG_EVERY / 2) {
            longIds.add(ids.get(ids.size() - 1));
          }
        }

        // Kill the third node while it runs a long task with seconds still to go, once the run is well under way.
        String[] cutShort = new String[1];
        awaitTrue(() -> successEvents.size() >= TASKS / 4
                && (cutShort[0] = longTaskRunningOn(a, victimId, longIds)) != null,
            Duration.ofSeconds(60), "a quarter done and the victim running a long task");
        nodes.get(2).kill9();
        long killed = System.nanoTime();
        int doneAtKill = successEvents.size();
        assertTrue(doneAtKill < TASKS, "tasks were still left when the node was killed");

        Map<String, JsonObject> finals = new HashMap<>();
        awaitTrue(() -> {
          finals.clear();
          for (JsonObject s : list(b, "SUCCESS")) {
            finals.put(s.getString("id"), s);
          }
          return finals.size() == TASKS;
        }, Duration.ofSeconds(120), "all tasks SUCCESS");
        assertEquals(new JsonObject().put("current", 4L).put("total", 4L).put("message", "counted to 4").put("report", 4L),
            finals.get(ids.get(0)).getJsonObject("progress"), "the last progress is stored with the result");
        long finished = System.nanoTime();

        int interrupted = 0;
        int fromVictim = 0;
        for (String id : ids) {
          JsonObject s = finals.get(id);
          assertEquals(new JsonObject().put("count", longIds.contains(id) ? LONG_STEPS : 4), s.getJsonObject("result"),
              s.encode());
          int attempts = s.getInteger("attempts");
          assertTrue(attempts == 1 || attempts == 2, s.encode());
          if (attempts == 2) {
            interrupted++;
          }
          if (retryErrors.getOrDefault(id, "").contains(victimId)) {
            fromVictim++;
            assertFalse(s.getString("worker").startsWith(victimId), "requeued from the killed node, finished on a "
                + "survivor: " + s.encode());
          }
        }
        System.out.printf("%d tasks SUCCESS; %d ran twice (%d requeued from the killed node); %d had succeeded before "
            + "the kill, %d ms after the first submit; all done %d ms after the kill; events: %d SUCCESS, %d RETRY%n",
            TASKS, interrupted, fromVictim, doneAtKill, (killed - started) / 1_000_000, (finished - killed) / 1_000_000,
            successEvents.size(), retryErrors.size());
        assertTrue(retryErrors.getOrDefault(cutShort[0], "").contains(victimId), "the long task the killed node ran "
            + "was requeued from it: " + retryErrors);
        JsonObject cut = finals.get(cutShort[0]);
        assertEquals(2, cut.getInteger("attempts"), cut.encode());
        assertFalse(cut.getString("worker").startsWith(victimId), "finished on a survivor: " + cut.encode());
        successEvents.forEach((id, n) -> assertEquals(1, n.get(), "one SUCCESS for task " + id));

        JsonObject status = (JsonObject) b.requestSync("tasks", new JsonObject().put("op", "status")
            .put("id", ids.get(0)), Duration.ofSeconds(10));
        assertEquals("SUCCESS", status.getString("state"), "a survivor answers status");
        ConduitException unknown = org.junit.jupiter.api.Assertions.assertThrows(ConduitException.class,
            () -> b.requestSync("tasks", new JsonObject().put("op", "status").put("id", "no-such-task"),
                Duration.ofSeconds(10)));
        assertEquals(ErrorCode.NOT_FOUND, unknown.code());
        assertEquals(404, unknown.details().getInteger("failureCode"));
        events.close();
      }
    } finally {
      for (ConduitProcess node : nodes) {
        node.close();
      }
    }
  }

  private static String nodeId(ConduitProcess node) {
    Matcher m = NODE_ID.matcher(node.stdout());
    if (!m.find()) {
      throw new AssertionError("no node id in the banner:\n" + node.stdout());
    }
    return m.group(1);
  }

  /**
   * A long task in its first attempt on the node, started less than 1.5 s ago (so at least 2.5 s
   * to go; its stored progress may trail its handler, its start time does not); or null.
   */
  private static String longTaskRunningOn(ConduitClient client, String nodeId, Set<String> longIds) {
    for (String state : new String[] {"STARTED", "PROGRESS"}) {
      for (JsonObject s : list(client, state)) {
        Long startedAt = s.getLong("startedAt");
        if (s.getString("worker", "").startsWith(nodeId) && s.getInteger("attempts") == 1
            && longIds.contains(s.getString("id"))
            && startedAt != null && System.currentTimeMillis() - startedAt < 1_500) {
          return s.getString("id");
        }
      }
    }
    return null;
  }

  /**
   * The tasks in a state. Until the cluster has noticed the killed node (about 10 s), a request may
   * be routed to its consumer and time out: that counts as an empty answer, and the caller retries.
   */
  private static List<JsonObject> list(ConduitClient client, String state) {
    JsonArray tasks;
    try {
      tasks = ((JsonObject) client.requestSync("tasks", new JsonObject().put("op", "list")
          .put("state", state).put("limit", 1000), Duration.ofSeconds(5))).getJsonArray("tasks");
    } catch (ConduitException e) {
      if (e.code() != ErrorCode.TIMEOUT) {
        throw e;
      }
      return List.of();
    }
    List<JsonObject> result = new ArrayList<>();
    tasks.forEach(t -> result.add((JsonObject) t));
    return result;
  }

  private static void awaitTrue(java.util.function.BooleanSupplier condition, Duration timeout, String what) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      if (condition.getAsBoolean()) {
        return;
      }
      LockSupport.parkNanos(300_000_000);
    }
    throw new AssertionError("not within " + timeout + ": " + what);
  }
}
