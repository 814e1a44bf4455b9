package io.conduit.deploy;

import io.vertx.core.Deployable;
import io.vertx.core.Future;
import io.vertx.core.Verticle;
import io.vertx.core.Vertx;

import java.util.ArrayList;
import java.util.List;

/**
 * Deploys the services of a plan in order. All or nothing: when one fails, the ones already
 * deployed are undeployed again, so a bad deployment never leaves half a node running.
 */
public final class ServiceDeployer {

  private final Vertx vertx;

  public ServiceDeployer(Vertx vertx) {
    this.vertx = vertx;
  }

  public Future<List<DeployedService>> deploy(DeploymentPlan plan) {
    List<DeployedService> done = new ArrayList<>();
    Future<Void> chain = Future.succeededFuture();
    for (ServiceSpec spec : plan.services()) {
      chain = chain.compose(v -> deploy(spec).map(d -> {
        done.add(d);
        return null;
      }));
    }
    return chain.map(v -> List.copyOf(done))
        .recover(failure -> undeploy(done).transform(ignored -> Future.failedFuture(failure)));
  }

  /** Deploys one service; the failure message names the service and says what went wrong. */
  public Future<DeployedService> deploy(ServiceSpec spec) {
    try {
      checkClass(spec);
    } catch (IllegalArgumentException e) {
      return Future.failedFuture(e);
    }
    return vertx.deployVerticle(spec.verticle(), spec.deploymentOptions())
        .map(id -> new DeployedService(spec, id))
        .recover(e -> Future.failedFuture(new IllegalStateException(
            "service '" + spec.name() + "' failed to start: " + describe(e), e)));
  }

  /** Undeploys in reverse order; failures are ignored so every service gets its turn. */
  public Future<Void> undeploy(List<DeployedService> services) {
    Future<Void> chain = Future.succeededFuture();
    for (int i = services.size() - 1; i >= 0; i--) {
      String id = services.get(i).deploymentId();
      chain = chain.transform(ignored -> vertx.undeploy(id).otherwiseEmpty());
    }
    return chain.otherwiseEmpty();
  }

  private static void checkClass(ServiceSpec spec) {
    Class<?> type;
    try {
      type = Class.forName(spec.verticle(), false, Thread.currentThread().getContextClassLoader());
    } catch (ClassNotFoundException | LinkageError e) {
      throw new IllegalArgumentException("service '" + spec.name() + "': verticle class " + spec.verticle()
          + " is not on the classpath");
    }
    if (!Verticle.class.isAssignableFrom(type) && !Deployable.class.isAssignableFrom(type)) {
      throw new IllegalArgumentException("service '" + spec.name() + "': " + spec.verticle()
          + " is not a verticle (it must extend VerticleBase or implement Deployable)");
    }
  }

  private static String describe(Throwable e) {
    if (e.getMessage() != null) {
      return e.getMessage();
    }
    Throwable root = e;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    String message = root.getMessage();
    return message == null ? root.getClass().getSimpleName() : message;
  }
}
