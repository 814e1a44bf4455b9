package io.conduit.client.graph;

import io.conduit.codec.ErrorCode;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;

/**
 * The one implementation of {@link Graph}: builds each request, sends it through a transport and
 * reads the reply. Transports only move bodies, so every transport behaves alike by construction.
 */
final class GraphClient implements Graph {

  private static final int EXPORT_PAGE = 1_000;
  private static final int LOAD_BATCH = 1_000;

  /**
   * Where {@link #exportTo} and {@link #loadFrom} call the caller's Writer and Reader. A reply
   * completes on the transport's thread, an event loop for the bridge and the event bus, and a
   * Writer or Reader may block on a file, a pipe or a socket: it must never run there. Daemon
   * threads, made when needed and gone after a minute idle.
   */
  private static final Executor DUMP_IO = Executors.newCachedThreadPool(task -> {
    Thread t = new Thread(task, "conduit-graph-dump");
    t.setDaemon(true);
    return t;
  });

  private final GraphTransport transport;
  private final Duration timeout;

  GraphClient(GraphTransport transport, Duration timeout) {
    this.transport = Objects.requireNonNull(transport, "transport");
    this.timeout = timeout;
  }

  @Override
  public Graph withTimeout(Duration timeout) {
    if (timeout == null || timeout.toMillis() < 1) {
      throw new IllegalArgumentException("a request timeout must be 1 ms or more, got " + timeout);
    }
    return new GraphClient(transport, timeout);
  }

  @Override
  public CompletionStage<Long> addNode(JsonObject data) {
    return send(op("addNode").put("data", data)).thenApply(r -> number(r, "id"));
  }

  @Override
  public CompletionStage<List<Long>> addNodes(List<JsonObject> data) {
    return send(op("addNodes").put("items", new JsonArray(new ArrayList<>(data)))).thenApply(r -> longs(r, "ids"));
  }

  @Override
  public CompletionStage<Long> addEdge(long from, long to, JsonObject data) {
    return send(new NewEdge(from, to, data).toJson().put("op", "addEdge")).thenApply(r -> number(r, "id"));
  }

  @Override
  public CompletionStage<List<Long>> addEdges(List<NewEdge> edges) {
    JsonArray items = new JsonArray();
    edges.forEach(e -> items.add(e.toJson()));
    return send(op("addEdges").put("items", items)).thenApply(r -> longs(r, "ids"));
  }

  @Override
  public CompletionStage<Long> update(long id, JsonObject data) {
    return send(op("update").put("id", id).put("data", data)).thenApply(r -> number(r, "count"));
  }

  @Override
  public CompletionStage<Long> replace(long id, JsonObject data) {
    return send(op("update").put("id", id).put("data", data).put("replace", true)).thenApply(r -> number(r, "count"));
  }

  @Override
  public CompletionStage<Long> remove(long id) {
    return send(op("remove").put("id", id)).thenApply(r -> number(r, "count"));
  }

  @Override
  public GraphQuery V(JsonObject filters) {
    return start("V", filters);
  }

  @Override
  public GraphQuery E(JsonObject filters) {
    return start("E", filters);
  }

  @Override
  public GraphQuery v(long... ids) {
    return start("v", ids(ids));
  }

  @Override
  public GraphQuery e(long... ids) {
    return start("e", ids(ids));
  }

  @Override
  public GraphQuery shortestPath(long from, long to, String weightField) {
    JsonObject arg = new JsonObject().put("from", from).put("to", to);
    if (weightField != null) {
      arg.put("weight", weightField);
    }
    return start("shortestPath", arg);
  }

  @Override
  public GraphQuery query(JsonArray steps) {
    return new QuerySteps(this, steps.copy());
  }

  @Override
  public CompletionStage<String> createIndex(String on, List<String> fields, JsonObject filters) {
    return createIndex(on, fields, filters, false);
  }

  @Override
  public CompletionStage<String> createUniqueIndex(String on, List<String> fields, JsonObject filters) {
    return createIndex(on, fields, filters, true);
  }

  private CompletionStage<String> createIndex(String on, List<String> fields, JsonObject filters, boolean unique) {
    JsonObject request = op("createIndex").put("on", on).put("fields", new JsonArray(new ArrayList<>(fields)));
    if (filters != null) {
      request.put("filters", filters);
    }
    if (unique) {
      request.put("unique", true);
    }
    return send(request).thenApply(r -> required(r, "name").getString("name"));
  }

  @Override
  public CompletionStage<Long> dropIndex(String name) {
    return send(op("dropIndex").put("name", name)).thenApply(r -> number(r, "count"));
  }

  @Override
  public CompletionStage<JsonArray> listIndexes() {
    return send(op("listIndexes")).thenApply(r -> required(r, "indexes").getJsonArray("indexes"));
  }

  @Override
  public CompletionStage<Object> script(String name, JsonObject args) {
    return send(op("script").put("name", name).put("args", args == null ? new JsonObject() : args))
        .thenApply(r -> r.getValue("result"));
  }

  @Override
  public CompletionStage<JsonObject> info() {
    return send(op("info"));
  }

