package io.conduit.deploy;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Metrics;
import io.vertx.core.Vertx;

import java.lang.System.Logger.Level;
import java.util.List;
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
  /** What each gauge reads, by service and node: the newest registry for a name wins (tests start many). */
  private static final Map<List<String>, Supplier<Number>> COUNTS = new ConcurrentHashMap<>();

  private final Map<List<String>, Supplier<Number>> own = new ConcurrentHashMap<>();

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

  /** Shows a service's instance count as a gauge; after {@link #close()} it reads 0. */
  void watch(String service, Supplier<Number> instances) {
    List<String> key = List.of(service, node);
    own.put(key, instances);
    COUNTS.put(key, instances);
    if (registry.find(GAUGE).tag("service", service).tag("node", node).gauge() == null) {
      Gauge.builder(GAUGE, () -> COUNTS.getOrDefault(key, () -> 0).get()).strongReference(true)
          .description("Instances of a service running on this node")
          .tag("service", service).tag("node", node).register(registry);
    }
  }

  /** The services are gone: their gauges read 0 (unless a newer registry runs them). */
  void close() {
    own.forEach(COUNTS::remove);
    own.clear();
  }
}
