package io.conduit.web;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/** {@code GET /api/nodes}: every cluster member with its version, uptime, heap and event-loop load. */
final class NodesApi {

  private final ClusterNodes nodes;

  NodesApi(ClusterNodes nodes) {
    this.nodes = nodes;
  }

  void mount(Router api) {
    api.get("/nodes").handler(this::list);
  }

  private void list(RoutingContext ctx) {
    nodes.ask(NodeMonitor::address, new JsonObject().put("op", "info")).onComplete(ar -> {
      if (ar.failed()) {
        ApiErrors.fail(ctx, ar.cause());
        return;
      }
      JsonArray list = new JsonArray();
      for (ClusterNodes.Answer a : ar.result()) {
        list.add(a.ok() ? a.body() : new JsonObject().put("node", a.node()).put("error", a.errorJson()));
      }
      JsonObject self = list.getJsonObject(0);
      ctx.json(new JsonObject().put("self", self.getString("node")).put("clustered", list.size() > 1
          || self.getBoolean("clustered", false)).put("nodes", list));
    });
  }
}
