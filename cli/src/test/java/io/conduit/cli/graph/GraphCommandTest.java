package io.conduit.cli.graph;

import io.conduit.bridge.ZmqBridgeVerticle;
import io.conduit.cli.CliRun;
import io.conduit.client.graph.Graph;
import io.conduit.cluster.TestClusters;
import io.conduit.store.graph.GraphStoreVerticle;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code conduit graph export|import} against an in-process bridge and two memory graph stores. */
class GraphCommandTest {

  private Vertx vertx;
  private Path dir;
  private final String endpoint = "tcp://127.0.0.1:" + TestClusters.freePort();

  @BeforeEach
  void start() throws Exception {
    vertx = Vertx.vertx();
    dir = Files.createTempDirectory("graph-cli-");
    for (String address : List.of("graph", "copy")) {
      await(vertx.deployVerticle(new GraphStoreVerticle(), new DeploymentOptions().setConfig(new JsonObject()
          .put("address", address).put("backend", "memory"))));
    }
    await(vertx.deployVerticle(new ZmqBridgeVerticle(), new DeploymentOptions().setConfig(new JsonObject()
        .put("endpoint", endpoint).put("eventsEndpoint", "tcp://127.0.0.1:" + TestClusters.freePort()))));
    Graph g = Graph.overEventBus(vertx, "graph");
    long ann = join(g.addNode(new JsonObject().put("name", "Ann").put("age", 31).put("tags", List.of("a"))));
    long bob = join(g.addNode(new JsonObject().put("name", "Bob").put("height", 1.8)));
    join(g.addEdge(ann, bob, new JsonObject().put("label", "knows").put("weight", 0.5)));
  }

  @AfterEach
  void stop() throws Exception {
    await(vertx.close());
    try (var files = Files.walk(dir)) {
      files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }

  @Test
  void exportThenImportCopiesTheGraphInEachFormat() {
    for (String format : List.of("graphml", "graphson", "json")) {
      Path file = dir.resolve("g." + format);
      CliRun export = graph("export", file.toString(), "--format", format);
      assertEquals(0, export.exit(), export.err());
      assertEquals("exported 2 nodes and 1 edge to " + file + " (" + format + ")", export.out().trim());

      String copy = "copy";
      CliRun imported = graph("import", file.toString(), "--format", format, "--store", copy);
      assertEquals(0, imported.exit(), imported.err());
      assertEquals("imported 2 nodes and 1 edge from " + file + " (" + format + ")", imported.out().trim());
      assertEquals(entities("graph"), entities(copy), format);
      join(Graph.overEventBus(vertx, copy).V().remove()); // empty again for the next format
    }
  }

  @Test
  void theFormatFollowsTheFileNamesEnding() throws Exception {
    Path file = dir.resolve("people.graphml");

    assertEquals(0, graph("export", file.toString()).exit());

    assertTrue(Files.readString(file).contains("<graphml"), Files.readString(file));
  }

  @Test
  void anUnknownFormatIsAUsageError() {
    CliRun run = graph("export", dir.resolve("g.txt").toString(), "--format", "csv");

    assertEquals(2, run.exit());
    assertTrue(run.err().contains("unknown graph format 'csv' (expected graphml, graphson or json)"), run.err());
  }

  @Test
  void aFileWhoseNameSaysNoFormatNeedsOne() {
    CliRun run = graph("export", dir.resolve("g.txt").toString());

    assertEquals(2, run.exit());
    assertTrue(run.err().contains("--format is needed"), run.err());
  }

  @Test
  void importingAMissingFileIsAUsageError() {
    CliRun run = graph("import", dir.resolve("nothing.graphml").toString());

    assertEquals(2, run.exit());
    assertTrue(run.err().contains("no such file: "), run.err());
  }

  @Test
  void aMalformedFileFailsWithItsLineAndLoadsNothing() throws Exception {
    Path file = Files.writeString(dir.resolve("bad.jsonl"), "{\"id\":1,\"kind\":\"node\",\"data\":{}}\n{\"id\":2,\n",
        StandardCharsets.UTF_8);

    CliRun run = graph("import", file.toString(), "--store", "copy");

    assertEquals(1, run.exit());
    assertTrue(run.err().startsWith("ERROR BAD_REQUEST: " + file + ": line 2: not a JSON object"), run.err());
    assertEquals(List.of(), entities("copy"));
  }

  @Test
  void anIdTakenInTheStoreIsAConflict() {
    Path file = dir.resolve("g.jsonl");
    assertEquals(0, graph("export", file.toString()).exit());

    CliRun run = graph("import", file.toString()); // into the graph it came from

    assertEquals(1, run.exit());
    assertTrue(run.err().startsWith("ERROR CONFLICT: " + file + ": line 1: id 1 is already taken"), run.err());
  }

  @Test
  void aFailedExportLeavesNoFile() {
    Path file = dir.resolve("g.graphml");

    CliRun run = graph("export", file.toString(), "--store", "no.such.store");

    assertEquals(1, run.exit());
    assertTrue(run.err().startsWith("ERROR NO_HANDLERS: "), run.err());
    try (var left = Files.list(dir)) {
      assertEquals(List.of(), left.toList());
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    assertFalse(Files.exists(file));
  }

  private CliRun graph(String... args) {
    List<String> all = new ArrayList<>(List.of("graph"));
    all.addAll(List.of(args));
    all.addAll(List.of("-e", endpoint));
    return CliRun.of(all.toArray(String[]::new));
  }

  /** The store's entities as JSON objects (which compare regardless of field order). */
  private List<JsonObject> entities(String address) {
    List<JsonObject> all = new ArrayList<>();
    join(Graph.overEventBus(vertx, address).exportPage(0, 1000)).entities().forEach(e -> all.add(e.toJson()));
    return all;
  }

  private static <T> T join(java.util.concurrent.CompletionStage<T> stage) {
    return stage.toCompletableFuture().join();
  }

  private static <T> T await(io.vertx.core.Future<T> future) throws Exception {
    return future.toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
  }
}
