package io.conduit.web;

import io.conduit.codec.ErrorCode;
import io.conduit.deploy.NodeControl;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The services of every node, with live meters, and the cluster-wide controls: {@code GET /api/services},
 * {@code POST /api/services/{name}/scale|stop|start}. A control goes to each node that runs the service
 * (or only {@code "node"} when the body names one); that node's control consumer acts.
 */
final class ServicesApi {

  static final Pattern NAME = Pattern.compile("[A-Za-z][A-Za-z0-9._-]{0,63}");

  private final ClusterNodes nodes;

  ServicesApi(ClusterNodes nodes) {
    this.nodes = nodes;
  }

  void mount(Router api) {
    api.get("/services").handler(ctx -> snapshot().onComplete(ar -> {
      if (ar.succeeded()) {
        ctx.json(ar.result());
      } else {
        ApiErrors.fail(ctx, ar.cause());
      }
    }));
    api.post("/services/:name/scale").handler(ctx -> control(ctx, "scale"));
    api.post("/services/:name/stop").handler(ctx -> control(ctx, "stop"));
    api.post("/services/:name/start").handler(ctx -> control(ctx, "start"));
  }

  /** {@code {"nodes": [{"node", "services": [{..., "meters": {...}}]} | {"node", "error"}]}}. */
  Future<JsonObject> snapshot() {
    JsonObject listOp = new JsonObject().put("op", "services");
    Future<List<ClusterNodes.Answer>> services = nodes.ask(NodeControl::address, listOp);
    Future<List<ClusterNodes.Answer>> meters = nodes.ask(NodeMonitor::address, new JsonObject().put("op", "meters"));
    return Future.all(services, meters).map(v -> {
      JsonArray list = new JsonArray();
      List<ClusterNodes.Answer> m = meters.result();
      for (ClusterNodes.Answer a : services.result()) {
        if (!a.ok()) {
          list.add(new JsonObject().put("node", a.node()).put("error", a.errorJson()));
          continue;
        }
        JsonObject addresses = m.stream().filter(x -> x.node().equals(a.node()) && x.ok()).findFirst()
            .map(x -> x.body().getJsonObject("addresses", new JsonObject())).orElse(new JsonObject());
        JsonArray withMeters = new JsonArray();
        for (Object o : a.body().getJsonArray("services", new JsonArray())) {
          JsonObject s = ((JsonObject) o).copy();
          Object address = s.getValue("address");
          JsonObject own = address instanceof String addr ? addresses.getJsonObject(addr) : null;
          s.put("meters", own != null ? own : emptyMeters());
          withMeters.add(s);
        }
        list.add(new JsonObject().put("node", a.node()).put("services", withMeters));
      }
      return new JsonObject().put("nodes", list);
    });
  }

  private static JsonObject emptyMeters() {
    return new JsonObject().put("requests", 0L).put("perSecond", 0.0).put("p50Ms", 0.0).put("p99Ms", 0.0)
        .put("errors", 0L).put("errorsByCode", new JsonObject());
  }

  private void control(RoutingContext ctx, String op) {
    String name = ctx.pathParam("name");
    if (!NAME.matcher(name).matches()) {
      ApiErrors.fail(ctx, ErrorCode.BAD_REQUEST, "service name '" + name + "' is not valid: a letter, then letters, "
          + "digits, '.', '_' or '-'");
      return;
    }
    JsonObject body = RequestBodies.object(ctx);
    if (body == null) {
      return;
    }
    JsonObject request = new JsonObject().put("op", op).put("name", name);
    if (op.equals("scale")) {
      if (!(body.getValue("instances") instanceof Integer instances)) {
        ApiErrors.fail(ctx, ErrorCode.BAD_REQUEST, "scale needs {\"instances\": n} with n a whole number");
        return;
      }
      request.put("instances", instances);
    }
    Object onlyNode = body.getValue("node");
    if (onlyNode != null && !(onlyNode instanceof String)) {
      ApiErrors.fail(ctx, ErrorCode.BAD_REQUEST, "\"node\" must be a node id (a string) when given");
      return;
    }
    runningOn(name, (String) onlyNode).compose(targets -> {
      if (targets.isEmpty()) {
        return Future.failedFuture(new NotFound(onlyNode == null ? "no node runs a service named '" + name + "'"
            : "node " + onlyNode + " does not run a service named '" + name + "'"));
      }
      List<Future<ClusterNodes.Answer>> acts = new ArrayList<>();
      for (String node : targets) {
        acts.add(nodes.control(node, NodeControl.address(node), request));
      }
      return Future.join(acts).transform(v -> Future.succeededFuture(acts.stream().map(Future::result).toList()));
    }).onComplete(ar -> {
      if (ar.failed()) {
        if (ar.cause() instanceof NotFound nf) {
          ApiErrors.fail(ctx, ErrorCode.NOT_FOUND, nf.getMessage());
        } else {
          ApiErrors.fail(ctx, ar.cause());
        }
        return;
      }
      List<ClusterNodes.Answer> answers = ar.result();
      if (answers.stream().noneMatch(ClusterNodes.Answer::ok)) {
        ClusterNodes.Answer first = answers.get(0);
        ApiErrors.fail(ctx, first.error(), first.message());
        return;
      }
      JsonArray results = new JsonArray();
      for (ClusterNodes.Answer a : answers) {
        results.add(a.ok() ? new JsonObject().put("node", a.node()).put("service", a.body())
            : new JsonObject().put("node", a.node()).put("error", a.errorJson()));
      }
      ctx.json(new JsonObject().put("service", name).put("op", op).put("results", results));
    });
  }

  /** The nodes whose control lists {@code name}; only {@code node} when given. */
  Future<List<String>> runningOn(String name, String node) {
    return nodes.ask(NodeControl::address, new JsonObject().put("op", "services")).map(answers -> {
      List<String> found = new ArrayList<>();
      for (ClusterNodes.Answer a : answers) {
        if (a.ok() && (node == null || node.equals(a.node())) && lists(a.body(), name)) {
          found.add(a.node());
        }
      }
      return found;
    });
  }

  private static boolean lists(JsonObject body, String name) {
    for (Object o : body.getJsonArray("services", new JsonArray())) {
      if (o instanceof JsonObject s && name.equals(s.getString("name"))) {
        return true;
      }
    }
    return false;
  }

  /** No node runs the service: a 404, not a fault. */
  static final class NotFound extends RuntimeException {
    NotFound(String message) {
      super(message, null, false, false);
    }
  }
}
