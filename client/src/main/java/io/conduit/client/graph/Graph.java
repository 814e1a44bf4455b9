package io.conduit.client.graph;

import io.conduit.client.ConduitClient;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.io.Reader;
import java.io.Writer;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletionStage;

/**
 * A graph in a Conduit graph store: nodes and edges carrying JSON data, queried with fluent steps.
 * The same interface works inside a Vert.x application ({@link #overEventBus}), from any JVM through
 * the ZeroMQ bridge ({@link #overBridge}) and on a graph embedded in the process
 * ({@code io.conduit.store.graph.EmbeddedGraph}); all three run the same requests and behave alike.
 *
 * <pre>{@code
 * Graph g = Graph.overBridge(client, "graph");
 * long ann = g.addNode(new JsonObject().put("name", "Ann")).toCompletableFuture().join();
 * long bob = g.addNode(new JsonObject().put("name", "Bob")).toCompletableFuture().join();
 * g.addEdge(ann, bob, new JsonObject().put("rel", "knows")).toCompletableFuture().join();
 * long n = g.V(new JsonObject().put("name__icontains", "an")).outV().count().toCompletableFuture().join(); // 1
 * }</pre>
 *
 * <p>Filters are objects of {@code field__lookup: value} (lookups exact, iexact, contains, icontains,
 * in, gt, gte, lt, lte, startswith, istartswith, endswith, iendswith, isnull, neq; {@code _id} is the
 * id). Every method returns at once; the stage fails with a {@link GraphStoreException} whose status
 * says why. Stages complete on an event loop (the bridge client's) or on the embedded graph's
 * thread: do not block in callbacks. A Graph is immutable and thread-safe and owns nothing to close.
 */
public interface Graph {

  /** The timeout a new Graph gives each request; change it with {@link #withTimeout}. */
  Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);

  /** The store at {@code address} on this Vert.x instance's event bus (clustered or not). */
  static Graph overEventBus(Vertx vertx, String address) {
    return new GraphClient(new EventBusTransport(vertx, address), DEFAULT_TIMEOUT);
  }

  /** The store at {@code address}, reached through the bridge this client is connected to. */
  static Graph overBridge(ConduitClient client, String address) {
    return new GraphClient(new BridgeTransport(client, address), DEFAULT_TIMEOUT);
  }

  /** A graph reached through any transport, such as an embedded graph. */
  static Graph over(GraphTransport transport) {
    return new GraphClient(transport, DEFAULT_TIMEOUT);
  }

  /** This graph with another timeout per request; throws IllegalArgumentException when it is not positive. */
  Graph withTimeout(Duration timeout);

  // ---- writes

  /** Adds a node; completes with its id. Field names start with a letter. */
  CompletionStage<Long> addNode(JsonObject data);

  /** Adds many nodes (at most 100,000 per call) atomically; their ids in order. */
  CompletionStage<List<Long>> addNodes(List<JsonObject> data);

  /** Adds an edge from one node to another; 404 when either is missing. */
  CompletionStage<Long> addEdge(long from, long to, JsonObject data);

  /** Adds many edges atomically (all or none); their ids in order. */
  CompletionStage<List<Long>> addEdges(List<NewEdge> edges);

  /** Sets the given fields of a node's or an edge's data, keeping the others; completes with 1. */
  CompletionStage<Long> update(long id, JsonObject data);

  /** Replaces a node's or an edge's data; completes with 1. */
  CompletionStage<Long> replace(long id, JsonObject data);

  /** Removes an edge, or a node and its edges; completes with how many entities went. */
  CompletionStage<Long> remove(long id);

  // ---- queries: start one here, add steps, end with a result method

  /** Every node matching the filters (an index is used when one applies). */
  GraphQuery V(JsonObject filters);

  default GraphQuery V() {
    return V(new JsonObject());
  }

  /** Every edge matching the filters. */
  GraphQuery E(JsonObject filters);

  default GraphQuery E() {
    return E(new JsonObject());
  }

  /** The nodes with these ids (404 for a missing one). */
  GraphQuery v(long... ids);

  /** The edges with these ids (404 for a missing one). */
  GraphQuery e(long... ids);

  /**
   * The nodes of a cheapest path from one node to another following edges from→to, each edge costing
   * its {@code weightField} (1 without one, or when {@code weightField} is null); empty when there is none.
   */
  GraphQuery shortestPath(long from, long to, String weightField);

  /** A query from raw steps, as {@code [["V", {...}], ["outV"]]}. */
  GraphQuery query(JsonArray steps);

  // ---- indexes

  /**
   * Indexes nodes ({@code on = "node"}) or edges by the values of {@code fields}, only those matching
   * {@code filters} when given (a partial index; with no fields, the index is the set of entities that
   * match the filters); completes with its name once it is built. Queries whose V/E filters give an
   * exact value (or an {@code in} list) for each field, and imply the index's filters, use it.
   */
  CompletionStage<String> createIndex(String on, List<String> fields, JsonObject filters);

  /**
   * Like {@link #createIndex}, and no two entities it covers may then share values in all of
   * {@code fields}: a write that would is refused (409 naming the index and the key) and changes nothing.
   * Fails with 409 when the graph already holds such entities.
   */
  CompletionStage<String> createUniqueIndex(String on, List<String> fields, JsonObject filters);

  /** Drops an index by name. */
  CompletionStage<Long> dropIndex(String name);

  /** Each index: name, on, fields, filters, size, ready. */
  CompletionStage<JsonArray> listIndexes();

  // ---- the rest

  /** Runs a server script by name, atomically; its result. 404 when no script has that name. */
  CompletionStage<Object> script(String name, JsonObject args);

  /** Counts: {@code {"nodes", "edges", "indexes", "nextId"}}. */
  CompletionStage<JsonObject> info();

  /**
   * One page of the graph in id order: the nodes and edges with ids above {@code after} (0 for the
   * first page), at most {@code limit} (1 to 10,000) of them. Ask again with the page's
   * {@link EntityPage#next()} until it is null. Pages are read between writes, so a graph that
   * changes meanwhile is not a snapshot; an edge always comes after both its nodes.
   */
  CompletionStage<EntityPage> exportPage(long after, int limit);

  /**
   * Adds nodes and edges keeping their ids, atomically (all of them or none); completes with how many.
   * Nodes are added before edges, so a list may hold an edge before its nodes. 409 when an id is
   * taken, 404 when an edge's node is in neither the list nor the graph, 400 for an edge whose id is
   * not above both its nodes' ids. New ids continue after the largest one loaded.
   * {@code io.conduit.client.graph.io.GraphImport} loads a whole file this way.
   */
  CompletionStage<Long> load(List<Entity> entities);

  /**
   * Writes the whole graph as JSON lines, one entity per line in id order (nodes before the edges
   * that use them), fetching it a page at a time; completes with the number of entities written.
   * {@code out} is written from a thread of the client's own, never an event loop, so it may block.
   */
  CompletionStage<Long> exportTo(Writer out);

  /**
   * Adds the entities of a dump made by {@link #exportTo}, keeping their ids, in requests of 1,000;
   * completes with the number loaded. 409 when an id is taken (the requests before it stay loaded).
   * {@code in} is read from a thread of the client's own, never an event loop, so it may block.
   */
  CompletionStage<Long> loadFrom(Reader in);
}
