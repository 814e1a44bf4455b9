package io.conduit.web.tasks;

import io.conduit.codec.ErrorCode;
import io.conduit.codec.EventBusFailure;
import io.conduit.task.TaskState;
import io.conduit.web.ApiErrors;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The task queue's REST API, as a sub-router to mount at {@code /api/tasks}:
 * <pre>
 * POST   /api/tasks            {task, args, ...}  → 202, Location: /api/tasks/{id}, {"id"}
 * GET    /api/tasks/{id}                          → 200 status (state, progress, result | error ...)
 * GET    /api/tasks/{id}/events                   → text/event-stream of the task's changes
 * DELETE /api/tasks/{id}                          → 200 REVOKED, or 202 while a running task stops
 * GET    /api/tasks?state=&amp;limit=&amp;cursor=         → 200 {tasks, cursor}
 * </pre>
 * It talks to the queue over the event bus, so any node's queue answers. Errors are
 * {@link ApiErrors} bodies with the queue's codes (400, 404, 409 ...).
 */
public final class TaskRoutes {

  private static final long BODY_LIMIT = 1024 * 1024;
  private static final long REQUEST_TIMEOUT_MS = 30_000;
  /** How long an event stream goes without an event before it reads the task's status again. */
  static final long STATUS_RECHECK_MS = 5_000;

  private final Vertx vertx;
  private final String queue;
  private final long recheckMs;

  private TaskRoutes(Vertx vertx, String queue, long recheckMs) {
    this.vertx = vertx;
    this.queue = queue;
    this.recheckMs = recheckMs;
  }

  /** A router for the queue at {@code queueAddress}; mount it with {@code router.route("/api/tasks*").subRouter(...)}. */
  public static Router router(Vertx vertx, String queueAddress) {
    return router(vertx, queueAddress, STATUS_RECHECK_MS);
  }

  static Router router(Vertx vertx, String queueAddress, long recheckMs) {
    TaskRoutes routes = new TaskRoutes(vertx, queueAddress, recheckMs);
    Router router = Router.router(vertx);
    router.post("/").handler(BodyHandler.create().setBodyLimit(BODY_LIMIT)).handler(routes::submit);
    router.get("/").handler(routes::list);
    router.get("/:id/events").handler(routes::events);
    router.get("/:id").handler(routes::status);
    router.delete("/:id").handler(routes::cancel);
    return router;
  }

  private void submit(RoutingContext ctx) {
    JsonObject body;
    try {
      body = ctx.body().length() == 0 ? null : ctx.body().asJsonObject();
    } catch (DecodeException | ClassCastException e) {
      body = null;
    }
    if (body == null) {
      ApiErrors.fail(ctx, ErrorCode.BAD_REQUEST, "the body must be a JSON object: {\"task\": \"name\", \"args\": {...}}");
      return;
    }
    if (body.containsKey("op")) {
      ApiErrors.fail(ctx, ErrorCode.BAD_REQUEST, "unknown field 'op' (expected task, args, idempotencyKey, maxRetries, "
          + "timeoutMs, resultTtlMs)");
      return;
    }
    ask(body.copy().put("op", "submit")).onSuccess(reply -> {
      String id = reply.getString("id");
      ctx.response().setStatusCode(202).putHeader("Location", location(ctx, id))
          .putHeader("content-type", "application/json").end(reply.encode());
    }).onFailure(e -> ApiErrors.fail(ctx, e));
  }

  private void status(RoutingContext ctx) {
    ask(new JsonObject().put("op", "status").put("id", ctx.pathParam("id")))
        .onSuccess(reply -> json(ctx.response(), 200, reply))
        .onFailure(e -> ApiErrors.fail(ctx, e));
  }

  private void cancel(RoutingContext ctx) {
    ask(new JsonObject().put("op", "cancel").put("id", ctx.pathParam("id")))
        .onSuccess(reply -> json(ctx.response(), TaskState.REVOKED.name().equals(reply.getString("state")) ? 200 : 202,
            reply))
        .onFailure(e -> ApiErrors.fail(ctx, e));
  }

  private void list(RoutingContext ctx) {
    JsonObject request = new JsonObject().put("op", "list");
    String state = ctx.request().getParam("state");
    if (state != null && !state.isEmpty()) {
      request.put("state", state);
    }
    String limit = ctx.request().getParam("limit");
    if (limit != null) {
      try {
        request.put("limit", Integer.parseInt(limit));
      } catch (NumberFormatException e) {
        ApiErrors.fail(ctx, ErrorCode.BAD_REQUEST, "limit must be a whole number from 1 to 1000, got '" + limit + "'");
        return;
      }
    }
    String cursor = ctx.request().getParam("cursor");
    if (cursor != null) {
      request.put("cursor", cursor);
    }
    String newest = ctx.request().getParam("newest");
    if (newest != null) {
      if (!newest.equals("true") && !newest.equals("false")) {
        ApiErrors.fail(ctx, ErrorCode.BAD_REQUEST, "newest must be true or false, got '" + newest + "'");
        return;
      }
      request.put("newestFirst", Boolean.parseBoolean(newest));
    }
    ask(request).onSuccess(reply -> json(ctx.response(), 200, reply)).onFailure(e -> ApiErrors.fail(ctx, e));
  }

