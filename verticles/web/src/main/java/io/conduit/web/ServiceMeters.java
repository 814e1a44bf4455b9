package io.conduit.web;

import io.conduit.codec.ErrorCode;
import io.conduit.codec.EventBusFailure;
import io.conduit.pipeline.PipelineJob;
import io.conduit.store.owner.LocalOwners;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.FunctionTimer;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Metrics;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryContext;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.JsonObject;

import java.util.EnumMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

/**
 * Per-address request meters for every service on this node, whatever it is built on: an inbound
 * event-bus interceptor starts a clock when a request (a message with a reply address) is
 * delivered to a consumer here, and an outbound interceptor stops it when the reply to that reply
 * address leaves; a {@code fail(status, text)} reply counts as an error with its code. A pipeline
 * job at a stage ({@link PipelineJob}: delivered without a reply address, passed on instead of
 * answered) counts the same way, from its delivery to the stage until the job leaves it, and as an
 * error when the stage ends it with a failure. A request the bridge hands straight to a store on
 * its own event loop passes no interceptor: {@link LocalOwners} tells the meters of it instead. Meters go to
 * Micrometer's global registry ({@code conduit.service.requests} timer and
 * {@code conduit.service.errors} counter, tagged {@code address}, {@code node}); the console's
 * rate and p50/p99 come from a {@link LatencyWindow} per address. Micrometer reads the counts and
 * the total time when it is scraped (function meters over this class's adders): a request costs
 * a few adder increments here, not a Micrometer timer's recording on every request.
 */
final class ServiceMeters implements LocalOwners.Observer {

  /** Requests unanswered this long are dropped from the pending table (the requester timed out). */
  static final long ABANDON_NANOS = TimeUnit.SECONDS.toNanos(120);
  /** A bound on the pending table, so a flood of never-answered requests cannot grow it without limit. */
  static final int MAX_PENDING = 100_000;

  private final String node;
  private final MeterRegistry registry = Metrics.globalRegistry;
  private final Map<String, AddressMeters> byAddress = new ConcurrentHashMap<>();
  private final Map<String, Pending> pending = new ConcurrentHashMap<>();
  /** Pipeline jobs at a stage on this node, by job id. */
  private final Map<String, Pending> hops = new ConcurrentHashMap<>();
  private final LongAdder abandoned = new LongAdder();

  private record Pending(AddressMeters meters, long startNanos) {
    /** The request (or a job's stay at a stage) ended now, failed with {@code failure} or (null) not. */
    void ended(ErrorCode failure) {
      long now = System.nanoTime();
      meters.record(now, now - startNanos, failure);
    }
  }

  ServiceMeters(String node) {
    this.node = node;
  }

  void install(Vertx vertx) {
    EventBus bus = vertx.eventBus();
    bus.addInboundInterceptor((Handler<DeliveryContext<Object>>) this::inbound);
    bus.addOutboundInterceptor((Handler<DeliveryContext<Object>>) this::outbound);
    LocalOwners.of(vertx).observe(this); // the bridge's direct calls to stores pass no interceptor
    vertx.setPeriodic(10_000, id -> sweep(System.nanoTime()));
  }

  private void inbound(DeliveryContext<Object> ctx) {
    Message<Object> m = ctx.message();
    String reply = m.replyAddress();
    if (reply != null && measured(m.address()) && pending.size() < MAX_PENDING) {
      pending.put(reply, new Pending(meters(m.address()), System.nanoTime()));
    } else if (reply == null && ctx.send() && hops.size() < MAX_PENDING && measured(m.address())) {
      String job = PipelineJob.idAtStage(m); // after measured(): a reply's headers are made on first reading
      if (job != null) {
        hops.put(job, new Pending(meters(m.address()), System.nanoTime()));
      }
    }
    ctx.next();
  }

  private void outbound(DeliveryContext<Object> ctx) {
    if (!pending.isEmpty()) {
      Pending p = pending.remove(ctx.message().address());
      if (p != null) {
        p.ended(ctx.body() instanceof ReplyException e ? code(e) : null);
      }
    }
    if (!hops.isEmpty() && ctx.send() && ctx.message().replyAddress() == null) {
      String job = PipelineJob.id(ctx.message());
      Pending p = job == null ? null : hops.remove(job);
      if (p != null) {
        String status = PipelineJob.failure(ctx.message());
        p.ended(status == null ? null : failureCode(status));
      }
    }
    ctx.next();
  }

  @Override
  public Object started(String address) {
    return measured(address) ? new Pending(meters(address), System.nanoTime()) : null;
  }

  @Override
  public void replied(Object started, Throwable failure) {
    if (started instanceof Pending p) {
      p.ended(failure instanceof ReplyException e ? code(e) : null);
    }
  }

  private static ErrorCode failureCode(String status) {
    try {
      return EventBusFailure.codeForStatus(Integer.parseInt(status));
    } catch (NumberFormatException e) {
      return ErrorCode.INTERNAL;
    }
  }

