package io.conduit.store.graph.io;

import io.conduit.client.graph.Entity;
import io.conduit.client.graph.EntityPage;
import io.conduit.client.graph.Graph;
import io.conduit.client.graph.io.GraphCounts;
import io.conduit.client.graph.io.GraphExport;
import io.conduit.client.graph.io.GraphFormat;
import io.conduit.client.graph.io.GraphImport;
import io.conduit.store.graph.EmbeddedGraph;
import io.vertx.core.json.JsonObject;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Embedded graphs, files and the entities of a graph as comparable text, for the file format tests. */
final class GraphFiles implements AutoCloseable {

  private final List<EmbeddedGraph> opened = new ArrayList<>();
  final Path dir;

  GraphFiles() throws IOException {
    dir = Files.createTempDirectory("graph-files-");
  }

  Graph emptyGraph() {
    EmbeddedGraph embedded = EmbeddedGraph.open(new JsonObject().put("backend", "memory"));
    opened.add(embedded);
    return embedded.graph();
  }

  Path export(Graph graph, GraphFormat format) throws IOException {
    Path file = dir.resolve("export-" + System.nanoTime() + format.extension());
    try (OutputStream out = Files.newOutputStream(file)) {
      GraphExport.write(graph, format, out);
    }
    return file;
  }

  Path file(String name, String text) throws IOException {
    return Files.writeString(dir.resolve(name), text, StandardCharsets.UTF_8);
  }

  static GraphCounts load(Graph graph, GraphFormat format, Path file) throws IOException {
    return GraphImport.load(graph, format, file);
  }

  /**
   * Every entity of the graph in id order as the store's JSON text with each object's fields sorted:
   * equal texts mean the same ids, ends and data, every value of the same JSON type (1 and 1.0 differ).
   */
  static List<String> entities(Graph graph) {
    List<String> all = new ArrayList<>();
    long after = 0;
    while (true) {
      EntityPage page = graph.exportPage(after, 1000).toCompletableFuture().join();
      for (Entity e : page.entities()) {
        all.add(io.vertx.core.json.Json.encode(sorted(e.toJson())));
      }
      if (page.next() == null) {
        return all;
      }
      after = page.next();
    }
  }

  /** The value with every object's fields in name order (field order carries nothing). */
  static Object sorted(Object value) {
    if (value instanceof JsonObject o) {
      java.util.TreeMap<String, Object> fields = new java.util.TreeMap<>();
      o.forEach(e -> fields.put(e.getKey(), sorted(e.getValue())));
      return new JsonObject(new java.util.LinkedHashMap<>(fields));
    }
    if (value instanceof io.vertx.core.json.JsonArray a) {
      io.vertx.core.json.JsonArray copy = new io.vertx.core.json.JsonArray();
      a.forEach(v -> copy.add(sorted(v)));
      return copy;
    }
    return value;
  }

  static long count(Graph graph) {
    JsonObject info = graph.info().toCompletableFuture().join();
    return info.getLong("nodes") + info.getLong("edges");
  }

  @Override
  public void close() throws IOException {
    opened.forEach(EmbeddedGraph::close);
    try (var files = Files.walk(dir)) {
      files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }
}
