package io.conduit.bridge;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.internal.VertxInternal;
import io.vertx.core.spi.cluster.ClusterManager;

import java.util.List;

/**
 * The ZeroMQ bridge (CBP/1, see PROTOCOL.md): a ROUTER for requests, sends, publishes and pings
 * (and Majordomo clients and workers), an XPUB for events. Config is {@link BridgeOptions}' JSON, e.g.
 * {@code {"endpoint": "tcp://127.0.0.1:5555", "eventsEndpoint": "tcp://127.0.0.1:5556",
 * "inbound": ["echo", {"regex": "docs.*"}]}}. Deploy one instance per endpoint.
 */
public class ZmqBridgeVerticle extends VerticleBase {

  private final BridgeStats stats = new BridgeStats();
  private SocketLoop sockets;
  private EventSubscriptions subscriptions;
  private WorkerConsumers workerConsumers;

  @Override
  public Future<?> start() {
    BridgeOptions options;
    try {
      options = BridgeOptions.fromJson(config());
    } catch (IllegalArgumentException e) {
      return Future.failedFuture(e);
    }
    Context loop = context;
    RequestHandler[] handler = new RequestHandler[1];
    sockets = new SocketLoop(options, new SocketLoop.Receiver() {
      @Override
      public void requests(List<Inbound> batch) {
        loop.runOnContext(v -> handler[0].handle(batch));
      }

      @Override
      public void subscription(String topic, boolean subscribed) {
        loop.runOnContext(v -> subscriptions.changed(topic, subscribed));
      }

      @Override
      public void workerEvents(List<WorkerEvent> events) {
        loop.runOnContext(v -> workerConsumers.handle(events));
      }
    }, stats);
    handler[0] = new RequestHandler(vertx, options, sockets, stats, nodeId());
    subscriptions = new EventSubscriptions(vertx.eventBus(), sockets, stats);
    workerConsumers = new WorkerConsumers(vertx.eventBus(), sockets, options.maxMessageBytes(), stats);
    return Future.fromCompletionStage(sockets.start(), context);
  }

  @Override
  public Future<?> stop() {
    if (sockets == null) {
      return Future.succeededFuture();
    }
    // Worker services go first (callers get NO_HANDLERS); requests already with a worker may still
    // finish within the grace period, whatever is left fails once the socket thread has stopped.
    return subscriptions.closeAll()
        .eventually(() -> workerConsumers.closeAll())
        .transform(v -> Future.fromCompletionStage(sockets.stop(), context))
        .andThen(v -> workerConsumers.failWaiting("the bridge stopped before an external worker replied"));
  }

  /** True while the thread that owns this bridge's ZeroMQ sockets runs (the health check asks). */
  public boolean socketThreadAlive() {
    return sockets != null && sockets.alive();
  }

  /** Counters of this bridge instance. */
  public BridgeStats stats() {
    return stats;
  }

  private String nodeId() {
    ClusterManager cluster = ((VertxInternal) vertx).clusterManager();
    return cluster == null ? "standalone" : cluster.getNodeId();
  }
}
