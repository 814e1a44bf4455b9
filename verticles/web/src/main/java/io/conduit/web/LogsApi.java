package io.conduit.web;

import io.conduit.codec.ErrorCode;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

import java.util.ArrayList;
import java.util.List;

/**
 * {@code GET /api/services/{name}/logs?tail=N}: the service's most recent log records from every
 * node that runs it, oldest first, each tagged with its node.
 */
final class LogsApi {

  static final int DEFAULT_TAIL = 100;
  static final int MAX_TAIL = ServiceLogs.PER_SERVICE;

  private final ClusterNodes nodes;
  private final ServicesApi services;

  LogsApi(ClusterNodes nodes, ServicesApi services) {
    this.nodes = nodes;
    this.services = services;
  }

  void mount(Router api) {
    api.get("/services/:name/logs").handler(this::tail);
  }

  private void tail(RoutingContext ctx) {
    String name = ctx.pathParam("name");
    if (!ServicesApi.NAME.matcher(name).matches()) {
      ApiErrors.fail(ctx, ErrorCode.BAD_REQUEST, "service name '" + name + "' is not valid");
      return;
    }
    int tail;
    String given = ctx.request().getParam("tail");
    try {
      tail = given == null ? DEFAULT_TAIL : Integer.parseInt(given);
      if (tail < 1 || tail > MAX_TAIL) {
        throw new NumberFormatException();
      }
    } catch (NumberFormatException e) {
      ApiErrors.fail(ctx, ErrorCode.BAD_REQUEST, "tail must be a whole number 1-" + MAX_TAIL + ", got '" + given + "'");
      return;
    }
    JsonObject request = new JsonObject().put("op", "logs").put("service", name).put("tail", tail);
    services.runningOn(name, null).compose(targets -> {
      if (targets.isEmpty()) {
        return Future.failedFuture(new ServicesApi.NotFound("no node runs a service named '" + name + "'"));
      }
      List<Future<ClusterNodes.Answer>> asks = new ArrayList<>();
      for (String node : targets) {
        asks.add(nodes.ask(node, NodeMonitor.address(node), request));
      }
      return Future.join(asks).transform(v -> Future.succeededFuture(asks.stream().map(Future::result).toList()));
    }).onComplete(ar -> {
      if (ar.failed()) {
        if (ar.cause() instanceof ServicesApi.NotFound nf) {
          ApiErrors.fail(ctx, ErrorCode.NOT_FOUND, nf.getMessage());
        } else {
          ApiErrors.fail(ctx, ar.cause());
        }
        return;
      }
      List<JsonObject> records = new ArrayList<>();
      JsonArray unreachable = new JsonArray();
      for (ClusterNodes.Answer a : ar.result()) {
        if (!a.ok()) {
          unreachable.add(new JsonObject().put("node", a.node()).put("error", a.errorJson()));
          continue;
        }
        for (Object o : a.body().getJsonArray("records", new JsonArray())) {
          records.add(((JsonObject) o).put("node", a.node()));
        }
      }
      records.sort((x, y) -> x.getString("at").compareTo(y.getString("at")));
      List<JsonObject> last = records.subList(Math.max(0, records.size() - tail), records.size());
      ctx.json(new JsonObject().put("service", name).put("records", new JsonArray(new ArrayList<>(last)))
          .put("unreachable", unreachable));
    });
  }
}
