package io.conduit.store.graph;

import io.conduit.codec.ErrorCode;
import io.conduit.node.Components;
import io.conduit.node.Stateful;
import io.conduit.store.StoreHealth;
import io.conduit.store.engine.EngineMeters;
import io.conduit.store.engine.Engines;
import io.conduit.store.engine.KeyValueEngine;
import io.conduit.store.engine.WriteBatch;
import io.conduit.store.owner.StoreOwnership;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;

import java.lang.System.Logger.Level;
import java.util.Map;
import java.util.function.Function;

/**
 * The graph store (GrapheekDB done properly) at an event-bus address: nodes and edges with JSON
 * data, queries as validated step lists, indexes, server scripts, JSON dump and load; on the rocksdb
 * backend every write is acknowledged only once durable, and a restart rebuilds the graph and its
 * indexes. Requests are JSON objects with an {@code op}; see docs/graph.md. Config:
 * {@link GraphStoreOptions}. Deploy one instance per store.
 */
public class GraphStoreVerticle extends VerticleBase implements StoreHealth, Stateful {

  private static final System.Logger LOG = System.getLogger(GraphStoreVerticle.class.getName());

  private final Function<GraphStoreOptions, KeyValueEngine> engines;
  private GraphStoreOptions options;
  private KeyValueEngine engine;
  private GraphStore store;
  private StoreOwnership.Serving serving;
  private StoreOwnership ownership;
  private volatile EngineMeters engineMeters;
  private final String componentId = "store-" + java.util.UUID.randomUUID();
  /** A standby's copy of the owner's graph, once complete; read and changed on this context. */
  private volatile GraphData follower;
  private MessageConsumer<Object> standbyReads;

  public GraphStoreVerticle() {
    this(o -> Engines.open(o.backend(), o.dataDir(), o.durability()));
  }

  /** With the engine supplied by {@code engines} (tests inject failures this way). */
  GraphStoreVerticle(Function<GraphStoreOptions, KeyValueEngine> engines) {
    this.engines = engines;
  }

  @Override
  public Future<?> start() {
    Map<String, GraphScript> scripts;
    try {
      options = GraphStoreOptions.fromJson(config());
      scripts = GraphScripts.load(options.scripts());
    } catch (IllegalArgumentException e) {
      return Future.failedFuture(e);
    }
    boolean persistent = !"memory".equals(options.backend());
    ownership = new StoreOwnership(vertx, "graph store", options.address(), persistent ? options.dataDir() : null,
        options.ackReplicas(), new StoreOwnership.Store() {
          @Override
          public Future<Void> serve() {
            return open(persistent, scripts);
          }

          @Override
          public Future<Void> close() {
            return closeData();
          }

          @Override
          public KeyValueEngine openEngine() {
            return engines.apply(options);
          }

          @Override
          public Future<Void> standingBy() {
            return serveReadsAsStandby(scripts);
          }

          @Override
          public Future<Void> notStandingBy() {
            return stopReadsAsStandby();
          }

          @Override
          public void followed(KeyValueEngine copy) {
            follower = new GraphJournal(copy).recover().graph();
          }

          @Override
          public void replicated(WriteBatch batch) {
            GraphData g = follower;
            if (g != null) {
              GraphFollower.apply(g, batch, task -> context.runOnContext(v -> task.run()));
            }
          }

          @Override
          public void unfollowed() {
            follower = null;
          }
        });
    Components.register(vertx, componentId, this); // the health checks find it, starting or serving
    return ownership.start().onFailure(e -> Components.unregister(vertx, componentId));
  }

