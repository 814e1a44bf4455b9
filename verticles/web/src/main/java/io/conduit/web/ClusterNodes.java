package io.conduit.web;

import io.conduit.cluster.ClusterAccess;
import io.conduit.codec.ErrorCode;
import io.conduit.codec.EventBusFailure;
import io.conduit.deploy.NodeControl;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.core.spi.cluster.ClusterManager;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * The cluster's nodes as the console sees them, and one request fanned out to a per-node address
 * on each. A node that does not answer is reported with an error body instead of failing the page.
 */
final class ClusterNodes {

  /** How long a page waits for a node's answer: a node that takes longer is shown as not answering. */
  static final long READ_TIMEOUT_MS = 5_000;

  private final Vertx vertx;
  private final long controlTimeoutMs;
  private final String controlToken;

  /**
   * @param controlTimeoutMs how long a control (scale, stop, start: deployments) may take
   * @param controlToken     the console's token, which nodes' {@link NodeControl} requires; null for none
   */
  ClusterNodes(Vertx vertx, long controlTimeoutMs, String controlToken) {
    this.vertx = vertx;
    this.controlTimeoutMs = controlTimeoutMs;
    this.controlToken = controlToken;
  }

  /** Node ids, this node first. */
  List<String> ids() {
    ClusterManager cluster = ClusterAccess.manager(vertx);
    String self = NodeMonitor.nodeId(vertx);
    List<String> ids = new ArrayList<>();
    ids.add(self);
    if (cluster != null) {
      cluster.getNodes().stream().filter(id -> !id.equals(self)).sorted().forEach(ids::add);
    }
    return ids;
  }

  /** Sends {@code request} to {@code addressOf(node)} for every node; the list follows {@link #ids()}. */
  Future<List<Answer>> ask(Function<String, String> addressOf, JsonObject request) {
    List<String> ids = ids();
    List<Future<Answer>> answers = new ArrayList<>();
    for (String id : ids) {
      answers.add(ask(id, addressOf.apply(id), request, READ_TIMEOUT_MS));
    }
    return Future.join(answers).transform(ignored -> Future.succeededFuture(answers.stream().map(Future::result).toList()));
  }

  /** One node's answer to a read; never a failed future. */
  Future<Answer> ask(String node, String address, JsonObject request) {
    return ask(node, address, request, READ_TIMEOUT_MS);
  }

  /** One node's answer to a control request, which may deploy instances; never a failed future. */
  Future<Answer> control(String node, String address, JsonObject request) {
    return ask(node, address, request, controlTimeoutMs);
  }

  private Future<Answer> ask(String node, String address, JsonObject request, long timeoutMs) {
    DeliveryOptions delivery = new DeliveryOptions().setSendTimeout(timeoutMs);
    // only node control gets the token: no other consumer has any use for it
    if (controlToken != null && address.startsWith(NodeControl.PREFIX)) {
      delivery.addHeader(NodeControl.AUTHORIZATION, NodeControl.bearer(controlToken));
    }
    return vertx.eventBus().<Object>request(address, request, delivery)
        .map(reply -> new Answer(node, reply.body() instanceof JsonObject j ? j : new JsonObject(), null, null))
        .otherwise(failure -> new Answer(node, null, code(failure), failure.getMessage()));
  }

  static ErrorCode code(Throwable failure) {
    return EventBusFailure.of(failure, "a node", 0).code();
  }

  /** A node's reply body, or the code and message it failed with. */
  record Answer(String node, JsonObject body, ErrorCode error, String message) {
    boolean ok() {
      return error == null;
    }

    JsonObject errorJson() {
      return ApiErrors.body(error, message == null ? error.name() : message);
    }
  }
}
