package io.conduit.worker;

import io.conduit.pipeline.PipelineJob;
import io.vertx.core.Context;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryContext;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.Message;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Measures the load of services without touching their code, through a pair of event-bus
 * interceptors. A request counts as in flight for a service from the moment it is sent to the
 * service's address on this node (so requests still queued for a busy instance count too), or, for
 * a request from another node, from its delivery to one of the service's instances; it stops
 * counting when its reply (or failure) is sent or arrives. A pipeline job, which a stage receives
 * without a reply address and passes on instead of answering ({@link PipelineJob}), counts for the
 * stage's service in the same way, keyed by the job's id, until the job leaves the stage (to the
 * next stage, or its outcome to the entry); in a cluster a job counts from its delivery to an
 * instance here instead, since one sent to a stage may go to another node's instance and leave the
 * stage there, where this node would never see it go. Queueing delay is measured by a probe
 * that each instance's context runs when its turn comes: how long a new request would wait for
 * that instance's event loop or worker thread.
 */
final class LoadMeter {

  /** A request whose reply never comes (the requester timed out) stops counting after this long. */
  static final long FORGET_AFTER_NANOS = TimeUnit.SECONDS.toNanos(60);

  private final EventBus bus;
  /** Whether a message sent here may be delivered on another node (see the class comment). */
  private final boolean clustered;
  private final Map<String, ServiceLoad> services = new ConcurrentHashMap<>();
  private final Map<String, ServiceLoad> byAddress = new ConcurrentHashMap<>();
  private final Map<String, Instance> instances = new ConcurrentHashMap<>();
  private final Map<String, Pending> pending = new ConcurrentHashMap<>();
  /** Pipeline jobs at a stage, by job id. */
  private final Map<String, Pending> hops = new ConcurrentHashMap<>();
  private final Handler<DeliveryContext<Object>> inbound = this::delivered;
  private final Handler<DeliveryContext<Object>> outbound = this::sent;
  private boolean attached; // guarded by this
  private boolean listening; // guarded by this

  LoadMeter(Vertx vertx) {
    this.bus = vertx.eventBus();
    this.clustered = vertx.isClustered();
  }

  /** Measures from now on: the interceptors are in place whenever a service is tracked. */
  synchronized void attach() {
    attached = true;
    listenWhileMeasuring();
  }

  synchronized void detach() {
    attached = false;
    listenWhileMeasuring();
  }

  /**
   * Keeps the interceptors on the event bus only while there is something to measure: every
   * interceptor costs every message a dispatch on its context, and most nodes scale nothing.
   */
  private synchronized void listenWhileMeasuring() {
    boolean wanted = attached && !idle();
    if (wanted && !listening) {
      bus.addInboundInterceptor(inbound);
      bus.addOutboundInterceptor(outbound);
    } else if (!wanted && listening) {
      bus.removeInboundInterceptor(inbound);
      bus.removeOutboundInterceptor(outbound);
    }
    listening = wanted;
  }

  /** Whether the interceptors are on the event bus now. */
  synchronized boolean listening() {
    return listening;
  }

  /**
   * Measures a service: requests to {@code address} (null when it has none) and to its instances,
   * the deployments given.
   */
  void track(String service, String address, Collection<String> deploymentIds) {
    ServiceLoad load = services.computeIfAbsent(service, ServiceLoad::new);
    if (address != null && byAddress.get(address) != load) {
      byAddress.put(address, load);
    }
    instances.values().removeIf(i -> i.service == load && !deploymentIds.contains(i.deploymentId));
    for (String id : deploymentIds) {
      instances.computeIfAbsent(id, ignored -> new Instance(id, load));
    }
    listenWhileMeasuring();
  }

  /** Stops measuring every service not named. */
  void retain(Set<String> names) {
    services.keySet().retainAll(names);
    byAddress.values().removeIf(s -> !names.contains(s.name));
    instances.values().removeIf(i -> !names.contains(i.service.name));
    listenWhileMeasuring();
  }

  /**
   * The load of a service now: its requests in flight, and the longest time a probe waited (or is
   * waiting) for one of its instances. Starts the next probes.
   */
  Load sample(String service) {
    ServiceLoad load = services.get(service);
    if (load == null) {
      return new Load(0, 0);
    }
    long now = System.nanoTime();
    long delay = 0;
    for (Instance instance : instances.values()) {
      if (instance.service == load) {
        delay = Math.max(delay, instance.queueDelay(now));
        instance.probe(now);
      }
    }
    return new Load(Math.max(0, load.inFlight.get()), TimeUnit.NANOSECONDS.toMillis(delay));
  }

