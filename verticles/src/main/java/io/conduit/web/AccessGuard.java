package io.conduit.web;

import io.conduit.codec.ErrorCode;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.RoutingContext;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.List;
import java.util.Locale;

/**
 * The console's access rules, checked before any API handler:
 * <ul>
 *   <li>with a token configured, every API and metrics request carries {@code Authorization: Bearer <token>};</li>
 *   <li>a POST (the only kind of request that changes anything) has a JSON body type and, when a
 *   browser sends an {@code Origin}, comes from the console itself or an allowed origin, so another
 *   web page cannot post a form to a console on loopback;</li>
 *   <li>on a loopback bind, the {@code Host} header names loopback, so a DNS-rebinding page cannot
 *   reach the console under a name of its own.</li>
 * </ul>
 */
final class AccessGuard {

  private final byte[] token;
  private final List<String> allowedOrigins;
  private final boolean loopback;

  AccessGuard(WebOptions options, boolean loopback) {
    this.token = options.token() == null ? null : options.token().getBytes(StandardCharsets.UTF_8);
    this.allowedOrigins = options.allowedOrigins();
    this.loopback = loopback;
  }

  /** True when {@code host} names a loopback interface; may resolve a name, so call it off the event loop. */
  static boolean isLoopback(String host) {
    try {
      for (InetAddress a : InetAddress.getAllByName(host)) {
        if (!a.isLoopbackAddress()) {
          return false;
        }
      }
      return true;
    } catch (UnknownHostException e) {
      throw new IllegalArgumentException("web: host '" + host + "' does not resolve");
    }
  }

  /** Checks the Host header on every request. */
  void host(RoutingContext ctx) {
    if (loopback && !loopbackHost(ctx.request().authority() == null ? null : ctx.request().authority().host())) {
      ApiErrors.fail(ctx, ErrorCode.FORBIDDEN, "this console serves loopback only; the Host header must be "
          + "localhost, 127.0.0.1 or [::1]");
      return;
    }
    ctx.next();
  }

  /** Checks the bearer token (when one is configured) on API and metrics requests. */
  void token(RoutingContext ctx) {
    if (token != null && !bearerMatches(ctx.request().getHeader("Authorization"))) {
      ctx.response().putHeader("WWW-Authenticate", "Bearer realm=\"conduit\"");
      ApiErrors.fail(ctx, ErrorCode.FORBIDDEN, "missing or wrong bearer token: send 'Authorization: Bearer <token>' "
          + "with the token from the web service's config");
      return;
    }
    ctx.next();
  }

  /** Checks what every state-changing request must carry. */
  void post(RoutingContext ctx) {
    if (ctx.request().method() != HttpMethod.POST) {
      ctx.next();
      return;
    }
    String type = ctx.request().getHeader("Content-Type");
    if (type == null || !type.toLowerCase(Locale.ROOT).startsWith("application/json")) {
      ApiErrors.fail(ctx, ErrorCode.BAD_REQUEST, "a POST must have 'Content-Type: application/json' (and a JSON body, {} when empty)");
      return;
    }
    String origin = ctx.request().getHeader("Origin");
    if (origin != null && !sameOrigin(ctx, origin) && !allowedOrigins.contains(origin)) {
      ApiErrors.fail(ctx, ErrorCode.FORBIDDEN, "requests from origin " + origin + " are not allowed (allowedOrigins)");
      return;
    }
    ctx.next();
  }

  private boolean bearerMatches(String header) {
    if (header == null || !header.regionMatches(true, 0, "Bearer ", 0, 7)) {
      return false;
    }
    byte[] given = header.substring(7).trim().getBytes(StandardCharsets.UTF_8);
    return MessageDigest.isEqual(given, token);
  }

  private static boolean sameOrigin(RoutingContext ctx, String origin) {
    var authority = ctx.request().authority();
    if (authority == null) {
      return false;
    }
    String hostPort = authority.host() + (authority.port() > 0 ? ":" + authority.port() : "");
    return origin.equals("http://" + hostPort) || origin.equals("https://" + hostPort);
  }

  private static boolean loopbackHost(String host) {
    if (host == null) {
      return false;
    }
    String h = host.toLowerCase(Locale.ROOT);
    return h.equals("localhost") || h.equals("127.0.0.1") || h.equals("[::1]") || h.equals("::1")
        || h.startsWith("127.");
  }
}
