package io.conduit.deploy;

import io.vertx.core.Future;
import io.vertx.core.Promise;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * One service on this node: its spec, the deployment id of each instance, and whether it runs.
 * Operations on it run one after the other ({@link #serially}), so two scale requests never
 * interleave; the state itself is guarded by this object's lock because deployments complete on
 * whatever thread Vert.x picks.
 */
final class RunningService {

  private ServiceSpec spec;
  private final List<String> deployments = new ArrayList<>();
  private boolean running;
  private int target;
  private long retryAt;
  private Future<?> tail = Future.succeededFuture();

  RunningService(ServiceSpec spec, List<String> deployments) {
    this.spec = spec;
    this.deployments.addAll(deployments);
    this.running = true;
    this.target = deployments.size();
  }

  /** Runs {@code operation} once every operation queued before it has completed. */
  synchronized <T> Future<T> serially(Supplier<Future<T>> operation) {
    Promise<T> done = Promise.promise();
    tail.onComplete(ignored -> {
      Future<T> result;
      try {
        result = operation.get();
      } catch (RuntimeException e) {
        result = Future.failedFuture(e);
      }
      result.onComplete(done);
    });
    tail = done.future();
    return done.future();
  }

  synchronized ServiceSpec spec() {
    return spec;
  }

  synchronized String name() {
    return spec.name();
  }

  synchronized void respec(ServiceSpec spec) {
    this.spec = spec;
  }

  synchronized boolean running() {
    return running;
  }

  /** The count a start deploys: the count when the service was stopped. */
  synchronized int target() {
    return target;
  }

  synchronized int count() {
    return deployments.size();
  }

  synchronized List<String> deployments() {
    return List.copyOf(deployments);
  }

  synchronized boolean has(String deploymentId) {
    return deployments.contains(deploymentId);
  }

  synchronized void added(List<String> ids) {
    deployments.addAll(ids);
    retryAt = 0;
    running = true;
    target = deployments.size();
  }

  /** Forgets the newest {@code n} instances (they are undeployed next) and returns their ids. */
  synchronized List<String> removeNewest(int n) {
    List<String> newest = new ArrayList<>(deployments.subList(deployments.size() - n, deployments.size()));
    deployments.subList(deployments.size() - n, deployments.size()).clear();
    target = deployments.size();
    return newest;
  }

  /** Forgets every instance and marks the service stopped; the target stays for the next start. */
  synchronized List<String> stopped() {
    List<String> all = List.copyOf(deployments);
    deployments.clear();
    running = false;
    return all;
  }

  /** Forgets an instance whose deployment went away without being asked to; true if it was ours. */
  synchronized boolean lost(String deploymentId) {
    return deployments.remove(deploymentId);
  }

  /** True when an instance is gone or missing and a replacement may be tried now. */
  synchronized boolean needsReplacement(Predicate<String> alive, long nowMs) {
    if (!running) {
      return false;
    }
    for (int i = 0; i < deployments.size(); i++) {
      if (!alive.test(deployments.get(i))) {
        return true;
      }
    }
    return deployments.size() < target && nowMs >= retryAt;
  }

  synchronized boolean mayRetry(long nowMs) {
    return nowMs >= retryAt;
  }

  synchronized void retryAfter(long atMs) {
    retryAt = atMs;
  }

  synchronized ServiceInfo info() {
    Instances range = spec.instances();
    Object address = spec.config().getValue("address");
    return new ServiceInfo(spec.name(), spec.verticle(), address instanceof String a ? a : null,
        deployments.size(), range.min(), range.max(), spec.threading(), running, range.scalable());
  }
}
