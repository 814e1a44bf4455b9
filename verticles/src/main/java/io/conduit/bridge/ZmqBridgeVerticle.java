package io.conduit.bridge;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.internal.VertxInternal;
import io.vertx.core.spi.cluster.ClusterManager;

import java.util.List;

/**
 * The ZeroMQ bridge (CBP/1, see PROTOCOL.md): a ROUTER for requests, sends, publishes and pings
 * (and Majordomo clients), an XPUB for events. Config is {@link BridgeOptions}' JSON, e.g.
 * {@code {"endpoint": "tcp://127.0.0.1:5555", "eventsEndpoint": "tcp://127.0.0.1:5556",
 * "inbound": ["echo", {"regex": "docs.*"}]}}. Deploy one instance per endpoint.
 */
public class ZmqBridgeVerticle extends VerticleBase {

  private final BridgeStats stats = new BridgeStats();
  private SocketLoop sockets;
  private EventSubscriptions subscriptions;

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
    }, stats);
    handler[0] = new RequestHandler(vertx, options, sockets, stats, nodeId());
    subscriptions = new EventSubscriptions(vertx.eventBus(), sockets, stats);
    return Future.fromCompletionStage(sockets.start(), context);
  }

  @Override
  public Future<?> stop() {
    if (sockets == null) {
      return Future.succeededFuture();
    }
    return subscriptions.closeAll().transform(v -> Future.fromCompletionStage(sockets.stop(), context));
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
