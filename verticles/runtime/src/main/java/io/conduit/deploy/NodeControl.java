package io.conduit.deploy;

import io.conduit.node.ServiceRoles;

import io.conduit.cluster.ClusterAccess;
import io.conduit.codec.ErrorCode;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.core.spi.cluster.ClusterManager;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.List;
import java.util.Map;

/**
 * A node's control point on the event bus, at {@code conduit.node.<nodeId>} ({@link #address(Vertx)}).
 * Requests are JSON objects with an {@code op}:
 * <ul>
 *   <li>{@code {"op": "services"}} → {@code {"node": id, "services": [ServiceInfo...]}}</li>
 *   <li>{@code {"op": "scale", "name": n, "instances": k}} → the service's {@link ServiceInfo} after the change</li>
 *   <li>{@code {"op": "stop", "name": n}}, {@code {"op": "start", "name": n}} → likewise</li>
 * </ul>
 * A refused request fails with an {@link ErrorCode} status and a sentence: 400 naming the bad field,
 * 404 for a service this node does not run, 409 for scaling a stopped service, 500 when an instance
 * fails to deploy. See {@link RunningServices} for what each operation does.
 * <p>With a token (the web console's), every request must carry the message header
 * {@value #AUTHORIZATION}{@code : Bearer <token>} ({@link #bearer(String)}); without it, or with
 * another token, the request fails with 403 and nothing changes. The console adds the header; a
 * bridge client reaches this address only when the bridge's {@code inbound} list names it, and then
 * needs the header too.
 */
public final class NodeControl {

  /** The prefix of every node's control address. */
  public static final String PREFIX = "conduit.node.";
  /** The node id of a Vert.x that is not clustered. */
  public static final String STANDALONE = "standalone";
  /** The message header that carries the console's token. */
  public static final String AUTHORIZATION = "authorization";

  private final RunningServices services;
  private final byte[] token;
  private volatile String deploymentId;

  /** Control without a token: any event-bus caller on the cluster may use it. */
  public NodeControl(RunningServices services) {
    this(services, null);
  }

  /** Control that requires {@code token} (null: none) in every request's {@value #AUTHORIZATION} header. */
  public NodeControl(RunningServices services, String token) {
    this.services = services;
    this.token = token == null ? null : token.getBytes(StandardCharsets.UTF_8);
  }

  /** The {@value #AUTHORIZATION} header value for {@code token}. */
  public static String bearer(String token) {
    return "Bearer " + token;
  }

  /** The cluster manager's id of this node, or {@value #STANDALONE}. */
  public static String nodeId(Vertx vertx) {
    ClusterManager manager = ClusterAccess.manager(vertx);
    return manager == null ? STANDALONE : manager.getNodeId();
  }

  /** The ids of every node in the cluster (this one alone when standalone). */
  public static List<String> nodeIds(Vertx vertx) {
    ClusterManager manager = ClusterAccess.manager(vertx);
    return manager == null ? List.of(STANDALONE) : List.copyOf(manager.getNodes());
  }

  /** This node's control address. */
  public static String address(Vertx vertx) {
    return address(nodeId(vertx));
  }

  /** The control address of the node with this id. */
  public static String address(String nodeId) {
    return PREFIX + nodeId;
  }

  /**
   * Starts answering at this node's control address. The consumer lives in a deployment of its own,
   * so it does not end with whichever service's context this happens to be called on.
   */
  public Future<Void> register() {
    return services.vertx().deployVerticle(new VerticleBase() {
      @Override
      public Future<?> start() {
        return vertx.eventBus().consumer(address(vertx), NodeControl.this::handle).completion();
      }
    }).map(id -> {
      deploymentId = id;
      return null;
    });
  }

  /** Stops answering. */
  public Future<Void> unregister() {
    String id = deploymentId;
    deploymentId = null;
    return id == null ? Future.succeededFuture() : services.vertx().undeploy(id);
  }

  private void handle(Message<Object> message) {
    if (token != null && !authorized(message)) {
      message.fail(ErrorCode.FORBIDDEN.status(), "node control needs the web console's token: send the header '"
          + AUTHORIZATION + ": Bearer <token>' with the token of the web service's config");
      return;
    }
    ControlRequest request;
    try {
      request = ControlRequest.parse(message.body());
    } catch (IllegalArgumentException e) {
      message.fail(ErrorCode.BAD_REQUEST.status(), e.getMessage());
      return;
    }
    Future<?> result = switch (request.op()) {
      case SERVICES -> Future.succeededFuture(new JsonObject().put("node", services.nodeId())
          .put("services", new JsonArray(services.list().stream().map(this::describe).toList())));
      case SCALE -> services.scale(request.name(), request.instances()).map(ServiceInfo::toJson);
      case STOP -> services.stop(request.name()).map(ServiceInfo::toJson);
      case START -> services.start(request.name()).map(ServiceInfo::toJson);
    };
    result.onComplete(done -> {
      if (done.succeeded()) {
        message.reply(done.result());
      } else if (done.cause() instanceof ServiceOperationException e) {
        message.fail(e.code().status(), e.getMessage());
      } else {
        message.fail(ErrorCode.INTERNAL.status(), InstanceDeployer.describe(done.cause()));
      }
    });
  }

  private boolean authorized(Message<Object> message) {
    for (Map.Entry<String, String> header : message.headers()) {
      String value = header.getValue();
      if (header.getKey().equalsIgnoreCase(AUTHORIZATION) && value != null
          && value.regionMatches(true, 0, "Bearer ", 0, 7)
          && MessageDigest.isEqual(value.substring(7).trim().getBytes(StandardCharsets.UTF_8), token)) {
        return true;
      }
    }
    return false;
  }

  /**
   * A service as the console lists it: its {@link ServiceInfo}, and for a {@link Stateful} one
   * {@code "stateful": true} with the roles its instances here report (owner with its epoch, or
   * standby with the reason), which the console shows in place of a Scale button.
   */
  private JsonObject describe(ServiceInfo info) {
    JsonObject json = info.toJson();
    services.specs().stream().filter(s -> s.name().equals(info.name()) && services.stateful(s)).findFirst()
        .ifPresent(s -> json.put("stateful", true).put("roles", new JsonArray(ServiceRoles.of(services.vertx(),
            s.ownAddress()))));
    return json;
  }
}
