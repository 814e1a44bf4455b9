package io.conduit.deploy;

import io.vertx.core.DeploymentOptions;
import io.vertx.core.json.JsonObject;

/**
 * One service of a deployment file: a verticle class deployed under a name.
 *
 * @param name      unique name of the service in the deployment
 * @param verticle  fully qualified class name of the verticle
 * @param instances how many instances run
 * @param threading how they run
 * @param config    the verticle's {@code config()}
 * @param scaling   how the scaler moves a service with an instance range
 * @param externalWorkers true when external (Majordomo) workers may join the service's address through
 *                  the bridge; otherwise the bridge keeps workers off it ({@link #ownAddress()})
 * @param stateful  true when the deployment entry says {@code "stateful": true}: one instance in the
 *                  cluster runs it, others stand by ({@link OwnedService}); a {@link io.conduit.node.Stateful}
 *                  verticle (a store) is stateful whatever its entry says
 */
public record ServiceSpec(String name, String verticle, Instances instances, Threading threading, JsonObject config,
                          Scaling scaling, boolean externalWorkers, boolean stateful) {

  /** A service that is not declared stateful. */
  public ServiceSpec(String name, String verticle, Instances instances, Threading threading, JsonObject config,
                     Scaling scaling, boolean externalWorkers) {
    this(name, verticle, instances, threading, config, scaling, externalWorkers, false);
  }

  /** A service closed to external workers. */
  public ServiceSpec(String name, String verticle, Instances instances, Threading threading, JsonObject config,
                     Scaling scaling) {
    this(name, verticle, instances, threading, config, scaling, false);
  }

  /** A service with the default {@link Scaling}. */
  public ServiceSpec(String name, String verticle, Instances instances, Threading threading, JsonObject config) {
    this(name, verticle, instances, threading, config, Scaling.DEFAULTS);
  }

  /** The Vert.x deployment options for the first {@code instances.min()} instances. */
  public DeploymentOptions deploymentOptions() {
    return new DeploymentOptions()
        .setInstances(instances.min())
        .setThreadingModel(threading.model())
        .setConfig(config.copy());
  }

  /**
   * The event-bus address the service answers on, as far as the deployment knows it: its config's
   * {@code address}, or else its name (a pipeline's entry answers on its name).
   */
  public String ownAddress() {
    return config.getValue("address") instanceof String a && !a.isBlank() ? a : name;
  }

  public ServiceSpec withConfig(JsonObject config) {
    return new ServiceSpec(name, verticle, instances, threading, config, scaling, externalWorkers, stateful);
  }

  public ServiceSpec withInstances(Instances instances) {
    return new ServiceSpec(name, verticle, instances, threading, config, scaling, externalWorkers, stateful);
  }
}