  private static ErrorCode code(ReplyException e) {
    return EventBusFailure.of(e, "", 0).code();
  }

  /** Service addresses; Vert.x's reply addresses and the console's own traffic are not. */
  private static boolean measured(String address) {
    return !address.startsWith("__vertx.") && !address.startsWith(NodeMonitor.ADDRESS_PREFIX);
  }

  private AddressMeters meters(String address) {
    AddressMeters m = byAddress.get(address); // a plain read first: computeIfAbsent may lock its bin
    return m != null ? m : byAddress.computeIfAbsent(address, a -> new AddressMeters(a, node, registry));
  }

  void sweep(long nowNanos) {
    for (Map<String, Pending> table : List.of(pending, hops)) {
      Iterator<Pending> it = table.values().iterator();
      while (it.hasNext()) {
        if (nowNanos - it.next().startNanos > ABANDON_NANOS) {
          it.remove();
          abandoned.increment();
        }
      }
    }
  }

  /** What the console shows for one address: requests, rate, p50/p99, errors by code. */
  JsonObject snapshot(String address) {
    AddressMeters m = byAddress.get(address);
    return m == null ? AddressMeters.empty() : m.toJson(System.nanoTime());
  }

  /** Every measured address of this node. */
  JsonObject all() {
    JsonObject result = new JsonObject();
    long now = System.nanoTime();
    byAddress.forEach((address, m) -> result.put(address, m.toJson(now)));
    return result;
  }

  private static final class AddressMeters {
    private final LatencyWindow window;
    private final Exported exported;
    private final LongAdder requests = new LongAdder();
    private final Map<ErrorCode, LongAdder> errors = new EnumMap<>(ErrorCode.class);

    AddressMeters(String address, String node, MeterRegistry registry) {
      window = new LatencyWindow(System.nanoTime());
      exported = Exported.of(address, node, registry);
      for (ErrorCode c : ErrorCode.values()) {
        errors.put(c, new LongAdder());
      }
    }

    void record(long now, long nanos, ErrorCode failure) {
      requests.increment();
      window.record(now, nanos);
      exported.requests.increment();
      exported.totalNanos.add(nanos);
      if (failure != null) {
        errors.get(failure).increment();
        exported.errors.get(failure).increment();
      }
    }

    JsonObject toJson(long now) {
      LatencyWindow.Snapshot s = window.snapshot(now);
      JsonObject byCode = new JsonObject();
      long failed = 0;
      for (var e : errors.entrySet()) {
        long n = e.getValue().sum();
        if (n > 0) {
          byCode.put(e.getKey().name(), n);
          failed += n;
        }
      }
      return new JsonObject().put("requests", requests.sum()).put("perSecond", round(s.perSecond()))
          .put("p50Ms", round(s.p50Ms())).put("p99Ms", round(s.p99Ms()))
          .put("errors", failed).put("errorsByCode", byCode);
    }

    static JsonObject empty() {
      return new JsonObject().put("requests", 0L).put("perSecond", 0.0).put("p50Ms", 0.0).put("p99Ms", 0.0)
          .put("errors", 0L).put("errorsByCode", new JsonObject());
    }

    private static double round(double v) {
      return Math.round(v * 1000) / 1000.0;
    }
  }

  /**
   * What Micrometer reads for one address of one node: the counts behind the
   * {@code conduit.service.requests} function timer and the {@code conduit.service.errors}
   * function counters. Micrometer keeps one meter per name and tags for the whole JVM, so these
   * are kept per node and address for the JVM too (several nodes of one name in one JVM, as in
   * tests, add to the same counts, as they did to one Micrometer timer).
   */
  private static final class Exported {
    private static final Map<String, Exported> BY_NODE_AND_ADDRESS = new ConcurrentHashMap<>();

    final LongAdder requests = new LongAdder();
    final LongAdder totalNanos = new LongAdder();
    final Map<ErrorCode, LongAdder> errors = new EnumMap<>(ErrorCode.class);

    static Exported of(String address, String node, MeterRegistry registry) {
      return BY_NODE_AND_ADDRESS.computeIfAbsent(node + '\n' + address, k -> new Exported(address, node, registry));
    }

    private Exported(String address, String node, MeterRegistry registry) {
      FunctionTimer.builder("conduit.service.requests", this, m -> m.requests.sum(), m -> m.totalNanos.sum(),
              TimeUnit.NANOSECONDS)
          .description("Requests served, by service address").tag("address", address).tag("node", node)
          .register(registry);
      for (ErrorCode c : ErrorCode.values()) {
        LongAdder failed = new LongAdder();
        errors.put(c, failed);
        FunctionCounter.builder("conduit.service.errors", failed, LongAdder::sum).description("Requests failed, by code")
            .tag("address", address).tag("node", node).tag("code", c.name()).register(registry);
      }
    }
  }
}
