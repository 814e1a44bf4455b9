package io.conduit.web;

import io.netty.channel.EventLoop;
import io.netty.util.concurrent.EventExecutor;
import io.vertx.core.Vertx;
import io.vertx.core.internal.ContextInternal;
import io.vertx.core.internal.VertxInternal;
import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;

/**
 * How busy the event loops are, measured the way a user feels it: a 100 ms timer on every event
 * loop notes how late it fires. A loop that is free fires on time; a loop busy with handlers fires
 * late by the time it spent on them. Reported per loop as the share of the last ~5 s the loop was
 * not free to run the timer ({@code busy}, 0..1) and the worst delay seen ({@code maxDelayMs}).
 */
final class EventLoopProbe {

  static final long PERIOD_MS = 100;
  private static final int WINDOW_TICKS = 50;

  private final List<Loop> loops = new ArrayList<>();

  private static final class Loop {
    final String name;
    final AtomicLong delayNanosSum = new AtomicLong();
    final AtomicLong maxDelayNanos = new AtomicLong();
    long expected;
    int ticks;
    volatile double busy;
    volatile double maxDelayMs;

    Loop(String name) {
      this.name = name;
    }

    void tick(long now) {
      long delay = Math.max(0, now - expected);
      delayNanosSum.addAndGet(delay);
      maxDelayNanos.accumulateAndGet(delay, Math::max);
      expected = now + PERIOD_MS * 1_000_000;
      if (++ticks == WINDOW_TICKS) {
        long sum = delayNanosSum.getAndSet(0);
        busy = Math.min(1.0, sum / (double) (sum + WINDOW_TICKS * PERIOD_MS * 1_000_000));
        maxDelayMs = maxDelayNanos.getAndSet(0) / 1e6;
        ticks = 0;
      }
    }
  }

  /** Starts one probe per event loop of {@code vertx}; they end when Vert.x closes. */
  void start(Vertx vertx) {
    VertxInternal internal = (VertxInternal) vertx;
    int count = 0;
    for (EventExecutor ignored : internal.eventLoopGroup()) {
      count++;
    }
    Set<EventLoop> covered = new HashSet<>();
    for (int attempt = 0; attempt < count * 4 && covered.size() < count; attempt++) {
      ContextInternal ctx = internal.createEventLoopContext();
      if (covered.add(ctx.nettyEventLoop())) {
        Loop loop = new Loop("loop-" + covered.size());
        loops.add(loop);
        ctx.runOnContext(v -> {
          loop.expected = System.nanoTime() + PERIOD_MS * 1_000_000;
          vertx.setPeriodic(PERIOD_MS, t -> loop.tick(System.nanoTime()));
        });
      }
    }
  }

  /** {@code {"loops": n, "busy": mean share, "maxDelayMs": worst, "perLoop": [...]}}. */
  JsonObject toJson() {
    double sum = 0;
    double worst = 0;
    var perLoop = new io.vertx.core.json.JsonArray();
    for (Loop l : loops) {
      sum += l.busy;
      worst = Math.max(worst, l.maxDelayMs);
      perLoop.add(new JsonObject().put("loop", l.name).put("busy", round(l.busy)).put("maxDelayMs", round(l.maxDelayMs)));
    }
    return new JsonObject().put("loops", loops.size()).put("busy", round(loops.isEmpty() ? 0 : sum / loops.size()))
        .put("maxDelayMs", round(worst)).put("perLoop", perLoop);
  }

  private static double round(double v) {
    return Math.round(v * 1000) / 1000.0;
  }
}
