package io.conduit.deploy;

import io.conduit.store.owner.StoreOwnership;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.json.JsonObject;

/**
 * One instance of a service whose deployment entry says {@code "stateful": true}: it claims the
 * service's address in the cluster ({@link StoreOwnership}) and deploys the service's verticle only
 * while it holds the claim; every other instance, on this node or another, stands by and takes over
 * when the owner's node leaves or it stops. The service's own state is its own affair: a standby
 * starts it fresh.
 */
final class OwnedService extends VerticleBase {

  private StoreOwnership ownership;
  private String running;

  /** The config an {@link OwnedService} of {@code spec} is deployed with. */
  static JsonObject config(ServiceSpec spec) {
    return new JsonObject().put("name", spec.name()).put("verticle", spec.verticle()).put("address", spec.ownAddress())
        .put("threading", spec.threading().label()).put("config", spec.config().copy());
  }

  @Override
  public Future<?> start() {
    JsonObject c = config();
    DeploymentOptions options = new DeploymentOptions()
        .setClassLoader(Thread.currentThread().getContextClassLoader()) // the one this wrapper was deployed with
        .setThreadingModel(Threading.parse(c.getString("threading")).model())
        .setConfig(c.getJsonObject("config"));
    ownership = new StoreOwnership(vertx, "service", c.getString("address"), null, 0, new StoreOwnership.Store() {
      @Override
      public Future<Void> serve() {
        return vertx.deployVerticle(c.getString("verticle"), options).onSuccess(id -> running = id).mapEmpty();
      }

      @Override
      public Future<Void> close() {
        String id = running;
        running = null;
        return id == null ? Future.succeededFuture() : vertx.undeploy(id).otherwiseEmpty();
      }
    });
    return ownership.start();
  }

  @Override
  public Future<?> stop() {
    return ownership == null ? Future.succeededFuture() : ownership.stop();
  }
}
