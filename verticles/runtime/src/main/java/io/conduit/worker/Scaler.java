package io.conduit.worker;

import io.conduit.deploy.RunningServices;
import io.conduit.deploy.ServiceInfo;
import io.conduit.deploy.ServiceSpec;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;

import java.lang.System.Logger.Level;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Keeps this node's services at the right number of instances. On every tick it replaces instances
 * that ended without being undeployed ({@link RunningServices#replaceLost()}), and for each running
 * service with an instance range it measures the load ({@link LoadMeter}: requests in flight per
 * instance, queueing delay) and adds or removes one instance when the service's
 * {@link io.conduit.deploy.Scaling} says so ({@link Hysteresis}). Stopped services are left alone;
 * a count set by hand is where the scaler carries on from.
 */
public final class Scaler {

  /** How often the scaler measures and decides, unless told otherwise. */
  public static final long DEFAULT_TICK_MS = 100;
  /**
   * How often it looks for crashed instances while no service of the node has a range, so nothing
   * is measured: an idle node is not woken ten times a second for nothing (on NIO each wake-up
   * also spins for up to half a millisecond before the timer is due).
   */
  public static final long QUIET_TICK_MS = 1_000;

  private static final System.Logger LOG = System.getLogger(Scaler.class.getName());

  private final RunningServices services;
  private final Vertx vertx;
  private final long tickMs;
  private final LoadMeter meter;
  private final Map<String, Hysteresis> decisions = new ConcurrentHashMap<>();
  private final Set<String> busy = ConcurrentHashMap.newKeySet();
  private String deploymentId;
  private boolean replacing;
  /** Ticks so far (for tests: how often an idle node is woken). */
  private final AtomicLong ticks = new AtomicLong();

  public Scaler(RunningServices services) {
    this(services, DEFAULT_TICK_MS);
  }

  /** A scaler that measures every {@code tickMs} milliseconds (10..10000). */
  public Scaler(RunningServices services, long tickMs) {
    if (tickMs < 10 || tickMs > 10_000) {
      throw new IllegalArgumentException("tickMs: must be 10..10000, got " + tickMs);
    }
    this.services = services;
    this.vertx = services.vertx();
    this.tickMs = tickMs;
    this.meter = new LoadMeter(vertx);
  }

  /**
   * Starts measuring and deciding, in a deployment of its own (so its timer does not end with
   * whichever service's context this happens to be called on).
   */
  public synchronized Future<Scaler> start() {
    if (deploymentId != null) {
      return Future.succeededFuture(this);
    }
    return vertx.deployVerticle(new VerticleBase() {
      @Override
      public Future<?> start() {
        meter.attach();
        vertx.setTimer(tickMs, id -> tickAndGoOn());
        return Future.succeededFuture();
      }

      @Override
      public Future<?> stop() {
        meter.detach();
        return Future.succeededFuture();
      }
    }).map(id -> {
      synchronized (this) {
        deploymentId = id;
      }
      return this;
    });
  }

  /** Stops; instance counts stay where they are. */
  public synchronized Future<Void> stop() {
    String id = deploymentId;
    deploymentId = null;
    return id == null ? Future.succeededFuture() : vertx.undeploy(id);
  }

  /** Ticks, then sets the next tick: {@code tickMs} on while a service is measured, else {@link #QUIET_TICK_MS}. */
  private void tickAndGoOn() {
    boolean measuring = true;
    try {
      measuring = tick();
    } finally {
      // on the scaler's own context: its undeployment cancels this timer
      vertx.setTimer(measuring ? tickMs : Math.max(tickMs, QUIET_TICK_MS), id -> tickAndGoOn());
    }
  }

  /** How many times it has ticked. */
  long ticks() {
    return ticks.get();
  }

  /** One tick; whether a service was measured (a running service with an instance range). */
  private boolean tick() {
    ticks.incrementAndGet();
    replaceLost();
    meter.forgetStale();
    Set<String> measured = new HashSet<>();
    long now = TimeUnit.NANOSECONDS.toMillis(System.nanoTime());
    for (ServiceSpec spec : services.specs()) {
      // most services have no range: decided from the spec, without building their info every tick
      ServiceInfo info = spec.instances().scalable() ? services.info(spec.name()).orElse(null) : null;
      if (info == null || !info.running() || !info.scalable()) {
        decisions.remove(spec.name());
        continue;
      }
      measured.add(spec.name());
      meter.track(spec.name(), info.address(), services.deploymentIds(spec.name()));
      LoadMeter.Load load = meter.sample(spec.name());
      Hysteresis decision = decisions.computeIfAbsent(spec.name(), n -> new Hysteresis(tickMs));
      if (busy.contains(spec.name())) {
        continue;
      }
      Hysteresis.Step step = decision.observe(now, info.now(), info.min(), info.max(), load.inFlight(),
          load.queueDelayMs(), spec.scaling());
      if (step.delta() != 0) {
        resize(spec.name(), info.now() + step.delta(), step.reason(), decision);
      }
    }
    meter.retain(measured);
    return !measured.isEmpty();
  }

  private void resize(String name, int instances, String reason, Hysteresis decision) {
    busy.add(name);
    services.scale(name, instances, reason).onComplete(done -> {
      if (done.failed()) {
        // A stop or a scale by hand may have come first; the next tick decides again from the new count.
        LOG.log(Level.DEBUG, "service ''{0}'': scaling to {1} did not happen: {2}", name, instances,
            done.cause().getMessage());
      }
      decision.restart(TimeUnit.NANOSECONDS.toMillis(System.nanoTime()));
      busy.remove(name);
    });
  }

  private void replaceLost() {
    synchronized (this) {
      if (replacing) {
        return;
      }
      replacing = true;
    }
    Future<Void> done = services.replaceLost();
    done.onComplete(ignored -> {
      synchronized (this) {
        replacing = false;
      }
    });
  }
}
