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
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * How busy the event loops are, measured the way a user feels it: a 100 ms timer on every event
 * loop notes how late it fires. A loop that is free fires on time; a loop busy with handlers fires
 * late by the time it spent on them. Reported per loop as the share of the last ~5 s the loop was
 * not free to run the timer ({@code busy}, 0..1) and the worst delay seen ({@code maxDelayMs});
 * until a probe has run ~5 s, over the time it has run.
 *
 * <p>The probes run while someone looks: the first read ({@link #toJson}) starts them, and each
 * stops {@link #WATCH_MS} after the last read. Running all the time, they woke an idle node ten
 * times a second per loop, and on NIO each wake-up also spins for up to half a millisecond before
 * the timer is due (Netty rounds its select timeout to the nearest millisecond): about a third of
 * an idle node's CPU.
 */
final class EventLoopProbe {

  static final long PERIOD_MS = 100;
  /** How long the probes keep running after the last read. */
  static final long WATCH_MS = 60_000;
  private static final int WINDOW_TICKS = 50;

  private final List<Loop> loops = new ArrayList<>();
  private final long watchNanos;
  private Vertx vertx;
  /** When the figures were last read ({@link System#nanoTime}). */
  private volatile long lastRead;

  EventLoopProbe() {
    this(WATCH_MS);
  }

  /** @param watchMs how long the probes keep running after the last read */
  EventLoopProbe(long watchMs) {
    this.watchNanos = watchMs * 1_000_000;
  }

  private final class Loop {
    final String name;
    final ContextInternal context;
    /** Whether this loop's timer runs; set by a reader, cleared on the loop once nobody reads. */
    final AtomicBoolean probing = new AtomicBoolean();
    final AtomicLong delayNanosSum = new AtomicLong();
    final AtomicLong maxDelayNanos = new AtomicLong();
    long expected;
    int ticks;
    boolean windowDone;
    volatile double busy;
    volatile double maxDelayMs;

    Loop(String name, ContextInternal context) {
      this.name = name;
      this.context = context;
    }

    /** Starts the timer, on the loop, unless it runs; figures start afresh. */
    void probe() {
      if (!probing.compareAndSet(false, true)) {
        return;
      }
      busy = 0; // not measured yet: an earlier look's figures are stale
      maxDelayMs = 0;
      context.runOnContext(v -> {
        delayNanosSum.set(0);
        maxDelayNanos.set(0);
        ticks = 0;
        windowDone = false;
        expected = System.nanoTime() + PERIOD_MS * 1_000_000;
        vertx.setPeriodic(PERIOD_MS, t -> {
          long now = System.nanoTime();
          if (now - lastRead > watchNanos) {
            vertx.cancelTimer(t);
            probing.set(false);
            if (System.nanoTime() - lastRead <= watchNanos) {
              probe(); // read meanwhile, while this timer still looked like it ran
            }
            return;
          }
          tick(now);
        });
      });
    }

    void tick(long now) {
      long delay = Math.max(0, now - expected);
      long sum = delayNanosSum.addAndGet(delay);
      long max = maxDelayNanos.accumulateAndGet(delay, Math::max);
      expected = now + PERIOD_MS * 1_000_000;
      if (++ticks == WINDOW_TICKS) {
        delayNanosSum.set(0);
        maxDelayNanos.set(0);
        ticks = 0;
        windowDone = true;
      } else if (windowDone) {
        return; // the last full window's figures stand until this one is full
      }
      busy = Math.min(1.0, sum / (double) (sum + (windowDone ? WINDOW_TICKS : ticks) * PERIOD_MS * 1_000_000));
      maxDelayMs = max / 1e6;
    }
  }

  /** Finds every event loop of {@code vertx}; the probes start with the first read. */
  void start(Vertx vertx) {
    this.vertx = vertx;
    VertxInternal internal = (VertxInternal) vertx;
    int count = 0;
    for (EventExecutor ignored : internal.eventLoopGroup()) {
      count++;
    }
    Set<EventLoop> covered = new HashSet<>();
    for (int attempt = 0; attempt < count * 4 && covered.size() < count; attempt++) {
      ContextInternal ctx = internal.createEventLoopContext();
      if (covered.add(ctx.nettyEventLoop())) {
        loops.add(new Loop("loop-" + covered.size(), ctx));
      }
    }
  }

  /** How many loops' probes run now. */
  int probing() {
    int n = 0;
    for (Loop l : loops) {
      n += l.probing.get() ? 1 : 0;
    }
    return n;
  }

  /** {@code {"loops": n, "busy": mean share, "maxDelayMs": worst, "perLoop": [...]}}. */
  JsonObject toJson() {
    lastRead = System.nanoTime();
    for (Loop l : loops) {
      l.probe();
    }
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
