package io.conduit.store.engine;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Metrics;

import java.util.ArrayList;
import java.util.List;
import java.util.function.ToDoubleFunction;

/**
 * A store's engine counters in Micrometer (so at {@code /metrics}), read from
 * {@link KeyValueEngine#stats()} when scraped and tagged with the store's address: write batches,
 * changes, bytes written, fsyncs (batches / syncs is the group-commit gain), failed and pending
 * batches. Bound while the store has its engine open.
 */
public final class EngineMeters implements AutoCloseable {

  private final MeterRegistry registry = Metrics.globalRegistry;
  private final List<Meter> meters = new ArrayList<>();

  public EngineMeters(String store, KeyValueEngine engine) {
    counter("conduit.engine.batches", "Write batches acknowledged", store, engine, s -> s.batches());
    counter("conduit.engine.changes", "Puts and deletes written", store, engine, s -> s.changes());
    counter("conduit.engine.written.bytes", "Key and value bytes written", store, engine, s -> s.bytesWritten());
    counter("conduit.engine.syncs", "Fsyncs of the write-ahead log", store, engine, s -> s.syncs());
    counter("conduit.engine.batches.failed", "Write batches that failed", store, engine, s -> s.failedBatches());
    meters.add(Gauge.builder("conduit.engine.batches.pending", engine, e -> e.stats().pendingBatches())
        .description("Write batches submitted and not yet acknowledged").tag("store", store).register(registry));
  }

  private void counter(String name, String description, String store, KeyValueEngine engine,
                       ToDoubleFunction<EngineStats> value) {
    meters.add(FunctionCounter.builder(name, engine, e -> value.applyAsDouble(e.stats())).description(description)
        .tag("store", store).register(registry));
  }

  @Override
  public void close() {
    meters.forEach(registry::remove);
  }
}
