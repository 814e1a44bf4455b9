package io.conduit.cli.launch;

import io.conduit.cluster.ClusterFactory;
import io.conduit.cluster.ClusterSettings;
import io.conduit.node.Receipts;
import io.conduit.web.ConduitMetrics;
import io.vertx.core.Vertx;
import io.vertx.core.VertxBuilder;
import io.vertx.core.VertxOptions;
import io.vertx.launcher.application.HookContext;
import io.vertx.launcher.application.VertxApplicationHooks;

/**
 * Makes the stock Vert.x application launcher cluster through Conduit's cluster factory, so
 * {@code java -jar conduit.jar <verticle> -cluster} joins exactly like {@code conduit serve --cluster}.
 * Cluster settings come from {@code -Dconduit.cluster.*} properties. Vert.x metrics go to the
 * Prometheus registry the web console scrapes at {@code /metrics}, as with {@code conduit serve};
 * and, as every node of a cluster must, the node tells bridges when its consumers take their sends.
 */
public final class ConduitLauncherHooks implements VertxApplicationHooks {

  @Override
  public VertxBuilder createVertxBuilder(VertxOptions options) {
    ClusterSettings settings = ClusterSettings.fromSystemProperties();
    return Vertx.builder()
        .with(ClusterFactory.vertxOptions(ConduitMetrics.enable(options), settings))
        .withClusterManager(ClusterFactory.clusterManager(settings));
  }

  @Override
  public void afterVertxStarted(HookContext context) {
    Receipts.answerOn(context.vertx());
  }
}