  @Override
  public CompletionStage<EntityPage> exportPage(long after, int limit) {
    if (after < 0) {
      throw new IllegalArgumentException("the cursor must be 0 or an id, got " + after);
    }
    return send(op("export").put("after", after == 0 ? null : after).put("limit", limit)).thenApply(page -> {
      List<Entity> entities = new ArrayList<>();
      required(page, "items").getJsonArray("items").forEach(item -> entities.add(Entity.fromJson((JsonObject) item)));
      return new EntityPage(entities, page.getLong("next"));
    });
  }

  @Override
  public CompletionStage<Long> load(List<Entity> entities) {
    JsonArray items = new JsonArray();
    entities.forEach(e -> items.add(e.toJson()));
    return send(op("load").put("items", items)).thenApply(r -> number(r, "count"));
  }

  @Override
  public CompletionStage<Long> exportTo(Writer out) {
    return exportFrom(0, 0, out);
  }

  private CompletionStage<Long> exportFrom(long after, long written, Writer out) {
    return send(op("export").put("after", after == 0 ? null : after).put("limit", EXPORT_PAGE)).thenComposeAsync(page -> {
      JsonArray items = required(page, "items").getJsonArray("items");
      try {
        for (Object item : items) {
          out.write(((JsonObject) item).encode());
          out.write('\n');
        }
        out.flush();
      } catch (IOException e) {
        return CompletableFuture.failedFuture(new UncheckedIOException("writing the dump failed", e));
      }
      Long next = page.getLong("next");
      long total = written + items.size();
      return next == null ? CompletableFuture.completedFuture(total) : exportFrom(next, total, out);
    }, DUMP_IO);
  }

  @Override
  public CompletionStage<Long> loadFrom(Reader in) {
    BufferedReader lines = in instanceof BufferedReader b ? b : new BufferedReader(in);
    return loadNext(lines, 0);
  }

  private CompletionStage<Long> loadNext(BufferedReader lines, long loaded) {
    return CompletableFuture.supplyAsync(() -> readBatch(lines), DUMP_IO).thenCompose(batch ->
        batch.isEmpty() ? CompletableFuture.completedFuture(loaded)
            : send(op("load").put("items", batch)).thenCompose(r -> loadNext(lines, loaded + number(r, "count"))));
  }

  /** The next batch of a dump's entities (empty at its end); throws the failure that stops the load. */
  private static JsonArray readBatch(BufferedReader lines) {
    JsonArray batch = new JsonArray();
    try {
      String line;
      while (batch.size() < LOAD_BATCH && (line = lines.readLine()) != null) {
        if (!line.isBlank()) {
          batch.add(new JsonObject(line));
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("reading the dump failed", e);
    } catch (RuntimeException e) {
      throw new GraphStoreException(400, ErrorCode.BAD_REQUEST, "the dump holds a line that is not a JSON object: "
          + e.getMessage());
    }
    return batch;
  }

  // ---- used by QuerySteps

  CompletionStage<Object> result(JsonArray steps) {
    return send(op("query").put("steps", steps)).thenApply(r -> {
      if (!r.containsKey("result")) {
        throw unexpected(r);
      }
      return r.getValue("result");
    });
  }

  CompletionStage<Long> updateAll(JsonArray steps, JsonObject data) {
    return send(op("update").put("steps", steps).put("data", data)).thenApply(r -> number(r, "count"));
  }

  CompletionStage<Long> removeAll(JsonArray steps) {
    return send(op("remove").put("steps", steps)).thenApply(r -> number(r, "count"));
  }

  private GraphQuery start(String step, Object arg) {
    return new QuerySteps(this, new JsonArray().add(new JsonArray().add(step).add(arg)));
  }

  private static JsonArray ids(long[] ids) {
    JsonArray list = new JsonArray();
    for (long id : ids) {
      list.add(id);
    }
    return list;
  }

  private CompletionStage<JsonObject> send(JsonObject request) {
    return transport.request(request, timeout).thenApply(reply -> {
      if (!(reply instanceof JsonObject o)) {
        throw unexpected(reply);
      }
      return o;
    });
  }

  private static JsonObject op(String op) {
    return new JsonObject().put("op", op);
  }

  private static long number(JsonObject reply, String field) {
    if (!(reply.getValue(field) instanceof Number n)) {
      throw unexpected(reply);
    }
    return n.longValue();
  }

  private static List<Long> longs(JsonObject reply, String field) {
    List<Long> out = new ArrayList<>();
    required(reply, field).getJsonArray(field).forEach(v -> out.add(((Number) v).longValue()));
    return List.copyOf(out);
  }

  private static JsonObject required(JsonObject reply, String field) {
    if (reply.getValue(field) == null) {
      throw unexpected(reply);
    }
    return reply;
  }

  /** A reply the store would not send: something else answers at this address. */
  static GraphStoreException unexpected(Object reply) {
    String text = String.valueOf(reply);
    return GraphStoreException.fromTransport(ErrorCode.INTERNAL, "the reply is not a graph store's: "
        + (text.length() > 100 ? text.substring(0, 100) + "..." : text), null);
  }
}
