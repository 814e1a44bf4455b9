package io.conduit.web;

import io.vertx.core.Deployable;
import io.vertx.core.Vertx;
import io.vertx.core.internal.VertxInternal;
import io.vertx.core.internal.deployment.DeploymentContext;

import java.util.ArrayList;
import java.util.List;

/** The verticle instances of one type deployed on this node (the bridge, the stores), for health and stats. */
final class LocalVerticles {

  private LocalVerticles() {
  }

  static <T> List<T> of(Vertx vertx, Class<T> type) {
    List<T> found = new ArrayList<>();
    for (DeploymentContext d : ((VertxInternal) vertx).deploymentManager().deployments()) {
      for (Deployable instance : d.deployment().instances()) {
        if (type.isInstance(instance)) {
          found.add(type.cast(instance));
        }
      }
    }
    return found;
  }
}