  /**
   * Server-sent events: the current status first, then every change until the task finishes. A
   * change between the first status and the subscription is not lost: the subscription is made
   * first. An event is sent at most once (a node killed between storing a change and publishing
   * it loses that event), so a stream without events for {@link #STATUS_RECHECK_MS} reads the
   * status again, and ends with it when the task has finished meanwhile, or with an
   * {@code event: error} (NOT_FOUND) when the task's record is gone.
   */
  private void events(RoutingContext ctx) {
    String id = ctx.pathParam("id");
    HttpServerResponse response = ctx.response();
    List<JsonObject> early = new ArrayList<>();
    boolean[] streaming = {false};
    MessageConsumer<JsonObject> consumer = vertx.eventBus().consumer(queue + ".events." + id);
    consumer.handler(m -> {
      if (streaming[0]) {
        forward(response, consumer, m.body());
      } else {
        early.add(m.body());
      }
    });
    consumer.completion().compose(v -> ask(new JsonObject().put("op", "status").put("id", id))).onSuccess(status -> {
      response.setChunked(true).putHeader("content-type", "text/event-stream").putHeader("cache-control", "no-cache");
      response.closeHandler(v -> consumer.unregister());
      streaming[0] = true;
      forward(response, consumer, status);
      early.forEach(e -> forward(response, consumer, e));
      recheckLater(id, response, consumer);
    }).onFailure(e -> {
      consumer.unregister();
      ApiErrors.fail(ctx, e);
    });
  }

  /** Reads the status once the stream has been quiet for a while: a lost final event must not leave it open. */
  private void recheckLater(String id, HttpServerResponse response, MessageConsumer<JsonObject> consumer) {
    if (response.ended() || response.closed()) {
      return;
    }
    long written = response.bytesWritten();
    vertx.setTimer(recheckMs, t -> {
      if (response.ended() || response.closed()) {
        return;
      }
      if (response.bytesWritten() != written) {
        recheckLater(id, response, consumer);
        return;
      }
      ask(new JsonObject().put("op", "status").put("id", id)).onComplete(ar -> {
        if (ar.succeeded() && finished(ar.result())) {
          forward(response, consumer, ar.result());
        } else if (ar.failed() && !response.ended() && !response.closed()
            && EventBusFailure.of(ar.cause(), queue, REQUEST_TIMEOUT_MS).code() == ErrorCode.NOT_FOUND) {
          // Its record is gone (its result expired): no event will ever come. Say so and end.
          consumer.unregister();
          response.end(sse("error", ApiErrors.body(ErrorCode.NOT_FOUND, "task '" + id + "' is no longer known to the "
              + "queue (finished longer ago than its resultTtlMs, or never submitted)")));
        }
        recheckLater(id, response, consumer);
      });
    });
  }

  /** Writes one event; the stream ends after the task's final state. */
  private static void forward(HttpServerResponse response, MessageConsumer<JsonObject> consumer, JsonObject event) {
    if (response.ended() || response.closed()) {
      consumer.unregister();
      return;
    }
    send(response, event);
    if (finished(event)) {
      consumer.unregister();
      response.end();
    }
  }

  private static boolean finished(JsonObject status) {
    String state = status.getString("state");
    return state != null && TaskState.parse(state).finished();
  }

  private static void send(HttpServerResponse response, JsonObject event) {
    response.write(sse(event.getString("state", "status").toLowerCase(Locale.ROOT), event));
  }

  /** One server-sent event: its name and its JSON data. */
  private static String sse(String name, JsonObject data) {
    return "event: " + name + "\ndata: " + data.encode() + "\n\n";
  }

  private Future<JsonObject> ask(JsonObject request) {
    return vertx.eventBus().<JsonObject>request(queue, request, new DeliveryOptions().setSendTimeout(REQUEST_TIMEOUT_MS))
        .map(m -> m.body());
  }

  private static void json(HttpServerResponse response, int status, JsonObject body) {
    response.setStatusCode(status).putHeader("content-type", "application/json").end(body.encode());
  }

  /** The task's URL under wherever this router is mounted. */
  private static String location(RoutingContext ctx, String id) {
    String mount = ctx.mountPoint() == null ? "/api/tasks" : ctx.mountPoint();
    return (mount.endsWith("/") ? mount : mount + "/") + id;
  }
}
