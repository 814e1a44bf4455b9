package io.conduit.bridge;

import io.conduit.cluster.ClusterAccess;
import io.conduit.node.Components;
import io.conduit.node.FrontDoor;
import io.conduit.store.owner.OwnerWatch;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.spi.cluster.ClusterManager;

import java.util.List;

/**
 * The ZeroMQ bridge (CBP/1, see docs/protocol.md): a ROUTER for requests, sends, publishes and
 * pings (and Majordomo clients and workers), an XPUB for events, both spoken on this verticle's
 * event loop with no thread of their own. Config is {@link BridgeOptions}' JSON, e.g.
 * {@code {"endpoint": "tcp://127.0.0.1:5555", "eventsEndpoint": "tcp://127.0.0.1:5556",
 * "inbound": ["echo", {"regex": "docs.*"}]}}. Several instances may share the same endpoints:
 * each serves the connections Vert.x hands it.
 */
public class ZmqBridgeVerticle extends VerticleBase implements FrontDoor {

  private final BridgeStats stats = new BridgeStats();
  private BridgeTransport transport;
  private RequestHandler handler;
  private EventSubscriptions subscriptions;
  private WorkerConsumers workerConsumers;
  private OwnerWatch owners;
  private BridgeMeters meters;
  private final String componentId = "bridge-" + java.util.UUID.randomUUID();

  @Override
  public Future<?> start() {
    // on a worker thread: a CURVE config may name key files to read
    return vertx.executeBlocking(() -> BridgeOptions.fromJson(config()), false).compose(this::start);
  }

  private Future<?> start(BridgeOptions options) {
    transport = new BridgeTransport(vertx, options, new BridgeTransport.Receiver() {
      @Override
      public void request(Inbound request) {
        handler.handle(request);
      }

      @Override
      public void subscription(String topic, boolean subscribed) {
        subscriptions.changed(topic, subscribed);
      }

      @Override
      public void workerEvents(List<WorkerEvent> events) {
        workerConsumers.handle(events);
      }
    }, stats);
    owners = OwnerWatch.start(vertx);
    handler = new RequestHandler(vertx, options, transport, stats, nodeId(), owners);
    subscriptions = new EventSubscriptions(vertx.eventBus(), transport, stats);
    workerConsumers = new WorkerConsumers(vertx.eventBus(), transport, options.maxMessageBytes(), stats);
    // Vert.x does not stop a verticle whose start failed: what started is undone here
    return handler.start().compose(v -> transport.start())
        .recover(failed -> handler.close().transform(ignored -> Future.failedFuture(failed))).onSuccess(v -> {
      // an ephemeral port ("tcp://127.0.0.1:*") is tagged as bound, so two bridges keep their own meters
      String endpoint = options.endpoint().endsWith(":*")
          ? options.endpoint().substring(0, options.endpoint().length() - 1) + port() : options.endpoint();
      meters = BridgeMeters.attach(stats, endpoint);
      Components.register(vertx, componentId, this); // the health checks and the console find it there
    });
  }

  @Override
  public Future<?> stop() {
    if (transport == null) {
      return Future.succeededFuture();
    }
    // Worker services go first (callers get NO_HANDLERS); requests already with a worker may still
    // finish within the grace period, whatever is left fails once the transport has stopped.
    return subscriptions.closeAll()
        .eventually(() -> workerConsumers.closeAll())
        .transform(v -> transport.stop())
        .andThen(v -> workerConsumers.failWaiting("the bridge stopped before an external worker replied"))
        .eventually(() -> handler.close())
        .andThen(v -> owners.close())
        .andThen(v -> {
          Components.unregister(vertx, componentId);
          if (meters != null) {
            meters.close();
          }
        });
  }

  /** True while the bridge's endpoints are bound and serving (the health check asks). */
  public boolean alive() {
    return transport != null && transport.alive();
  }

  /** The TCP port the request endpoint is bound to (useful with {@code tcp://127.0.0.1:*}), or -1. */
  public int port() {
    return transport == null ? -1 : transport.port();
  }

  /** The TCP port the events endpoint is bound to, or -1. */
  public int eventsPort() {
    return transport == null ? -1 : transport.eventsPort();
  }

  /** Counters of this bridge instance. */
  public BridgeStats stats() {
    return stats;
  }

  private String nodeId() {
    ClusterManager cluster = ClusterAccess.manager(vertx);
    return cluster == null ? "standalone" : cluster.getNodeId();
  }
}
