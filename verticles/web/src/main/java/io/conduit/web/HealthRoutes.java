package io.conduit.web;

import io.conduit.bridge.ZmqBridgeVerticle;
import io.conduit.cluster.ClusterAccess;
import io.conduit.node.Components;
import io.conduit.deploy.NodeLifecycle;
import io.conduit.store.StoreHealth;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.core.spi.cluster.ClusterManager;
import io.vertx.ext.healthchecks.HealthChecks;
import io.vertx.ext.healthchecks.Status;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.healthchecks.HealthCheckHandler;

import java.util.List;

/**
 * {@code /health} (all checks; 200 when every one is UP, 503 otherwise) and {@code /health/<check>}
 * with Vert.x health checks of this node: {@code cluster} (still a member), {@code bridge} (each
 * bridge's endpoints bound and serving), {@code live} (the liveness probe: what only a restart can mend),
 * {@code stores} (each document and graph store open and serving), {@code ready} (the readiness
 * probe: the node has started its whole deployment, is not stopping, and its stores serve).
 */
final class HealthRoutes {

  private HealthRoutes() {
  }

  static void mount(Vertx vertx, Router router) {
    HealthChecks checks = HealthChecks.create(vertx)
        .register("cluster", 2_000, p -> cluster(vertx, p))
        .register("bridge", 2_000, p -> bridge(vertx, p))
        // a liveness probe (Kubernetes' /health/live): DOWN when this process cannot serve clients any
        // more and only a restart helps; today that is a bridge whose endpoints are gone
        .register("live", 2_000, p -> bridge(vertx, p))
        .register("stores", 2_000, p -> stores(vertx, p))
        // a readiness probe (Kubernetes' /health/ready): DOWN while the node starts or stops, or a
        // store cannot serve; a load balancer sends nothing here then, and nothing restarts it
        .register("ready", 2_000, p -> ready(vertx, p));
    router.get("/health*").handler(HealthCheckHandler.createWithHealthChecks(checks));
  }

  private static void cluster(Vertx vertx, Promise<Status> p) {
    ClusterManager cluster = ClusterAccess.manager(vertx);
    if (cluster == null) {
      p.complete(Status.OK(new JsonObject().put("mode", "standalone")));
      return;
    }
    List<String> members = cluster.getNodes();
    boolean member = cluster.isActive() && members.contains(cluster.getNodeId());
    JsonObject data = new JsonObject().put("node", cluster.getNodeId()).put("members", members.size());
    p.complete(member ? Status.OK(data) : Status.KO(data.put("reason", "this node is no longer a cluster member")));
  }

  private static void bridge(Vertx vertx, Promise<Status> p) {
    List<ZmqBridgeVerticle> bridges = Components.of(vertx, ZmqBridgeVerticle.class);
    long dead = bridges.stream().filter(b -> !b.alive()).count();
    JsonObject data = new JsonObject().put("bridges", bridges.size()).put("dead", dead);
    p.complete(dead == 0 ? Status.OK(data) : Status.KO(data));
  }

  private static void ready(Vertx vertx, Promise<Status> p) {
    NodeLifecycle.State state = NodeLifecycle.get(vertx);
    if (state != null && state != NodeLifecycle.State.READY) {
      p.complete(Status.KO(new JsonObject().put("state", state.name()).put("reason", state == NodeLifecycle.State.STARTING
          ? "the node is still starting its deployment" : "the node is stopping")));
      return;
    }
    Promise<Status> stores = Promise.promise();
    stores(vertx, stores);
    stores.future().onSuccess(s -> p.complete(s.isOk()
        ? Status.OK(new JsonObject().put("state", state == null ? "EMBEDDED" : state.name()))
        : Status.KO(s.getData().put("reason", "a store cannot serve"))));
  }

  private static void stores(Vertx vertx, Promise<Status> p) {
    JsonArray failing = new JsonArray();
    JsonArray roles = new JsonArray();
    List<StoreHealth> stores = Components.of(vertx, StoreHealth.class);
    for (StoreHealth store : stores) {
      String failure = store.storageFailure();
      if (failure != null) {
        failing.add(failure);
      }
      if (store.ownership() != null) {
        roles.add(store.ownership().toJson());
      }
    }
    JsonObject data = new JsonObject().put("stores", stores.size()).put("failing", failing).put("roles", roles);
    p.complete(failing.isEmpty() ? Status.OK(data) : Status.KO(data));
  }
}
