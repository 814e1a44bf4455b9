package io.conduit.web;

import io.conduit.codec.ErrorCode;
import io.conduit.node.FrontDoor;
import io.conduit.store.owner.OwnerWatch;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.handler.BodyHandler;
import io.vertx.ext.web.handler.CorsHandler;
import io.vertx.ext.web.handler.StaticHandler;

import java.util.ArrayList;
import java.util.List;
import java.util.ServiceLoader;
import java.util.Set;

/**
 * Conduit's web console, REST API ({@code /api/...}), Prometheus scrape ({@code /metrics}) and
 * health checks ({@code /health}) on one HTTP server. Loopback by default; binding any other
 * interface is refused at start-up unless the config has a bearer {@code token}. Config:
 * {@link WebOptions}. Deploy one instance per node that should serve the console; the console shows
 * the whole cluster.
 */
public class WebVerticle extends VerticleBase implements FrontDoor {

  private static final System.Logger LOG = System.getLogger(WebVerticle.class.getName());
  /** Largest request body the API reads. */
  static final long MAX_BODY_BYTES = 1024 * 1024;

  private WebOptions options;
  private HttpServer server;
  private LiveStream live;
  private OwnerWatch owners;

  @Override
  public Future<?> start() {
    try {
      options = WebOptions.fromJson(config());
    } catch (IllegalArgumentException e) {
      return Future.failedFuture(e);
    }
    return vertx.executeBlocking(() -> AccessGuard.isLoopback(options.host())).compose(loopback -> {
      if (!loopback && options.token() == null) {
        return Future.failedFuture(new IllegalArgumentException("web: binding " + options.host()
            + " makes the console reachable from other machines; set a \"token\" (at least "
            + WebOptions.MIN_TOKEN_LENGTH + " characters) in the web service's config, or bind 127.0.0.1"));
      }
      // conduit serve installed the monitor with its service registry before deploying us; under the
      // stock launcher there is no registry, so log records stay keyed by deployment.
      NodeMonitor.install(vertx, deployment -> null, service -> List.of());
      ConnectionTimeouts timeouts = new ConnectionTimeouts(vertx, options);
      List<ApiExtension> extensions = extensions();
      List<StreamedUpload> uploads = extensions.stream().flatMap(e -> e.uploads().stream()).toList();
      Router router = router(timeouts, new AccessGuard(options, loopback, uploads), extensions);
      return vertx.createHttpServer(timeouts.serverOptions()).connectionHandler(timeouts::connected)
          .requestHandler(router).listen(options.port(), options.host());
    }).onSuccess(s -> {
      server = s;
      LOG.log(System.Logger.Level.INFO, "web console on http://" + options.host() + ":" + s.actualPort() + "/");
    });
  }

  @Override
  public Future<?> stop() {
    if (live != null) {
      live.closeAll();
    }
    if (owners != null) {
      owners.close();
    }
    return server == null ? Future.succeededFuture() : server.close();
  }

  /** The port the server listens on (the configured one, or the free one picked for port 0). */
  public int actualPort() {
    return server == null ? -1 : server.actualPort();
  }

