package io.conduit.web;

import io.conduit.bridge.ZmqBridgeVerticle;
import io.conduit.cluster.ClusterAccess;
import io.conduit.codec.ConduitVersion;
import io.conduit.codec.ErrorCode;
import io.conduit.node.Components;
import io.conduit.deploy.NodeControl;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.Message;
import io.vertx.core.internal.VertxInternal;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.core.spi.cluster.ClusterManager;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryUsage;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.WeakHashMap;
import java.util.function.Function;

/**
 * What one node tells the console about itself, on {@code conduit.web.node.<nodeId>}: its
 * identity, uptime, heap and event-loop load ({@code {"op": "info"}}), per-address request meters
 * ({@code "meters"}), a service's recent log records ({@code "logs"}), its bridges' counters
 * ({@code "bridge"}). Installed once per Vert.x instance, by {@code conduit serve} at start-up and
 * by the {@link WebVerticle} on its own node; every node the console should measure needs it.
 */
public final class NodeMonitor {

  /** Addresses of the monitors start with this; their own traffic is not measured. */
  public static final String ADDRESS_PREFIX = "conduit.web.";
  private static final Map<Vertx, NodeMonitor> INSTALLED = new WeakHashMap<>();

  private final Vertx vertx;
  private final String nodeId;
  private final long startedMillis = System.currentTimeMillis();
  private final ServiceMeters meters;
  private final ServiceLogs logs;
  private final EventLoopProbe loops = new EventLoopProbe();
  private final DeploymentsOfService deploymentsOf;

  /** Maps a service name to the deployment ids that run it now on this node. */
  @FunctionalInterface
  public interface DeploymentsOfService {
    List<String> deployments(String service);
  }

  private NodeMonitor(Vertx vertx, Function<String, String> serviceOfDeployment, DeploymentsOfService deploymentsOf) {
    this.vertx = vertx;
    this.nodeId = nodeId(vertx);
    this.meters = new ServiceMeters(nodeId);
    this.logs = new ServiceLogs(serviceOfDeployment);
    this.deploymentsOf = deploymentsOf;
  }

  /**
   * Installs the monitor on {@code vertx} unless it is already there, and returns it.
   *
   * @param serviceOfDeployment the service a deployment id belongs to (null when unknown), for log tagging
   * @param deploymentsOf the deployment ids of a service, to find records logged before it was named
   */
  public static synchronized NodeMonitor install(Vertx vertx, Function<String, String> serviceOfDeployment,
                                                 DeploymentsOfService deploymentsOf) {
    NodeMonitor existing = INSTALLED.get(vertx);
    if (existing != null) {
      return existing;
    }
    NodeMonitor monitor = new NodeMonitor(vertx, serviceOfDeployment, deploymentsOf);
    monitor.start();
    INSTALLED.put(vertx, monitor);
    return monitor;
  }

  /** The monitor installed on {@code vertx}, or null. */
  public static synchronized NodeMonitor of(Vertx vertx) {
    return INSTALLED.get(vertx);
  }

  /** The event-bus address of a node's monitor. */
  public static String address(String nodeId) {
    return ADDRESS_PREFIX + "node." + nodeId;
  }

  /** This node's id: the cluster manager's node id, or {@code standalone}. */
  public static String nodeId(Vertx vertx) {
    return NodeControl.nodeId(vertx);
  }

  public String nodeId() {
    return nodeId;
  }

  private void start() {
    ConduitMetrics.registry();
    meters.install(vertx);
    LogCapture.attach(vertx, logs);
    loops.start(vertx);
    vertx.eventBus().consumer(address(nodeId), this::receive);
    // Closing Vert.x forgets the monitor, so log capture holds no closed node.
    ((VertxInternal) vertx).addCloseHook(done -> {
      forget();
      done.succeed();
    });
  }

  private void forget() {
    synchronized (NodeMonitor.class) {
      INSTALLED.remove(vertx);
    }
    LogCapture.detach(vertx);
  }

  private void receive(Message<Object> message) {
    if (!(message.body() instanceof JsonObject request) || !(request.getValue("op") instanceof String op)) {
      message.fail(ErrorCode.BAD_REQUEST.status(), "a node monitor request is a JSON object with an \"op\": "
          + "info, meters, logs or bridge");
      return;
    }
    switch (op) {
      case "info" -> message.reply(info());
      case "meters" -> message.reply(new JsonObject().put("node", nodeId).put("addresses", meters.all()));
      case "bridge" -> message.reply(bridges());
      case "logs" -> logs(message, request);
      default -> message.fail(ErrorCode.BAD_REQUEST.status(), "unknown op '" + op
          + "': a node monitor answers info, meters, logs and bridge");
    }
  }

  private void logs(Message<Object> message, JsonObject request) {
    if (!(request.getValue("service") instanceof String service) || !(request.getValue("tail") instanceof Integer tail)
        || tail < 1) {
      message.fail(ErrorCode.BAD_REQUEST.status(), "logs needs \"service\" (a name) and \"tail\" (a positive whole number)");
      return;
    }
    message.reply(new JsonObject().put("node", nodeId).put("records",
        logs.tail(service, deploymentsOf.deployments(service), tail)));
  }

  /** This node's identity and load. */
  JsonObject info() {
    MemoryUsage heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage();
    ClusterManager cluster = ClusterAccess.manager(vertx);
    return new JsonObject()
        .put("node", nodeId)
        .put("clustered", cluster != null)
        .put("version", ConduitVersion.get())
        .put("java", Runtime.version().toString())
        .put("startedAt", Instant.ofEpochMilli(startedMillis).toString())
        .put("uptimeMs", System.currentTimeMillis() - startedMillis)
        .put("heap", new JsonObject().put("usedBytes", heap.getUsed()).put("committedBytes", heap.getCommitted())
            .put("maxBytes", heap.getMax()))
        .put("eventLoops", loops.toJson())
        .put("vertxMetrics", ConduitMetrics.vertxMetricsEnabled());
  }

  private JsonObject bridges() {
    JsonArray list = new JsonArray();
    for (ZmqBridgeVerticle bridge : Components.of(vertx, ZmqBridgeVerticle.class)) {
      list.add(bridge.stats().toJson().put("alive", bridge.alive()));
    }
    return new JsonObject().put("node", nodeId).put("bridges", list);
  }

  /** Meters of one address on this node (for tests and the local node's views). */
  JsonObject meters(String address) {
    return meters.snapshot(address);
  }
}
