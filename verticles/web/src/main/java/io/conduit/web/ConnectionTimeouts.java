package io.conduit.web;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.RoutingContext;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * How long the console lets a client hold a connection without using it, so slow or silent
 * clients (slowloris) cannot pile up open connections:
 * <ul>
 *   <li>no traffic either way for {@code idleTimeoutMs} closes the connection (Vert.x's idle timeout);</li>
 *   <li>a connection must send its first request's complete headers within {@code headerTimeoutMs} of
 *   opening, and each later request's within {@code idleTimeoutMs + headerTimeoutMs} of the previous
 *   response, so sending a byte now and then does not keep it open;</li>
 *   <li>an event stream ({@code text/event-stream}) gets a comment line every {@code idleTimeoutMs / 2},
 *   so a quiet stream is not taken for an idle connection; a request whose answer takes long to work
 *   out (a graph import) gets interim {@code 100 Continue} responses as often ({@link KeepAlive}).</li>
 * </ul>
 * HTTP/1.1 only: HTTP/2 over plain TCP (h2c) is off, since requests in flight side by side on one
 * connection would defeat a per-connection header deadline (and the console needs none of it).
 */
final class ConnectionTimeouts {

  /** Longest request line (method, path with query, version) the console reads; longer is 414. */
  static final int MAX_INITIAL_LINE_BYTES = 4096;
  /** Most header bytes of one request the console reads; more is 431. */
  static final int MAX_HEADER_BYTES = 8192;

  private static final String SEEN = ConnectionTimeouts.class.getName();

  private final Vertx vertx;
  private final long idleTimeoutMs;
  private final long headerTimeoutMs;
  private final Map<HttpConnection, Long> headerDeadlines = new ConcurrentHashMap<>();

  ConnectionTimeouts(Vertx vertx, WebOptions options) {
    this.vertx = vertx;
    this.idleTimeoutMs = options.idleTimeoutMs();
    this.headerTimeoutMs = options.headerTimeoutMs();
  }

  /** The server's options: idle timeout, request-line and header limits, HTTP/1.1 only. */
  HttpServerOptions serverOptions() {
    return new HttpServerOptions()
        .setIdleTimeout((int) idleTimeoutMs).setIdleTimeoutUnit(TimeUnit.MILLISECONDS)
        .setMaxInitialLineLength(MAX_INITIAL_LINE_BYTES).setMaxHeaderSize(MAX_HEADER_BYTES)
        .setHttp2ClearTextEnabled(false);
  }

  /** The server's connection handler: the first request's headers are due. */
  void connected(HttpConnection connection) {
    connection.closeHandler(v -> cancel(connection));
    arm(connection, headerTimeoutMs);
  }

  /** The router's first handler: this request's headers are in; the next one's are due once it is answered. */
  void requestArrived(RoutingContext ctx) {
    answering(ctx);
    ctx.next();
  }

  /**
   * What {@link #requestArrived} does, for the failure handler too: the router fails a request whose
   * Host it cannot parse before running any route. Once per request.
   */
  void answering(RoutingContext ctx) {
    if (ctx.get(SEEN) != null) {
      return;
    }
    ctx.put(SEEN, Boolean.TRUE);
    ctx.put(KeepAlive.KEY, new KeepAlive(vertx, Math.max(1, idleTimeoutMs / 2)));
    HttpConnection connection = ctx.request().connection();
    cancel(connection);
    ctx.addHeadersEndHandler(v -> keepStreamAlive(ctx));
    ctx.addEndHandler(ar -> {
      if (!ctx.response().closed()) {
        arm(connection, idleTimeoutMs + headerTimeoutMs);
      }
    });
  }

  private void arm(HttpConnection connection, long delayMs) {
    long timer = vertx.setTimer(delayMs, id -> {
      if (headerDeadlines.remove(connection, id)) {
        connection.close();
      }
    });
    Long previous = headerDeadlines.put(connection, timer);
    if (previous != null) {
      vertx.cancelTimer(previous);
    }
  }

  private void cancel(HttpConnection connection) {
    Long timer = headerDeadlines.remove(connection);
    if (timer != null) {
      vertx.cancelTimer(timer);
    }
  }

  private void keepStreamAlive(RoutingContext ctx) {
    HttpServerResponse response = ctx.response();
    String type = response.headers().get("content-type");
    if (type == null || !type.startsWith("text/event-stream")) {
      return;
    }
    long timer = vertx.setPeriodic(Math.max(1, idleTimeoutMs / 2), id -> {
      if (response.ended() || response.closed()) {
        vertx.cancelTimer(id);
      } else if (!response.writeQueueFull()) {
        response.write(": keep-alive\n\n");
      }
    });
    ctx.addEndHandler(ar -> vertx.cancelTimer(timer));
  }
}
