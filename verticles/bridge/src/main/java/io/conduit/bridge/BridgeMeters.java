package io.conduit.bridge;

import io.conduit.codec.ErrorCode;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Metrics;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.DoubleAdder;
import java.util.function.ToDoubleFunction;

/**
 * A bridge's counters in Micrometer (so at {@code /metrics}), read from its {@link BridgeStats}
 * when scraped, tagged with the bridge's request endpoint: messages received, replies sent and
 * dropped, errors by code, events published and dropped, connections, requests in flight and
 * external workers. The instances of a bridge (one per event loop) share an endpoint and so one
 * set of meters, which sums them all; it goes with the last instance.
 */
final class BridgeMeters implements AutoCloseable {

  /**
   * The instances serving one endpoint, and the meters that read them. Counters also read the
   * instances that stopped while others served on (a scaled-down bridge), so they never go back.
   */
  private static final class Endpoint {
    final List<BridgeStats> instances = new CopyOnWriteArrayList<>();
    /** Each counter's reading function and what stopped instances had counted on it. */
    final Map<ToDoubleFunction<BridgeStats>, DoubleAdder> stopped = new java.util.concurrent.ConcurrentHashMap<>();
    final List<Meter> meters = new ArrayList<>();
  }

  private static final MeterRegistry REGISTRY = Metrics.globalRegistry;
  private static final Map<String, Endpoint> ENDPOINTS = new HashMap<>();

  private final BridgeStats stats;
  private final String endpoint;

  private BridgeMeters(BridgeStats stats, String endpoint) {
    this.stats = stats;
    this.endpoint = endpoint;
  }

  /** Counts {@code stats} in the meters of {@code endpoint}, registering them with its first instance. */
  static BridgeMeters attach(BridgeStats stats, String endpoint) {
    synchronized (ENDPOINTS) {
      Endpoint e = ENDPOINTS.computeIfAbsent(endpoint, k -> register(new Endpoint(), k));
      e.instances.add(stats);
    }
    return new BridgeMeters(stats, endpoint);
  }

  private static Endpoint register(Endpoint e, String endpoint) {
    counter(e, "conduit.bridge.messages.received", "Messages received from clients and workers", endpoint,
        BridgeStats::messagesReceived);
    counter(e, "conduit.bridge.replies", "Replies sent to clients", endpoint, BridgeStats::repliesSent);
    counter(e, "conduit.bridge.replies.dropped", "Replies whose client had gone", endpoint, BridgeStats::repliesDropped);
    counter(e, "conduit.bridge.events.published", "Events sent to subscribers", endpoint, BridgeStats::eventsPublished);
    counter(e, "conduit.bridge.events.dropped", "Events a slow subscriber missed", endpoint, BridgeStats::eventsDropped);
    for (ErrorCode code : ErrorCode.values()) {
      e.meters.add(FunctionCounter.builder("conduit.bridge.errors", e, total(e, s -> s.errors(code)))
          .description("Error replies, by code").tag("endpoint", endpoint).tag("code", code.name()).register(REGISTRY));
    }
    gauge(e, "conduit.bridge.connections", "Client and worker connections open", endpoint, BridgeStats::connections);
    gauge(e, "conduit.bridge.requests.inflight", "Requests waiting for their reply", endpoint, BridgeStats::inFlight);
    gauge(e, "conduit.bridge.requests.inflight.bytes", "Bytes of the requests waiting for their reply", endpoint,
        BridgeStats::inFlightBytes);
    gauge(e, "conduit.bridge.workers", "External Majordomo workers registered", endpoint, BridgeStats::workers);
    return e;
  }

  /** A gauge's value: the serving instances'. */
  private static ToDoubleFunction<Endpoint> sum(ToDoubleFunction<BridgeStats> value) {
    return e -> sum(e.instances, value);
  }

  /** A counter's value: every instance's since the endpoint was first served. */
  private static ToDoubleFunction<Endpoint> total(Endpoint endpoint, ToDoubleFunction<BridgeStats> value) {
    DoubleAdder gone = new DoubleAdder();
    endpoint.stopped.put(value, gone);
    return e -> sum(e.instances, value) + gone.sum();
  }

  private static double sum(List<BridgeStats> instances, ToDoubleFunction<BridgeStats> value) {
    double total = 0;
    for (BridgeStats s : instances) {
      total += value.applyAsDouble(s);
    }
    return total;
  }

  private static void counter(Endpoint e, String name, String description, String endpoint,
                              ToDoubleFunction<BridgeStats> value) {
    e.meters.add(FunctionCounter.builder(name, e, total(e, value)).description(description).tag("endpoint", endpoint)
        .register(REGISTRY));
  }

  private static void gauge(Endpoint e, String name, String description, String endpoint,
                            ToDoubleFunction<BridgeStats> value) {
    e.meters.add(Gauge.builder(name, e, sum(value)).description(description).tag("endpoint", endpoint)
        .register(REGISTRY));
  }

  @Override
  public void close() {
    synchronized (ENDPOINTS) {
      Endpoint e = ENDPOINTS.get(endpoint);
      if (e != null && e.instances.remove(stats)) {
        if (e.instances.isEmpty()) {
          ENDPOINTS.remove(endpoint);
          e.meters.forEach(REGISTRY::remove);
        } else {
          // what it counted stays in the counters; the instance itself is let go
          e.stopped.forEach((value, gone) -> gone.add(value.applyAsDouble(stats)));
        }
      }
    }
  }
}
