package io.conduit.deploy;

import io.conduit.node.Stateful;
import io.conduit.node.FrontDoor;

import io.vertx.core.Deployable;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Verticle;
import io.vertx.core.Vertx;
import io.vertx.core.internal.ContextInternal;
import io.vertx.core.internal.VertxInternal;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * Deploys and undeploys single instances of a service: one Vert.x deployment per instance, so the
 * instance count can move one at a time.
 */
final class InstanceDeployer {

  private final Vertx vertx;
  private final ClassLoader classes;
  /**
   * Where instances are deployed from: a context of no deployment. Vert.x makes a deployment
   * started on a verticle's context that verticle's child, and undeploys it with its parent; an
   * instance the scaler (or the console's control, on the web verticle) started would otherwise go
   * when the scaler stops, first of all when the node stops, ahead of the services' own order.
   */
  private final ContextInternal detached;

  /** {@code classes}: where verticle classes come from; each instance runs with it as its context class loader. */
  InstanceDeployer(Vertx vertx, ClassLoader classes) {
    this.vertx = vertx;
    this.classes = classes;
    this.detached = ((VertxInternal) vertx).createEventLoopContext();
  }

  /**
   * Deploys {@code count} instances at once. All or nothing: when one fails, the others are
   * undeployed again and the failure names the service and what went wrong.
   */
  Future<List<String>> deploy(ServiceSpec spec, int count) {
    try {
      checkClass(spec, classes);
    } catch (IllegalArgumentException e) {
      return Future.failedFuture(e);
    }
    DeploymentOptions options = spec.deploymentOptions().setInstances(1).setClassLoader(classes);
    // a service declared stateful whose verticle does not keep its own ownership (as the stores
    // do) runs inside an OwnedService, which deploys it only while it holds the service's claim
    boolean owned = spec.stateful() && !implementsType(spec, Stateful.class, classes);
    List<Future<String>> started = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      started.add(detached(() -> owned ? vertx.deployVerticle(new OwnedService(), new DeploymentOptions()
              .setConfig(OwnedService.config(spec)).setClassLoader(classes))
          : vertx.deployVerticle(spec.verticle(), new DeploymentOptions(options))));
    }
    return Future.join(started).transform(all -> {
      List<String> ids = started.stream().filter(Future::succeeded).map(Future::result).toList();
      if (all.succeeded()) {
        return Future.succeededFuture(ids);
      }
      Throwable cause = started.stream().filter(Future::failed).findFirst().orElseThrow().cause();
      return undeploy(ids).transform(ignored -> Future.failedFuture(new IllegalStateException(
          "service '" + spec.name() + "' failed to start: " + describe(cause), cause)));
    });
  }

  /** Runs {@code deploy} on the detached context; its outcome comes back on the caller's. */
  private Future<String> detached(Supplier<Future<String>> deploy) {
    Promise<String> result = ((ContextInternal) vertx.getOrCreateContext()).promise();
    detached.runOnContext(v -> {
      try {
        deploy.get().onComplete(result);
      } catch (RuntimeException e) {
        result.tryFail(e); // never left waiting: a service's operations queue behind this one
      }
    });
    return result.future();
  }

  /**
   * Undeploys every instance at once, as Vert.x undeploys the instances of one deployment: a front
   * door's instances then share one grace period for their replies in flight instead of taking one
   * each in turn (which, with a few instances, outlasted the node's time to stop). Failures are
   * ignored so every instance is stopped.
   */
  Future<Void> undeploy(List<String> deploymentIds) {
    List<Future<Void>> stopped = deploymentIds.stream().map(id -> vertx.undeploy(id).otherwiseEmpty()).toList();
    return Future.join(stopped).<Void>mapEmpty().otherwiseEmpty();
  }

  /** True when the service's verticle is a {@link FrontDoor}; false too when its class cannot be loaded. */
  boolean frontDoor(ServiceSpec spec) {
    return implementsType(spec, FrontDoor.class, classes);
  }

  /** True when the service is stateful: declared so in its entry, or its verticle is {@link Stateful}. */
  boolean stateful(ServiceSpec spec) {
    return spec.stateful() || implementsType(spec, Stateful.class, classes);
  }

  private static boolean implementsType(ServiceSpec spec, Class<?> marker, ClassLoader classes) {
    try {
      return marker.isAssignableFrom(Class.forName(spec.verticle(), false, classes));
    } catch (ClassNotFoundException | LinkageError e) {
      return false; // deploying it says what is wrong
    }
  }

  private static void checkClass(ServiceSpec spec, ClassLoader classes) {
    Class<?> type;
    try {
      type = Class.forName(spec.verticle(), false, classes);
    } catch (ClassNotFoundException | LinkageError e) {
      throw new IllegalArgumentException("service '" + spec.name() + "': verticle class " + spec.verticle()
          + " is not on the classpath" + UserClasspath.searched(classes));
    }
    if (!Verticle.class.isAssignableFrom(type) && !Deployable.class.isAssignableFrom(type)) {
      throw new IllegalArgumentException("service '" + spec.name() + "': " + spec.verticle()
          + " is not a verticle (it must extend VerticleBase or implement Deployable)");
    }
  }

  static String describe(Throwable e) {
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
