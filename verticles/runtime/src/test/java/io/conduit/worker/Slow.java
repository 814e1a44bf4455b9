package io.conduit.worker;

import io.conduit.deploy.Instances;
import io.conduit.deploy.Scaling;
import io.conduit.deploy.ServiceSpec;
import io.conduit.deploy.Threading;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.json.JsonObject;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * A test service that takes {@code delayMs} per request: on an event loop it answers after a timer,
 * on a worker thread it blocks that long (as blocking code does). "die" undeploys the instance
 * itself, as a crashing instance would disappear.
 */
public class Slow extends VerticleBase {

  @Override
  public Future<?> start() {
    long delay = config().getLong("delayMs", 20L);
    boolean blocking = context.isWorkerContext();
    return vertx.eventBus().<String>consumer(config().getString("address"), m -> {
      if ("die".equals(m.body())) {
        m.reply(deploymentID());
        vertx.undeploy(deploymentID());
      } else if ("fail".equals(m.body())) {
        m.fail(500, "asked to fail");
      } else if (blocking) {
        LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(delay));
        m.reply(deploymentID());
      } else {
        vertx.setTimer(delay, t -> m.reply(deploymentID()));
      }
    }).completion();
  }

  static ServiceSpec spec(String name, Instances instances, Threading threading, Scaling scaling) {
    return new ServiceSpec(name, Slow.class.getName(), instances, threading,
        new JsonObject().put("address", name).put("delayMs", 20), scaling);
  }
}
