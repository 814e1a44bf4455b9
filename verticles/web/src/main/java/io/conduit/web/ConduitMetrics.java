package io.conduit.web;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Metrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.VertxOptions;
import io.vertx.micrometer.MetricsDomain;
import io.vertx.micrometer.MicrometerMetricsOptions;
import io.vertx.micrometer.VertxPrometheusOptions;
import io.vertx.micrometer.backends.BackendRegistries;

/**
 * Conduit's metrics set-up: Vert.x's own meters (event bus, HTTP, pools, JVM) go to a Prometheus
 * registry through vertx-micrometer-metrics, and that registry joins Micrometer's
 * {@link Metrics#globalRegistry}, where every Conduit meter is registered. One scrape at
 * {@code /metrics} therefore shows both.
 */
public final class ConduitMetrics {

  /** The name of the Vert.x metrics backend registry Conduit nodes use. */
  public static final String REGISTRY_NAME = "conduit";

  private static PrometheusMeterRegistry fallback;

  private ConduitMetrics() {
  }

  /**
   * Turns on Vert.x metrics with the Prometheus backend and JVM meters in {@code options}, without
   * Vert.x's per-message meters; call it before Vert.x is built ({@code conduit serve} and the
   * stock launcher both do).
   */
  public static VertxOptions enable(VertxOptions options) {
    return enable(options, false);
  }

  /**
   * Like {@link #enable(VertxOptions)}; {@code perMessage} also records Vert.x's event-bus meters
   * (per address) and TCP server/client meters. Those are looked up and updated for every message
   * and every read: under load they took up to a third of a node's CPU, and Conduit's own service
   * and bridge meters already count the same requests, so they are off unless asked for.
   */
  public static VertxOptions enable(VertxOptions options, boolean perMessage) {
    MicrometerMetricsOptions metrics = new MicrometerMetricsOptions()
        .setEnabled(true)
        .setRegistryName(REGISTRY_NAME)
        .setJvmMetricsEnabled(true)
        .setPrometheusOptions(new VertxPrometheusOptions().setEnabled(true));
    if (!perMessage) {
      metrics.addDisabledMetricsCategory(MetricsDomain.EVENT_BUS)
          .addDisabledMetricsCategory(MetricsDomain.NET_SERVER)
          .addDisabledMetricsCategory(MetricsDomain.NET_CLIENT);
    }
    return options.setMetricsOptions(metrics);
  }

  /**
   * The Prometheus registry to scrape, already part of the global registry: Vert.x's when metrics
   * were enabled with {@link #enable}, otherwise one of Conduit's own (then only Conduit's meters
   * and no Vert.x ones appear, and the console says so through {@link #vertxMetricsEnabled()}).
   */
  public static synchronized PrometheusMeterRegistry registry() {
    PrometheusMeterRegistry registry;
    if (BackendRegistries.getNow(REGISTRY_NAME) instanceof PrometheusMeterRegistry vertxs) {
      registry = vertxs;
    } else {
      if (fallback == null) {
        fallback = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
      }
      registry = fallback;
    }
    if (!Metrics.globalRegistry.getRegistries().contains(registry)) {
      Metrics.globalRegistry.add(registry);
    }
    return registry;
  }

  /** True when Vert.x publishes its meters to the scraped registry. */
  public static boolean vertxMetricsEnabled() {
    MeterRegistry r = BackendRegistries.getNow(REGISTRY_NAME);
    return r instanceof PrometheusMeterRegistry;
  }
}
