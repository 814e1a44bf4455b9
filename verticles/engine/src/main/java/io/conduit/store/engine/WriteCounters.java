package io.conduit.store.engine;

import java.util.concurrent.atomic.LongAdder;

/** The counters behind {@link EngineStats}, shared by both backends. */
final class WriteCounters {

  private final LongAdder batches = new LongAdder();
  private final LongAdder changes = new LongAdder();
  private final LongAdder bytes = new LongAdder();
  private final LongAdder syncs = new LongAdder();
  private final LongAdder failed = new LongAdder();
  private final LongAdder pending = new LongAdder();

  void submitted() {
    pending.increment();
  }

  void acknowledged(WriteBatch batch) {
    pending.decrement();
    batches.increment();
    changes.add(batch.size());
    bytes.add(batch.byteSize());
  }

  void failed() {
    pending.decrement();
    failed.increment();
  }

  void synced() {
    syncs.increment();
  }

  EngineStats snapshot(long openMillis) {
    return new EngineStats(batches.sum(), changes.sum(), bytes.sum(), syncs.sum(), failed.sum(), pending.sum(),
        openMillis);
  }
}
