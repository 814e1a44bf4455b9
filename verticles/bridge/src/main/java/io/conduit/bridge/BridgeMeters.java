package io.conduit.bridge;

import io.conduit.codec.ErrorCode;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Metrics;

import java.util.ArrayList;
import java.util.List;

/**
 * A bridge's counters in Micrometer (so at {@code /metrics}), read from its {@link BridgeStats}
 * when scraped, tagged with the bridge's request endpoint: messages received, replies sent and
 * dropped, errors by code, events published and dropped, connections, requests in flight and
 * external workers. Removed when the bridge stops.
 */
final class BridgeMeters implements AutoCloseable {

  private final MeterRegistry registry = Metrics.globalRegistry;
  private final List<Meter> meters = new ArrayList<>();

  BridgeMeters(BridgeStats stats, String endpoint) {
    counter("conduit.bridge.messages.received", "Messages received from clients and workers", endpoint, stats,
        BridgeStats::messagesReceived);
    counter("conduit.bridge.replies", "Replies sent to clients", endpoint, stats, BridgeStats::repliesSent);
    counter("conduit.bridge.replies.dropped", "Replies whose client had gone", endpoint, stats,
        BridgeStats::repliesDropped);
    counter("conduit.bridge.events.published", "Events sent to subscribers", endpoint, stats,
        BridgeStats::eventsPublished);
    counter("conduit.bridge.events.dropped", "Events a slow subscriber missed", endpoint, stats,
        BridgeStats::eventsDropped);
    for (ErrorCode code : ErrorCode.values()) {
      meters.add(FunctionCounter.builder("conduit.bridge.errors", stats, s -> s.errors(code))
          .description("Error replies, by code").tag("endpoint", endpoint).tag("code", code.name()).register(registry));
    }
    gauge("conduit.bridge.connections", "Client and worker connections open", endpoint, stats, BridgeStats::connections);
    gauge("conduit.bridge.requests.inflight", "Requests waiting for their reply", endpoint, stats,
        BridgeStats::inFlight);
    gauge("conduit.bridge.workers", "External Majordomo workers registered", endpoint, stats, BridgeStats::workers);
  }

  private void counter(String name, String description, String endpoint, BridgeStats stats,
                       java.util.function.ToDoubleFunction<BridgeStats> value) {
    meters.add(FunctionCounter.builder(name, stats, value).description(description).tag("endpoint", endpoint)
        .register(registry));
  }

  private void gauge(String name, String description, String endpoint, BridgeStats stats,
                     java.util.function.ToDoubleFunction<BridgeStats> value) {
    meters.add(Gauge.builder(name, stats, value).description(description).tag("endpoint", endpoint).register(registry));
  }

  @Override
  public void close() {
    meters.forEach(registry::remove);
  }
}
