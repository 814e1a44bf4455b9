package io.conduit.cli.serve;

import io.conduit.cluster.ClusterAccess;
import io.conduit.cluster.ClusterFactory;
import io.conduit.cluster.ClusterSettings;
import io.conduit.deploy.DeploymentPlan;
import io.conduit.deploy.NodeControl;
import io.conduit.deploy.NodeLifecycle;
import io.conduit.deploy.RunningServices;
import io.conduit.deploy.ServiceSpec;
import io.conduit.node.Receipts;
import io.conduit.web.NodeMonitor;
import io.conduit.web.WebVerticle;
import io.conduit.worker.Scaler;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.transport.Transport;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;

import java.util.List;

/**
 * A running Conduit node: one Vert.x instance, standalone or clustered, its services and its control
 * point on the event bus ({@link NodeControl}).
 */
public final class Node {

  private final Vertx vertx;
  private final RunningServices services;
  private final NodeControl control;
  private final Scaler scaler;
  private final ClusterSettings cluster;

  private Node(Vertx vertx, RunningServices services, NodeControl control, Scaler scaler, ClusterSettings cluster) {
    this.vertx = vertx;
    this.services = services;
    this.control = control;
    this.scaler = scaler;
    this.cluster = cluster;
  }

  /**
   * Starts Vert.x (clustered when {@code cluster} is not null), deploys the plan, answers control
   * requests and starts the scaler (which also replaces crashed instances). On any failure
   * Vert.x is closed again before the returned future fails.
   */
  public static Future<Node> start(DeploymentPlan plan, ClusterSettings cluster) {
    return start(plan, cluster, new VertxOptions());
  }

  /** As {@link #start(DeploymentPlan, ClusterSettings)}, with Vert.x options (event-loop count ...). */
  public static Future<Node> start(DeploymentPlan plan, ClusterSettings cluster, VertxOptions options) {
    return start(plan, cluster, options, Thread.currentThread().getContextClassLoader());
  }

  /** As above, the services' classes loaded by {@code classes} (the user's classpath over Conduit's). */
  public static Future<Node> start(DeploymentPlan plan, ClusterSettings cluster, VertxOptions options,
                                   ClassLoader classes) {
    return start(plan, cluster, options, classes, null);
  }

  /**
   * As above, on the network {@code transport} ({@code null}: the one {@code options} lead Vert.x
   * to, NIO unless they prefer a native one).
   */
  public static Future<Node> start(DeploymentPlan plan, ClusterSettings cluster, VertxOptions options,
                                   ClassLoader classes, Transport transport) {
    Future<Vertx> started = cluster == null
        ? Future.succeededFuture(ClusterFactory.builder(options, transport).build())
        : ClusterFactory.startClustered(options, cluster, transport);
    return started.compose(vertx -> {
      NodeLifecycle.set(vertx, NodeLifecycle.State.STARTING);
      // whether or not this node runs a bridge, another node's may send to the consumers here
      Receipts.answerOn(vertx);
      RunningServices services = new RunningServices(vertx, classes);
      // Before the services deploy, so their start-up log records and first requests are seen.
      NodeMonitor.install(vertx, id -> services.serviceOf(id).orElse(null), services::deploymentsOf);
      NodeControl control = new NodeControl(services, consoleToken(plan));
      Scaler scaler = new Scaler(services);
      return services.deploy(plan)
          .compose(v -> control.register())
          .compose(v -> scaler.start())
          .map(v -> {
            NodeLifecycle.set(vertx, NodeLifecycle.State.READY);
            return new Node(vertx, services, control, scaler, cluster);
          })
          .recover(failure -> services.undeployAll().transform(ignored -> vertx.close())
              .transform(ignored -> Future.failedFuture(failure)));
    });
  }

  /**
   * The token of the deployment's web console, which node control then requires too; null when the
   * console has none (or the node runs no console).
   */
  static String consoleToken(DeploymentPlan plan) {
    for (ServiceSpec spec : plan.services()) {
      if (spec.verticle().equals(WebVerticle.class.getName()) && spec.config().getValue("token") instanceof String t) {
        return t;
      }
    }
    return null;
  }

  /**
   * Stops the scaler and control requests, undeploys the services (so stores flush), leaves the
   * cluster and closes Vert.x.
   */
  public Future<Void> stop() {
    // Chained on a future without a context: the result completes after Vert.x's event loops are gone.
    NodeLifecycle.set(vertx, NodeLifecycle.State.STOPPING);
    return Future.<Void>succeededFuture()
        .transform(ignored -> scaler.stop().otherwiseEmpty())
        .transform(ignored -> control.unregister().otherwiseEmpty())
        .transform(ignored -> services.undeployAll())
        .transform(ignored -> vertx.close());
  }

  public Vertx vertx() {
    return vertx;
  }

  /** The services this node runs. */
  public RunningServices services() {
    return services;
  }

  public boolean clustered() {
    return cluster != null;
  }

  public ClusterSettings cluster() {
    return cluster;
  }

  /** This node's id in the cluster, or a fixed word when standalone. */
  public String nodeId() {
    HazelcastClusterManager manager = clusterManager();
    return manager == null ? "standalone" : manager.getNodeId();
  }

  /** The addresses of the cluster's members, this node first; empty when standalone. */
  public List<String> members() {
    HazelcastClusterManager manager = clusterManager();
    if (manager == null) {
      return List.of();
    }
    return manager.getHazelcastInstance().getCluster().getMembers().stream()
        .sorted((a, b) -> Boolean.compare(b.localMember(), a.localMember()))
        .map(m -> m.getAddress().getHost() + ":" + m.getAddress().getPort())
        .toList();
  }

  private HazelcastClusterManager clusterManager() {
    return ClusterAccess.manager(vertx) instanceof HazelcastClusterManager h ? h : null;
  }
}