  /**
   * A standby answers reads ({@code query, listIndexes, export, info}) at {@code address + ".ro"}
   * from its copy of the owner's graph, kept in memory as the owner's batches arrive; until its
   * copy is complete (or when it has none: a memory store, or a second instance on the owner's own
   * data) it answers 503.
   */
  private Future<Void> serveReadsAsStandby(Map<String, GraphScript> scripts) {
    MessageConsumer<Object> c = vertx.eventBus().consumer(StoreOwnership.replicaReads(options.address()), message -> {
      JsonObject body = message.body() instanceof JsonObject json ? json : null;
      Object op = body == null ? null : body.getValue("op");
      GraphData g = follower;
      if (!GraphOps.READS.contains(op)) {
        message.fail(ErrorCode.BAD_REQUEST.status(), "'" + options.address() + ".ro' is a standby's read-only copy: "
            + "it answers " + String.join(", ", new java.util.TreeSet<>(GraphOps.READS)) + "; send "
            + (op instanceof String s ? "'" + s + "'" : "writes") + " to '" + options.address() + "'");
      } else if (g == null) {
        message.fail(ErrorCode.UNAVAILABLE.status(), "this standby of '" + options.address() + "' has no copy of the "
            + "owner's graph to read from (still copying it, a memory store, or on the owner's own data); read from '"
            + options.address() + "'");
      } else {
        try {
          message.reply(new GraphOps(g, options, scripts).read(body));
        } catch (GraphException e) {
          message.fail(e.code().status(), e.getMessage());
        }
      }
    });
    standbyReads = c;
    return c.completion();
  }

  private Future<Void> stopReadsAsStandby() {
    MessageConsumer<Object> c = standbyReads;
    standbyReads = null;
    return c == null ? Future.succeededFuture() : c.unregister().otherwiseEmpty();
  }

  /** Loads the graph and registers the consumer: this deployment is the owner. */
  private Future<Void> open(boolean persistent, Map<String, GraphScript> scripts) {
    return vertx.executeBlocking(() -> {
      engine = ownership.owned(engines.apply(options));
      engineMeters = new EngineMeters(options.address(), engine);
      GraphJournal journal = new GraphJournal(engine);
      GraphJournal.Recovered recovered = journal.recover();
      LOG.log(Level.INFO, "graph store '" + options.address() + "': " + engine.describe() + "; loaded "
          + recovered.graph().nodes.size() + " nodes, " + recovered.graph().edges.size() + " edges in "
          + recovered.millis() + " ms");
      // the memory backend keeps the graph once, not a second serialized copy in a memory engine
      return new GraphStore(options.address(), recovered.graph(), persistent ? journal : null, options, scripts,
          task -> context.runOnContext(v -> task.run())).ownedWhile(ownership::leaseValid).whenStopped(ownership::failed);
    }).compose(s -> {
      store = s;
      serving = ownership.serve(this::receive);
      return serving.completion();
    });
  }

  @Override
  public Future<?> stop() {
    Components.unregister(vertx, componentId);
    return ownership == null ? Future.succeededFuture() : ownership.stop();
  }

  /** Unregisters and closes the data (stopping, or no longer the owner). */
  private Future<Void> closeData() {
    StoreOwnership.Serving c = serving;
    serving = null;
    KeyValueEngine e = engine;
    engine = null;
    if (engineMeters != null) {
      engineMeters.close();
      engineMeters = null;
    }
    Future<Void> unregistered = c == null ? Future.succeededFuture() : c.unregister();
    return unregistered.eventually(() -> vertx.executeBlocking(() -> {
      if (e != null) {
        e.close(); // completes every write already submitted first
      }
      return null;
    })).mapEmpty();
  }

  @Override
  public StoreOwnership ownership() {
    return ownership;
  }

  @Override
  public String storageFailure() {
    GraphStore s = store;
    if (ownership != null && ownership.role() == StoreOwnership.Role.STANDBY) {
      // a standby serves nothing by design (ownership() says why), unless it gave the store up after a fault
      return ownership.failure();
    }
    return s == null ? "graph store not started" : s.failure();
  }

  private void receive(Message<Object> message) {
    JsonObject body = message.body() instanceof JsonObject json ? json : null;
    store.submit(body, new GraphStore.Reply() {
      @Override
      public void succeed(JsonObject reply) {
        message.reply(reply);
      }

      @Override
      public void fail(GraphException failure) {
        message.fail(failure.code().status(), failure.getMessage());
      }
    });
  }
}
