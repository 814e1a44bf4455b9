package io.conduit.client.graph.io;

import io.conduit.client.graph.Entity;
import io.conduit.client.graph.Graph;
import io.conduit.client.graph.GraphStoreException;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletionStage;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Loads a graph file into a graph store, keeping the file's ids, in constant memory: the file is read
 * three times, never held. First all of it is checked, and a file with anything wrong or anything a
 * Conduit graph cannot hold is refused ({@link GraphFileException}, naming the line) before a single
 * entity is loaded; then the nodes are loaded, then the edges (a file may list an edge before its
 * nodes), in {@code load} requests of up to 1,000 entities, one in flight while the next is read.
 * An edge the file gives no id (GraphML allows that) gets one after every id in the file and the store.
 *
 * <p>Each request is atomic, the whole file is not: when the store refuses a request (409 CONFLICT
 * for an id that is taken, 404 NOT_FOUND for an edge whose node is in neither the file nor the store)
 * the requests before it stay loaded, and the error names the file's line. Blocking: call it from a
 * thread of your own or a Vert.x worker, never an event loop.
 */
public final class GraphImport {

  static final int BATCH = 1_000;
  /** A request's rough size limit in characters of the file, well under the bridge's message limit. */
  static final long BATCH_CHARS = 4L << 20;
  /** How the store names an item of a load request in its errors. */
  private static final Pattern STORE_ITEM = Pattern.compile("^load: item (\\d+): ?");

  private GraphImport() {
  }

  /** Loads {@code file}, written in {@code format}, into the graph; how many nodes and edges it loaded. */
  public static GraphCounts load(Graph graph, GraphFormat format, Path file) throws IOException {
    Objects.requireNonNull(graph, "graph");
    Blocking.refuseOnEventLoop("GraphImport.load");
    if (!Files.isRegularFile(file)) {
      throw new NoSuchFileException(file.toString(), null, "no such file");
    }
    FileFormat reading = format.newFileFormat();
    FileFacts facts = new FileFacts();
    try (EntityReader reader = reading.open(open(file), ReadPass.CHECK)) {
      for (Entity e = reader.next(); e != null; e = reader.next()) {
        facts.check(e, reader.line());
      }
    }
    long nodes = loadPass(graph, reading, file, ReadPass.NODES, 0);
    long nextId = Blocking.await(graph.info()).getLong("nextId", 1L);
    long edges = loadPass(graph, reading, file, ReadPass.EDGES, Math.max(facts.maxId() + 1, nextId));
    return new GraphCounts(nodes, edges);
  }

  private static InputStream open(Path file) throws IOException {
    return new BufferedInputStream(Files.newInputStream(file), 1 << 16);
  }

  /** Loads what one pass reads; edges without an id get ids from {@code firstFreeId} on. */
  private static long loadPass(Graph graph, FileFormat reading, Path file, ReadPass pass, long firstFreeId)
      throws IOException {
    long nextFreeId = firstFreeId;
    long loaded = 0;
    Batch batch = new Batch();
    Batch inFlight = null;
    CompletionStage<Long> reply = null;
    try (EntityReader reader = reading.open(open(file), pass)) {
      long batchStart = 0;
      for (Entity e = reader.next(); e != null; e = reader.next()) {
        if (e.id() == 0) {
          e = Entity.edge(nextFreeId++, e.from(), e.to(), e.data());
        }
        batch.add(e, reader.line());
        if (batch.entities.size() >= BATCH || reader.position() - batchStart >= BATCH_CHARS) {
          loaded += inFlight == null ? 0 : inFlight.await(reply);
          inFlight = batch;
          reply = graph.load(batch.entities);
          batch = new Batch();
          batchStart = reader.position();
        }
      }
    }
    loaded += inFlight == null ? 0 : inFlight.await(reply);
    if (!batch.entities.isEmpty()) {
      loaded += batch.await(graph.load(batch.entities));
    }
    return loaded;
  }

  /** One load request's entities and the lines they came from. */
  private static final class Batch {
    final List<Entity> entities = new ArrayList<>();
    final List<Long> lines = new ArrayList<>();

    void add(Entity e, long line) {
      entities.add(e);
      lines.add(line);
    }

    /** The count the store loaded; its failure with the file's line of the entity it names. */
    long await(CompletionStage<Long> reply) {
      try {
        return Blocking.await(reply);
      } catch (GraphStoreException e) {
        throw located(e);
      }
    }

    private GraphStoreException located(GraphStoreException e) {
      String message = String.valueOf(e.getMessage());
      Matcher item = STORE_ITEM.matcher(message);
      if (item.find()) {
        int index = Integer.parseInt(item.group(1));
        if (index < lines.size()) {
          return new GraphStoreException(e.status(), e.code(), "line " + lines.get(index) + ": "
              + message.substring(item.end()));
        }
      }
      return new GraphStoreException(e.status(), e.code(), "lines " + lines.get(0) + "-" + lines.get(lines.size() - 1)
          + ": " + message);
    }
  }
}
