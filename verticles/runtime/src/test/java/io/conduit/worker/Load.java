package io.conduit.worker;

import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/** Keeps a number of requests in flight to an address until stopped or its deadline passes. */
final class Load {

  private final Vertx vertx;
  private final String address;
  private final long deadline;
  private final AtomicBoolean running = new AtomicBoolean(true);
  final AtomicLong answered = new AtomicLong();

  private Load(Vertx vertx, String address, long maxMs) {
    this.vertx = vertx;
    this.address = address;
    this.deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(maxMs);
  }

  /** Starts {@code concurrency} request loops that run at most {@code maxMs}. */
  static Load start(Vertx vertx, String address, int concurrency, long maxMs) {
    Load load = new Load(vertx, address, maxMs);
    vertx.runOnContext(v -> {
      for (int i = 0; i < concurrency; i++) {
        load.next();
      }
    });
    return load;
  }

  void stop() {
    running.set(false);
  }

  private void next() {
    if (!running.get() || System.nanoTime() > deadline) {
      return;
    }
    vertx.eventBus().request(address, "work", new DeliveryOptions().setSendTimeout(5_000)).onComplete(r -> {
      if (r.succeeded()) {
        answered.incrementAndGet();
      }
      next();
    });
  }
}
