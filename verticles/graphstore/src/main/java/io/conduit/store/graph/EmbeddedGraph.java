package io.conduit.store.graph;

import io.conduit.client.graph.Graph;
import io.conduit.client.graph.GraphStoreException;
import io.conduit.client.graph.GraphTransport;
import io.conduit.store.engine.Engines;
import io.conduit.store.engine.KeyValueEngine;
import io.vertx.core.json.JsonObject;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * A graph store inside this JVM, without Vert.x: the same store the verticle serves, on a thread of
 * its own, reached through the same {@link Graph} interface as a remote one.
 *
 * <pre>{@code
 * try (EmbeddedGraph embedded = EmbeddedGraph.open(new JsonObject().put("backend", "rocksdb").put("dataDir", "g"))) {
 *   Graph g = embedded.graph();
 *   g.addNode(new JsonObject().put("name", "Ann")).toCompletableFuture().join();
 * }
 * }</pre>
 */
public final class EmbeddedGraph implements GraphTransport, AutoCloseable {

  private final ExecutorService owner;
  private final KeyValueEngine engine;
  private final GraphStore store;

  private EmbeddedGraph(ExecutorService owner, KeyValueEngine engine, GraphStore store) {
    this.owner = owner;
    this.engine = engine;
    this.store = store;
  }

  /**
   * Opens a graph with the graph store's config ({@link GraphStoreOptions}: backend, dataDir,
   * durability, scripts...), loading what the backend holds. Throws IllegalArgumentException for a
   * bad config and the engine's exception when the data cannot be opened.
   */
  public static EmbeddedGraph open(JsonObject config) {
    GraphStoreOptions options = GraphStoreOptions.fromJson(config);
    var scripts = GraphScripts.load(options.scripts());
    KeyValueEngine engine = Engines.open(options.backend(), options.dataDir(), options.durability());
    GraphJournal journal = new GraphJournal(engine);
    GraphData graph = journal.recover().graph();
    ExecutorService owner = Executors.newSingleThreadExecutor(r -> {
      Thread t = new Thread(r, "conduit-graph " + options.address());
      t.setDaemon(true);
      return t;
    });
    GraphJournal stored = "memory".equals(options.backend()) ? null : journal;
    return new EmbeddedGraph(owner, engine, new GraphStore(options.address(), graph, stored, options, scripts, owner));
  }

  /** The fluent API over this graph. */
  public Graph graph() {
    return Graph.over(this);
  }

  @Override
  public CompletionStage<Object> request(JsonObject body, Duration timeout) {
    CompletableFuture<Object> reply = new CompletableFuture<>();
    // Copies on the way in and out, as the event bus makes them: neither side shares mutable JSON.
    JsonObject request = body.copy();
    owner.execute(() -> store.submit(request, new GraphStore.Reply() {
      @Override
      public void succeed(JsonObject body) {
        reply.complete(body.copy());
      }

      @Override
      public void fail(GraphException failure) {
        reply.completeExceptionally(GraphStoreException.fromStore(failure.code().status(), failure.getMessage()));
      }
    }));
    return reply.orTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS).exceptionallyCompose(e ->
        CompletableFuture.failedFuture(e instanceof java.util.concurrent.TimeoutException
            ? new GraphStoreException(504, io.conduit.codec.ErrorCode.TIMEOUT, "no reply from the embedded graph within "
                + timeout.toMillis() + " ms") : e));
  }

  /** Waits for the writes in progress, then closes the store and its engine. */
  @Override
  public void close() {
    engine.close(); // completes every write submitted; their replies are queued on the owner thread
    owner.shutdown();
    try {
      owner.awaitTermination(30, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
