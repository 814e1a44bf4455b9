package io.conduit.deploy;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Metrics;
import io.vertx.core.Vertx;

import java.lang.System.Logger.Level;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * Where a change of instance count becomes visible: one INFO log line with its reason, an event on
 * {@link ScaleEvent#ADDRESS}, the counter {@code conduit.scale.events} (tags service, direction,
 * node) and the gauge {@code conduit.service.instances} (tags service, node) in Micrometer's global
 * registry, which the web console's {@code /metrics} exposes.
 */
final class ScaleEvents {

  static final String COUNTER = "conduit.scale.events";
  static final String GAUGE = "conduit.service.instances";

  private static final System.Logger LOG = System.getLogger(ScaleEvents.class.getName());

  private final Vertx vertx;
  private final String node;
  private final MeterRegistry registry = Metrics.globalRegistry;
  private final Map<String, Gauge> gauges = new ConcurrentHashMap<>();

  ScaleEvents(Vertx vertx, String node) {
    this.vertx = vertx;
    this.node = node;
  }

  String node() {
    return node;
  }

  /** Logs, publishes and counts a change from {@code from} to {@code to} instances. */
  void changed(String service, int from, int to, String reason) {
    if (from == to) {
      return;
    }
    ScaleEvent event = new ScaleEvent(node, service, from, to, reason, java.time.Instant.now());
    LOG.log(Level.INFO, "service ''{0}'': {1} -> {2} instances ({3})", service, from, to, reason);
    Counter.builder(COUNTER).description("Changes of a service's instance count")
        .tag("service", service).tag("direction", event.direction()).tag("node", node)
        .register(registry).increment();
    vertx.eventBus().publish(ScaleEvent.ADDRESS, event.toJson());
  }

  /** Shows a service's instance count as a gauge for as long as it is registered here. */
  void watch(String service, Supplier<Number> instances) {
    gauges.computeIfAbsent(service, s -> Gauge.builder(GAUGE, instances).strongReference(true)
        .description("Instances of a service running on this node")
        .tag("service", s).tag("node", node).register(registry));
  }

  /** Removes the gauges, so a closed node does not report stale counts. */
  void close() {
    gauges.values().forEach(registry::remove);
    gauges.clear();
  }
}
