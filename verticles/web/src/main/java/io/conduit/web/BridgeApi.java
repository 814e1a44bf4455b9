package io.conduit.web;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;

/** {@code GET /api/bridge}: each node's ZeroMQ bridges: requests, in flight, clients with requests, errors by code. */
final class BridgeApi {

  /** The console's panel of the bridges' counters. */
  static final ConsoleView VIEW = new ConsoleView("bridge", "Bridge", "bridge", "bridge", 3000);

  private final ClusterNodes nodes;

  BridgeApi(ClusterNodes nodes) {
    this.nodes = nodes;
  }

  void mount(Router api) {
    api.get("/bridge").handler(ctx -> nodes.ask(NodeMonitor::address, new JsonObject().put("op", "bridge"))
        .onComplete(ar -> {
          if (ar.failed()) {
            ApiErrors.fail(ctx, ar.cause());
            return;
          }
          JsonArray list = new JsonArray();
          for (ClusterNodes.Answer a : ar.result()) {
            list.add(a.ok() ? a.body() : new JsonObject().put("node", a.node()).put("error", a.errorJson()));
          }
          ctx.json(new JsonObject().put("nodes", list));
        }));
  }
}
