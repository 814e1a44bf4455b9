package io.conduit.web;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.http.HttpVersion;
import io.vertx.ext.web.RoutingContext;

/**
 * Keeps the console's idle timeout from closing a connection while the answer to its request is
 * being worked out, as a graph import loading for minutes after its upload: until the response's
 * head goes out, an interim {@code 100 Continue} every {@code idleTimeoutMs / 2}. HTTP/1.1 clients
 * read past interim responses (RFC 9110, section 15.2), and the traffic keeps the connection alive.
 */
public final class KeepAlive {

  static final String KEY = KeepAlive.class.getName();

  private final Vertx vertx;
  private final long periodMs;

  KeepAlive(Vertx vertx, long periodMs) {
    this.vertx = vertx;
    this.periodMs = periodMs;
  }

  /** Starts it for this request, until its response's head is written or the connection closes. */
  public static void untilAnswered(RoutingContext ctx) {
    KeepAlive keepAlive = ctx.get(KEY);
    if (keepAlive != null && ctx.request().version() == HttpVersion.HTTP_1_1) {
      keepAlive.start(ctx.response());
    }
  }

  private void start(HttpServerResponse response) {
    vertx.setPeriodic(periodMs, id -> {
      if (response.headWritten() || response.ended() || response.closed()) {
        vertx.cancelTimer(id);
      } else {
        response.writeContinue();
      }
    });
  }
}
