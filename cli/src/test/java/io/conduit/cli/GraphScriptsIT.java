package io.conduit.cli;

import io.conduit.client.ConduitClient;
import io.conduit.client.graph.Graph;
import io.conduit.client.graph.GraphStoreException;
import io.conduit.cluster.TestClusters;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletionException;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** {@code conduit serve -s CLASS} registers a server script with the default graph store. */
class GraphScriptsIT {

  @TempDir
  Path dir;

  @Test
  void aScriptGivenWithMinusSRunsOnTheGraphAndAnUnknownOneIsA404() throws Exception {
    String endpoint = "tcp://127.0.0.1:" + TestClusters.freePort();
    try (ConduitProcess serve = ConduitProcess.start(dir, "scripts", "serve", "-a", endpoint, "--events", "none",
        "-b", "memory", "--classpath", ExamplesDir.classes().toString(), "-s", "io.conduit.examples.graph.Befriend")) {
      serve.awaitOutput("Ready", Duration.ofSeconds(90));
      try (ConduitClient client = ConduitClient.connect(endpoint)) {
        Graph g = Graph.overBridge(client, "graph").withTimeout(Duration.ofSeconds(10));
        List<Long> ids = g.addNodes(List.of(new JsonObject(), new JsonObject())).toCompletableFuture().join();
        g.script("befriend", new JsonObject().put("a", ids.get(0)).put("b", ids.get(1))).toCompletableFuture().join();
        assertEquals(List.of(ids.get(1)), g.v(ids.get(0)).outV().ids().toCompletableFuture().join());
        assertEquals(List.of(ids.get(0)), g.v(ids.get(1)).outV().ids().toCompletableFuture().join());
        CompletionException e = assertThrows(CompletionException.class,
            () -> g.script("wipe", null).toCompletableFuture().join());
        assertEquals(404, assertInstanceOf(GraphStoreException.class, e.getCause()).status());
      }
    }
  }
}