  private Router router(ConnectionTimeouts timeouts, AccessGuard guard, List<ApiExtension> extensions) {
    Router router = Router.router(vertx);
    router.route().handler(timeouts::requestArrived);
    router.route().handler(guard::host);
    if (!options.allowedOrigins().isEmpty()) {
      router.route().handler(CorsHandler.create().addOrigins(options.allowedOrigins())
          .allowedMethods(Set.of(HttpMethod.GET, HttpMethod.POST))
          .allowedHeaders(Set.of("Authorization", "Content-Type")));
    }
    router.route("/api/*").handler(guard::token);
    router.route("/metrics").handler(guard::token);
    BodyHandler bodies = BodyHandler.create(false).setBodyLimit(MAX_BODY_BYTES);
    router.route("/api/*").handler(ctx -> {
      if (guard.upload(ctx) != null) {
        ctx.next(); // its route reads the body as a stream
      } else {
        bodies.handle(ctx);
      }
    });
    router.route("/api/*").handler(guard::post);
    router.route("/api/*").subRouter(api(extensions));
    router.get("/metrics").handler(ctx -> ctx.response()
        .putHeader("content-type", "text/plain; version=0.0.4; charset=utf-8")
        .end(ConduitMetrics.registry().scrape()));
    HealthRoutes.mount(vertx, router);
    router.route("/*").handler(StaticHandler.create("io/conduit/web/console").setCachingEnabled(false));
    router.route().failureHandler(ctx -> {
      timeouts.answering(ctx);
      if (guard.refusedHost(ctx)) {
        return;
      }
      if (ctx.statusCode() == 413) {
        ApiErrors.fail(ctx, ErrorCode.TOO_LARGE, "the request body is over " + MAX_BODY_BYTES + " bytes");
      } else if (ctx.failure() != null && !(ctx.failure() instanceof ReplyException)
          && ctx.statusCode() >= 400 && ctx.statusCode() < 500) {
        // the router's own refusal (no Host, no path): a client error, not an internal one
        ApiErrors.fail(ctx, ErrorCode.forStatus(ctx.statusCode()), ctx.failure().getMessage());
      } else if (ctx.failure() != null) {
        ApiErrors.fail(ctx, ctx.failure());
      } else {
        ApiErrors.fail(ctx, ErrorCode.forStatus(ctx.statusCode()), "request failed with status " + ctx.statusCode());
      }
    });
    return router;
  }

  private Router api(List<ApiExtension> extensions) {
    Router api = Router.router(vertx);
    ClusterNodes nodes = new ClusterNodes(vertx, options.callTimeoutMs(), options.token());
    ServicesApi services = new ServicesApi(nodes);
    new NodesApi(nodes).mount(api);
    services.mount(api);
    new LogsApi(nodes, services).mount(api);
    owners = OwnerWatch.start(vertx);
    new CallApi(vertx, options.inbound(), options.callTimeoutMs(), options.idleTimeoutMs(), owners).mount(api);
    new BridgeApi(nodes).mount(api);
    live = new LiveStream(vertx, services);
    live.mount(api);
    // routed before the extensions, so none of them can take the path over
    JsonObject viewList = new JsonObject();
    api.get("/views").handler(ctx -> ctx.json(viewList));
    List<ConsoleView> views = new ArrayList<>(List.of(BridgeApi.VIEW));
    mountExtensions(api, views, extensions);
    viewList.put("views", new JsonArray(views.stream().map(ConsoleView::toJson).toList()));
    api.route().last().handler(ctx -> ApiErrors.fail(ctx, ErrorCode.NOT_FOUND,
        "no API endpoint " + ctx.request().method() + " " + ctx.request().path()));
    return api;
  }

  /**
   * The capabilities' API extensions on the class path: Conduit's own first, then the others by class
   * name, so every node has the same panels in the same order, whatever order the class path lists them in.
   */
  private static List<ApiExtension> extensions() {
    List<ApiExtension> extensions = new ArrayList<>();
    ServiceLoader.load(ApiExtension.class).forEach(extensions::add);
    extensions.sort(java.util.Comparator.comparing((ApiExtension e) -> !e.getClass().getName().startsWith("io.conduit."))
        .thenComparing(e -> e.getClass().getName()));
    return extensions;
  }

  /**
   * The mount point for other capabilities' routes ({@code /api/tasks}) and console panels: see
   * {@link ApiExtension}. A panel whose id is already taken is left out with a warning.
   */
  private void mountExtensions(Router api, List<ConsoleView> views, List<ApiExtension> extensions) {
    for (ApiExtension extension : extensions) {
      extension.mount(vertx, api);
      for (ConsoleView view : extension.views()) {
        if (views.stream().anyMatch(v -> v.id().equals(view.id()))) {
          LOG.log(System.Logger.Level.WARNING, "console view '" + view.id() + "' of "
              + extension.getClass().getName() + " left out: another capability has a view of that id");
        } else {
          views.add(view);
        }
      }
    }
  }
}
