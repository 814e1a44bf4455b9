package io.conduit.web.graph;

import io.conduit.bridge.AccessPolicy;
import io.conduit.bridge.Permissions;
import io.conduit.client.graph.Graph;
import io.conduit.client.graph.GraphStoreException;
import io.conduit.client.graph.io.GraphExport;
import io.conduit.client.graph.io.GraphFormat;
import io.conduit.client.graph.io.GraphImport;
import io.conduit.codec.ErrorCode;
import io.conduit.web.ApiErrors;
import io.conduit.web.KeepAlive;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

import java.nio.file.Path;

/**
 * A graph store's file routes, as a sub-router to mount at {@code /api/graph}:
 * <pre>
 * GET  /api/graph/{store}/export?format=graphml|graphson|json  → 200, the graph as a chunked download
 * POST /api/graph/{store}/import?format=graphml|graphson|json  (the file as the body) → 200 {"nodes", "edges"}
 * </pre>
 * The export streams: a worker writes the graph a page at a time and waits while the client reads
 * (the response's write queue), so no graph is held whole. The import writes the upload to a
 * temporary file as it arrives (an import reads its file three times), then loads it on a worker,
 * with interim {@code 100 Continue} responses meanwhile so the console's idle timeout does not cut
 * a long load off ({@link KeepAlive}).
 * Errors are {@link ApiErrors} bodies: 400 naming the format, the line and the problem, 404 for an
 * address where no graph store answers, 409 for an id that is taken, 413 for an upload over 16 GiB.
 */
public final class GraphRoutes {

  static final long MAX_UPLOAD_BYTES = 16L << 30;
  private static final long INFO_TIMEOUT_MS = 10_000;

  private final Vertx vertx;
  /** Vert.x's and Conduit's own addresses are no graph store's: refused as /api/call refuses them. */
  private final AccessPolicy access = AccessPolicy.forCalls(Permissions.everything(), "the web service's");

  private GraphRoutes(Vertx vertx) {
    this.vertx = vertx;
  }

  /** A router to mount with {@code api.route("/graph/*").subRouter(...)}. */
  public static Router router(Vertx vertx) {
    GraphRoutes routes = new GraphRoutes(vertx);
    Router router = Router.router(vertx);
    router.get("/:store/export").handler(routes::export);
    router.post("/:store/import").handler(routes::importFile);
    return router;
  }

  private void export(RoutingContext ctx) {
    GraphFormat format = format(ctx);
    String store = format == null ? null : store(ctx);
    if (store == null) {
      return;
    }
    graphStore(store).onSuccess(graph -> {
      Context context = vertx.getOrCreateContext();
      ResponseStream body = new ResponseStream(context, ctx.response(), response -> response.setChunked(true)
          .putHeader("content-type", format.mediaType())
          .putHeader("content-disposition", "attachment; filename=\"" + fileName(store) + format.extension() + "\""));
      KeepAlive.untilAnswered(ctx); // GraphML reads the whole graph for its keys before the first byte
      vertx.executeBlocking(() -> GraphExport.write(graph, format, body), false).onComplete(ar -> {
        if (ar.succeeded()) {
          body.start();
          ctx.response().end();
        } else if (body.started()) {
          ctx.response().reset(); // the status is out: a cut-off download is the only way left to say it failed
        } else {
          fail(ctx, ar.cause());
        }
      });
    }).onFailure(e -> fail(ctx, e));
  }

  private void importFile(RoutingContext ctx) {
    ctx.request().pause(); // until the store is known to be there: a refusal reads no body
    GraphFormat format = format(ctx);
    String store = format == null ? null : store(ctx);
    if (store == null) {
      closeAfter(ctx);
      return;
    }
    graphStore(store).compose(graph -> {
      if ("100-continue".equalsIgnoreCase(ctx.request().getHeader("expect"))) {
        ctx.response().writeContinue(); // the client waits for this before it sends a large file
      }
      return UploadSpool.spool(vertx, ctx.request(), MAX_UPLOAD_BYTES).compose(file -> {
        KeepAlive.untilAnswered(ctx); // the upload is in; loading it may take longer than the idle timeout
        return vertx.executeBlocking(() -> GraphImport.load(graph, format, Path.of(file)), false)
            .eventually(() -> vertx.fileSystem().delete(file));
      });
    })
        .onSuccess(loaded -> ctx.response().putHeader("content-type", "application/json").end(new JsonObject()
            .put("nodes", loaded.nodes()).put("edges", loaded.edges()).encode()))
        .onFailure(e -> {
          if (e instanceof UploadSpool.TooLarge) {
            closeAfter(ctx);
            ApiErrors.fail(ctx, ErrorCode.TOO_LARGE, e.getMessage());
          } else {
            fail(ctx, e);
          }
        });
  }

  /** The graph at {@code store}, once a graph store has answered there. */
  private Future<Graph> graphStore(String store) {
    return vertx.eventBus().<Object>request(store, new JsonObject().put("op", "info"),
        new DeliveryOptions().setSendTimeout(INFO_TIMEOUT_MS)).transform(ar -> {
          if (ar.failed() && ar.cause() instanceof ReplyException r && r.failureType() == ReplyFailure.NO_HANDLERS) {
            return Future.failedFuture(new GraphStoreException(404, ErrorCode.NOT_FOUND, "no graph store at '" + store + "'"));
          }
          if (ar.failed()) {
            return Future.failedFuture(ar.cause());
          }
          if (!(ar.result().body() instanceof JsonObject info) || !(info.getValue("nextId") instanceof Number)) {
            return Future.failedFuture(new GraphStoreException(404, ErrorCode.NOT_FOUND, "'" + store
                + "' answers, but not as a graph store"));
          }
          return Future.succeededFuture(Graph.overEventBus(vertx, store));
        });
  }

  private GraphFormat format(RoutingContext ctx) {
    String name = ctx.request().getParam("format");
    if (name == null || name.isEmpty()) {
      ApiErrors.fail(ctx, ErrorCode.BAD_REQUEST, "the format parameter is needed: ?format=" + GraphFormat.names());
      return null;
    }
    try {
      return GraphFormat.named(name);
    } catch (IllegalArgumentException e) {
      ApiErrors.fail(ctx, ErrorCode.BAD_REQUEST, e.getMessage());
      return null;
    }
  }

  private String store(RoutingContext ctx) {
    String store = ctx.pathParam("store");
    if (store.isEmpty() || store.length() > 256) {
      ApiErrors.fail(ctx, ErrorCode.BAD_REQUEST, "the store's address must be 1-256 characters");
      return null;
    }
    AccessPolicy.Verdict verdict = access.mayCall(store);
    if (!verdict.allowed()) {
      ApiErrors.fail(ctx, ErrorCode.FORBIDDEN, verdict.reason());
      return null;
    }
    return store;
  }

  private static void fail(RoutingContext ctx, Throwable e) {
    if (e instanceof GraphStoreException g) {
      ApiErrors.fail(ctx, g.code(), g.getMessage());
    } else if (e instanceof ReplyException) {
      ApiErrors.fail(ctx, e);
    } else {
      ApiErrors.fail(ctx, ErrorCode.INTERNAL, e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage());
    }
  }

  /** An answer before the body was read: the connection closes after it rather than read the rest. */
  private static void closeAfter(RoutingContext ctx) {
    ctx.response().putHeader("connection", "close");
  }

  /** The store's address as a download's file name (letters, digits, '.', '_', '-'). */
  private static String fileName(String store) {
    return store.replaceAll("[^A-Za-z0-9._-]", "_");
  }
}
