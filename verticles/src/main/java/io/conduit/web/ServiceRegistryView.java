package io.conduit.web;

import io.vertx.core.Vertx;

import java.util.List;
import java.util.function.Function;

/** How the monitor maps deployments to service names: through the node's service registry. */
final class ServiceRegistryView {

  private ServiceRegistryView() {
  }

  static Function<String, String> serviceOfDeployment(Vertx vertx) {
    return id -> null;
  }

  static NodeMonitor.DeploymentsOfService deploymentsOf(Vertx vertx) {
    return service -> List.of();
  }
}
