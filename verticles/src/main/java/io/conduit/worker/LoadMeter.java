package io.conduit.worker;

import io.vertx.core.Context;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryContext;
import io.vertx.core.eventbus.EventBus;

import java.util.Collection;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Measures the load of service instances without touching their code, through a pair of event-bus
 * interceptors: a request delivered to a consumer running in an instance's deployment counts as in
 * flight until a reply (or failure) goes out to its reply address. Queueing delay is measured by a
 * probe that each instance's context runs when its turn comes: the time a new request would wait
 * for its event loop or worker thread.
 */
final class LoadMeter {

  /** A request whose reply never comes (the requester timed out) stops counting after this long. */
  static final long FORGET_AFTER_NANOS = TimeUnit.SECONDS.toNanos(60);

  private final EventBus bus;
  private final Map<String, Instance> instances = new ConcurrentHashMap<>();
  private final Map<String, Pending> pending = new ConcurrentHashMap<>();
  private final Handler<DeliveryContext<Object>> inbound = this::delivered;
  private final Handler<DeliveryContext<Object>> outbound = this::sent;

  LoadMeter(Vertx vertx) {
    this.bus = vertx.eventBus();
  }

  void attach() {
    bus.addInboundInterceptor(inbound);
    bus.addOutboundInterceptor(outbound);
  }

  void detach() {
    bus.removeInboundInterceptor(inbound);
    bus.removeOutboundInterceptor(outbound);
  }

  /** Measures exactly these deployments from now on; the others are forgotten. */
  void track(Set<String> deploymentIds) {
    instances.keySet().retainAll(deploymentIds);
    for (String id : deploymentIds) {
      instances.computeIfAbsent(id, ignored -> new Instance());
    }
  }

  /**
   * The load of a service's instances now: requests in flight in all of them, and the longest time
   * a probe waited (or is waiting) for one of their contexts. Starts the next probes.
   */
  Load sample(Collection<String> deploymentIds) {
    long now = System.nanoTime();
    int inFlight = 0;
    long delay = 0;
    for (String id : deploymentIds) {
      Instance instance = instances.get(id);
      if (instance != null) {
        inFlight += Math.max(0, instance.inFlight.get());
        delay = Math.max(delay, instance.queueDelay(now));
        instance.probe(now);
      }
    }
    return new Load(inFlight, TimeUnit.NANOSECONDS.toMillis(delay));
  }

  /** Forgets requests that were never answered, so a lost reply does not keep an instance busy forever. */
  void forgetStale() {
    long now = System.nanoTime();
    pending.entrySet().removeIf(e -> {
      if (now - e.getValue().since() > FORGET_AFTER_NANOS) {
        e.getValue().instance().inFlight.decrementAndGet();
        return true;
      }
      return false;
    });
  }

  private void delivered(DeliveryContext<Object> delivery) {
    try {
      String replyAddress = delivery.message().replyAddress();
      if (delivery.send() && replyAddress != null) {
        // Interceptors run on the consumer's context, so the context names the deployment.
        Context context = Vertx.currentContext();
        String deployment = context == null ? null : context.deploymentID();
        Instance instance = deployment == null ? null : instances.get(deployment);
        if (instance != null) {
          instance.context = context;
          instance.inFlight.incrementAndGet();
          pending.put(replyAddress, new Pending(instance, System.nanoTime()));
        }
      }
    } finally {
      delivery.next();
    }
  }

  private void sent(DeliveryContext<Object> delivery) {
    try {
      if (!pending.isEmpty()) {
        Pending answered = pending.remove(delivery.message().address());
        if (answered != null) {
          answered.instance().inFlight.decrementAndGet();
        }
      }
    } finally {
      delivery.next();
    }
  }

  /** The load of a service at one moment. */
  record Load(int inFlight, long queueDelayMs) {
  }

  private record Pending(Instance instance, long since) {
  }

  private static final class Instance {
    final AtomicInteger inFlight = new AtomicInteger();
    volatile Context context;
    private volatile long probeSent;
    private volatile long lastDelay;

    /** The last probe's wait, or the current probe's if it has waited longer. */
    long queueDelay(long now) {
      long sent = probeSent;
      return sent == 0 ? lastDelay : Math.max(lastDelay, now - sent);
    }

    void probe(long now) {
      Context target = context;
      if (target == null || probeSent != 0) {
        return;
      }
      probeSent = now;
      target.runOnContext(ignored -> {
        lastDelay = System.nanoTime() - probeSent;
        probeSent = 0;
      });
    }
  }
}