  /** Forgets requests that were never answered, so a lost reply does not keep a service busy forever. */
  void forgetStale() {
    long now = System.nanoTime();
    for (Map<String, Pending> table : List.of(pending, hops)) {
      table.entrySet().removeIf(e -> {
        if (now - e.getValue().since() > FORGET_AFTER_NANOS) {
          e.getValue().service().inFlight.decrementAndGet();
          return true;
        }
        return false;
      });
    }
    listenWhileMeasuring();
  }

  /** True while no service is measured and nothing is counted: every message passes untouched. */
  private boolean idle() {
    return byAddress.isEmpty() && instances.isEmpty() && pending.isEmpty() && hops.isEmpty();
  }

  private void sent(DeliveryContext<Object> delivery) {
    if (idle()) {
      delivery.next();
      return;
    }
    try {
      Message<Object> message = delivery.message();
      answered(message.address());
      String replyAddress = message.replyAddress();
      if (delivery.send() && replyAddress != null) {
        ServiceLoad service = byAddress.get(message.address());
        if (service != null) {
          start(replyAddress, service);
        }
      } else if (delivery.send()) {
        String job = PipelineJob.id(message);
        if (job != null) {
          // the job leaves the stage it was at (to the next stage, or its outcome to the entry)
          end(hops.remove(job));
          ServiceLoad service = clustered ? null : byAddress.get(message.address());
          if (service != null && PipelineJob.idAtStage(message) != null) {
            service.inFlight.incrementAndGet();
            hops.put(job, new Pending(service, System.nanoTime()));
          }
        }
      }
    } finally {
      delivery.next();
    }
  }

  private void delivered(DeliveryContext<Object> delivery) {
    if (idle()) {
      delivery.next();
      return;
    }
    try {
      Message<Object> message = delivery.message();
      answered(message.address());
      String replyAddress = message.replyAddress();
      if (delivery.send()) {
        // Interceptors run on the consumer's context, so the context names the deployment.
        Context context = Vertx.currentContext();
        Instance instance = context == null || context.deploymentID() == null ? null
            : instances.get(context.deploymentID());
        if (instance != null) {
          instance.context = context;
        }
        if (replyAddress == null) {
          arrived(message);
        } else if (instance != null && !pending.containsKey(replyAddress)) {
          start(replyAddress, instance.service);
        }
      }
    } finally {
      delivery.next();
    }
  }

  /** A pipeline job delivered to a stage here, unless it was counted when it was sent here. */
  private void arrived(Message<Object> message) {
    String job = PipelineJob.idAtStage(message);
    ServiceLoad service = job == null ? null : byAddress.get(message.address());
    if (service == null) {
      return;
    }
    Pending counted = hops.get(job);
    if (counted == null || counted.service() != service) {
      end(hops.remove(job));
      service.inFlight.incrementAndGet();
      hops.put(job, new Pending(service, System.nanoTime()));
    }
  }

  private static void end(Pending hop) {
    if (hop != null) {
      hop.service().inFlight.decrementAndGet();
    }
  }

  private void start(String replyAddress, ServiceLoad service) {
    service.inFlight.incrementAndGet();
    pending.put(replyAddress, new Pending(service, System.nanoTime()));
  }

  /** A message to a reply address ends the request it answers (sent here, or arriving from another node). */
  private void answered(String address) {
    if (!pending.isEmpty()) {
      Pending done = pending.remove(address);
      if (done != null) {
        done.service().inFlight.decrementAndGet();
      }
    }
  }

  /** The load of a service at one moment. */
  record Load(int inFlight, long queueDelayMs) {
  }

  private record Pending(ServiceLoad service, long since) {
  }

  private static final class ServiceLoad {
    final String name;
    final AtomicInteger inFlight = new AtomicInteger();

    ServiceLoad(String name) {
      this.name = name;
    }
  }

  private static final class Instance {
    final String deploymentId;
    final ServiceLoad service;
    volatile Context context;
    private volatile long probeSent;
    private volatile long lastDelay;

    Instance(String deploymentId, ServiceLoad service) {
      this.deploymentId = deploymentId;
      this.service = service;
    }

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
