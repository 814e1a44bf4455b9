package io.conduit.deploy;

import io.conduit.codec.ErrorCode;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.internal.VertxInternal;

import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The services this node runs, and the one way to deploy, scale, stop and start them. Each
 * instance is its own Vert.x deployment, so a service grows and shrinks one instance at a time.
 * Operations on one service run one after the other; operations on different services run side by
 * side.
 *
 * <ul>
 *   <li>{@link #deploy} starts every service of a plan with its {@code min} instances, all or nothing.</li>
 *   <li>{@link #scale} sets the instance count. For a service with a range ({@code {min, max}}) the
 *   count must lie within it and the scaler carries on from there; for a fixed service the count
 *   (1..{@value #MAX_FIXED}) becomes its new fixed count.</li>
 *   <li>{@link #stop} undeploys every instance; the service stays listed as stopped and the scaler
 *   leaves it alone. {@link #start} deploys the count it had when stopped.</li>
 * </ul>
 * Failures are {@link ServiceOperationException}s: {@code NOT_FOUND} for an unknown service,
 * {@code BAD_REQUEST} for a count outside the allowed range, {@code CONFLICT} for scaling a stopped
 * service, {@code INTERNAL} when an instance fails to deploy. Every change of a count is logged with
 * its reason, published as a {@link ScaleEvent} and counted in metrics.
 */
public final class RunningServices {

  /** The most instances a fixed service can be scaled to by hand. */
  public static final int MAX_FIXED = 64;
  /** How long after a failed replacement of a lost instance the next attempt is made. */
  public static final long RETRY_REPLACEMENT_MS = 5_000;

  private static final System.Logger LOG = System.getLogger(RunningServices.class.getName());

  private final Vertx vertx;
  private final InstanceDeployer deployer;
  private final ScaleEvents events;
  private final Map<String, RunningService> services = new LinkedHashMap<>();

  /** Services whose classes come from the calling thread's context class loader. */
  public RunningServices(Vertx vertx) {
    this(vertx, Thread.currentThread().getContextClassLoader());
  }

  /**
   * Services whose verticles (and what they load by name: task handlers, pipeline stages, graph
   * scripts) come from {@code classes}: Conduit's own, or a loader over the user's classpath.
   */
  public RunningServices(Vertx vertx, ClassLoader classes) {
    this.vertx = vertx;
    this.deployer = new InstanceDeployer(vertx, classes);
    this.events = new ScaleEvents(vertx, NodeControl.nodeId(vertx));
  }

  public Vertx vertx() {
    return vertx;
  }

  /** True when the service is stateful: declared so in its entry, or its verticle keeps its own ownership. */
  boolean stateful(ServiceSpec spec) {
    return deployer.stateful(spec);
  }

  /** This node's id, as in {@link NodeControl#nodeId}. */
  public String nodeId() {
    return events.node();
  }

  /**
   * Deploys the services of a plan in order, each with its {@code min} instances, except that the
   * {@link io.conduit.node.FrontDoor}s (bridge, web console) come last, once everything they let traffic in to is
   * up; they go first when the node stops ({@link #undeployAll} reverses this order). All or
   * nothing: when one fails, the ones already deployed are undeployed again and the failure names
   * the service and what went wrong.
   */
  public Future<Void> deploy(DeploymentPlan plan) {
    List<ServiceSpec> ordered = new ArrayList<>();
    plan.services().stream().filter(s -> !deployer.frontDoor(s)).forEach(ordered::add);
    plan.services().stream().filter(deployer::frontDoor).forEach(ordered::add);
    List<RunningService> done = new ArrayList<>();
    Future<Void> chain = Future.succeededFuture();
    for (ServiceSpec spec : ordered) {
      chain = chain.compose(v -> {
        synchronized (this) {
          if (services.containsKey(spec.name())) {
            return Future.failedFuture(new ServiceOperationException(ErrorCode.CONFLICT,
                "service '" + spec.name() + "' is already running on this node"));
          }
        }
        return deployer.deploy(spec, spec.instances().min()).map(ids -> {
          done.add(new RunningService(spec, ids));
          return null;
        });
      });
    }
    return chain.compose(v -> {
      synchronized (this) {
        for (RunningService s : done) {
          services.put(s.name(), s);
        }
      }
      for (RunningService s : done) {
        events.watch(s.name(), s::count);
        events.changed(s.name(), 0, s.count(), "deployed");
      }
      return Future.<Void>succeededFuture();
    }).recover(failure -> undeploy(done).transform(ignored -> Future.failedFuture(failure)));
  }

  /** Sets a service's instance count, as a person asked for it. */
  public Future<ServiceInfo> scale(String name, int instances) {
    return scale(name, instances, "set to " + instances + " on request");
  }

  /** Sets a service's instance count; {@code reason} is logged and published with the change. */
  public Future<ServiceInfo> scale(String name, int instances, String reason) {
    return find(name).compose(service -> service.serially(() -> {
      ServiceSpec spec = service.spec();
      if (!service.running()) {
        throw new ServiceOperationException(ErrorCode.CONFLICT,
            "service '" + name + "' is stopped; start it before scaling it");
      }
      Instances range = spec.instances();
      if (instances > 1 && instances > service.count() && deployer.stateful(spec)) {
        throw new ServiceOperationException(ErrorCode.CONFLICT, "service '" + name + "' is stateful: one instance in "
            + "the cluster owns its data and serves it, any other only stands by, so scaling it to " + instances
            + " adds no capacity; run it on another node for a standby");
      }
      if (range.scalable() && (instances < range.min() || instances > range.max())) {
        throw new ServiceOperationException(ErrorCode.BAD_REQUEST, "instances: service '" + name
            + "' scales within " + range.min() + ".." + range.max() + ", got " + instances);
      }
      if (!range.scalable() && (instances < 1 || instances > MAX_FIXED)) {
        throw new ServiceOperationException(ErrorCode.BAD_REQUEST, "instances: must be 1.." + MAX_FIXED
            + " for service '" + name + "', got " + instances);
      }
      return resize(service, instances, reason).map(v -> {
        if (!range.scalable()) {
          service.respec(spec.withInstances(Instances.fixed(instances)));
        }
        return service.info();
      });
    }));
  }

  /** Undeploys every instance of a service; it stays listed as stopped. Stopping a stopped service does nothing. */
  public Future<ServiceInfo> stop(String name) {
    return find(name).compose(service -> service.serially(() -> {
      if (!service.running()) {
        return Future.succeededFuture(service.info());
      }
      int from = service.count();
      return deployer.undeploy(service.stopped()).map(v -> {
        events.changed(name, from, 0, "stopped on request");
        return service.info();
      });
    }));
  }

  /** Deploys a stopped service again with the count it had. Starting a running service does nothing. */
  public Future<ServiceInfo> start(String name) {
    return find(name).compose(service -> service.serially(() -> {
      if (service.running()) {
        return Future.succeededFuture(service.info());
      }
      int count = service.target();
      return deployer.deploy(service.spec(), count)
          .recover(e -> Future.failedFuture(new ServiceOperationException(ErrorCode.INTERNAL, e.getMessage(), e)))
          .map(ids -> {
            service.added(ids);
            events.changed(name, 0, count, "started on request");
            return service.info();
          });
    }));
  }

  /** Every service of this node, in deployment order. */
  public synchronized List<ServiceInfo> list() {
    return services.values().stream().map(RunningService::info).toList();
  }

  /** One service, if this node runs it. */
  public synchronized Optional<ServiceInfo> info(String name) {
    return Optional.ofNullable(services.get(name)).map(RunningService::info);
  }

  /** The service one of whose instances is this Vert.x deployment, if any (the console tags log records with it). */
  public synchronized Optional<String> serviceOf(String deploymentId) {
    return services.values().stream().filter(s -> s.has(deploymentId)).map(RunningService::name).findFirst();
  }

  /** The deployment ids of a service's instances now; empty for an unknown or stopped service. */
  public synchronized List<String> deploymentsOf(String name) {
    RunningService service = services.get(name);
    return service == null ? List.of() : service.deployments();
  }

  /** The specs of the services, in deployment order (a fixed service shows its current count). */
  public synchronized List<ServiceSpec> specs() {
    return services.values().stream().map(RunningService::spec).toList();
  }

  /** The deployment id of each instance of a service, oldest first; empty for an unknown or stopped service. */
  public synchronized List<String> deploymentIds(String name) {
    RunningService service = services.get(name);
    return service == null ? List.of() : service.deployments();
  }

  /**
   * Replaces instances whose deployment ended without this registry undeploying it (the verticle
   * undeployed itself, or someone undeployed its id). Each loss is a scale event ("instance ...
   * ended without being undeployed"), each replacement another ("replaced crashed instance"). A
   * replacement that fails to deploy is logged and tried again after {@link #RETRY_REPLACEMENT_MS}.
   * The scaler calls this on every tick.
   */
  public Future<Void> replaceLost() {
    long now = System.currentTimeMillis();
    List<RunningService> candidates = null;
    synchronized (this) {
      for (RunningService s : services.values()) { // every tick: no stream, nothing allocated when all is well
        if (s.needsReplacement(this::alive, now)) {
          if (candidates == null) {
            candidates = new ArrayList<>(2);
          }
          candidates.add(s);
        }
      }
    }
    if (candidates == null) {
      return Future.succeededFuture();
    }
    List<Future<Void>> all = new ArrayList<>();
    for (RunningService service : candidates) {
      all.add(service.serially(() -> replaceLost(service)));
    }
    return Future.join(all).mapEmpty();
  }

  /**
   * Whether Vert.x still runs a deployment: a lookup in its deployment table
   * ({@code Vertx.deploymentIDs()} copies that table into two sets, at every tick of the scaler).
   */
  private boolean alive(String deploymentId) {
    return ((VertxInternal) vertx).deploymentManager().deployment(deploymentId) != null; // every Vert.x 5 instance is one
  }

  private Future<Void> replaceLost(RunningService service) {
    String name = service.name();
    for (String id : service.deployments()) {
      if (!alive(id) && service.lost(id)) {
        events.changed(name, service.count() + 1, service.count(), "instance " + id + " ended without being undeployed");
      }
    }
    int from = service.count();
    int missing = service.target() - from;
    if (!service.running() || missing <= 0 || !service.mayRetry(System.currentTimeMillis())) {
      return Future.succeededFuture();
    }
    return deployer.deploy(service.spec(), missing).transform(done -> {
      if (done.failed()) {
        service.retryAfter(System.currentTimeMillis() + RETRY_REPLACEMENT_MS);
        LOG.log(Level.WARNING, "service ''{0}'': could not replace {1} lost instance(s), trying again in {2} ms: {3}",
            name, missing, RETRY_REPLACEMENT_MS, InstanceDeployer.describe(done.cause()));
        return Future.succeededFuture();
      }
      service.added(done.result());
      events.changed(name, from, service.count(), missing == 1 ? "replaced crashed instance"
          : "replaced " + missing + " crashed instances");
      return Future.succeededFuture();
    });
  }

  /** Undeploys every service in reverse order (so stores flush) and forgets them; for a node that stops. */
  public Future<Void> undeployAll() {
    List<RunningService> all;
    synchronized (this) {
      all = new ArrayList<>(services.values());
      services.clear();
    }
    return undeploy(all).onComplete(ignored -> events.close());
  }

  private Future<Void> undeploy(List<RunningService> list) {
    Future<Void> chain = Future.succeededFuture();
    for (int i = list.size() - 1; i >= 0; i--) {
      RunningService service = list.get(i);
      chain = chain.transform(ignored -> service.serially(() -> deployer.undeploy(service.stopped())));
    }
    return chain.otherwiseEmpty();
  }

  /** Moves a running service to {@code instances}; called inside the service's queue. */
  private Future<Void> resize(RunningService service, int instances, String reason) {
    int from = service.count();
    String name = service.name();
    if (instances > from) {
      return deployer.deploy(service.spec(), instances - from)
          .recover(e -> Future.failedFuture(new ServiceOperationException(ErrorCode.INTERNAL, e.getMessage(), e)))
          .map(ids -> {
            service.added(ids);
            events.changed(name, from, service.count(), reason);
            return null;
          });
    }
    if (instances < from) {
      return deployer.undeploy(service.removeNewest(from - instances)).map(v -> {
        events.changed(name, from, service.count(), reason);
        return null;
      });
    }
    return Future.succeededFuture();
  }

  private synchronized Future<RunningService> find(String name) {
    RunningService service = services.get(name);
    return service != null ? Future.succeededFuture(service) : Future.failedFuture(
        new ServiceOperationException(ErrorCode.NOT_FOUND, "no service '" + name + "' on this node"));
  }
}
