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
 *   <li>a POST (the only kind of request that changes anything) has a JSON body type (an upload: one
 *   of its route's types, never one a form can send, see {@link StreamedUpload}) and, when a browser
 *   sends an {@code Origin}, comes from the console itself or an allowed origin, so another web page
 *   cannot post a form to a console on loopback;</li>
 *   <li>on a loopback bind, the {@code Host} header is exactly a loopback name ({@code localhost},
 *   {@code 127.x.y.z}, {@code [::1]}) with at most this console's port, so a DNS-rebinding page cannot
 *   reach the console under a name of its own.</li>
 * </ul>
 */
final class AccessGuard {

  private final byte[] token;
  private final List<String> allowedOrigins;
  private final boolean loopback;
  private final List<StreamedUpload> uploads;

  AccessGuard(WebOptions options, boolean loopback, List<StreamedUpload> uploads) {
    this.token = options.token() == null ? null : options.token().getBytes(StandardCharsets.UTF_8);
    this.allowedOrigins = options.allowedOrigins();
    this.loopback = loopback;
    this.uploads = List.copyOf(uploads);
  }

  /** The upload route this request is for, or null when it is an ordinary API request. */
  StreamedUpload upload(RoutingContext ctx) {
    for (StreamedUpload upload : uploads) {
      if (upload.matches(ctx)) {
        return upload;
      }
    }
    return null;
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

  /**
   * On a loopback bind, lets a request through only when its one {@code Host} header is
   * {@link HostHeader#isLoopback() a loopback name} with no port or this console's port. Nothing is
   * resolved: a name that merely starts like a loopback address ({@code 127.0.0.1.nip.io}) is refused.
   */
  void host(RoutingContext ctx) {
    if (!refusedHost(ctx)) {
      ctx.next();
    }
  }

  /**
   * Ends the request with the Host refusal when {@link #host} would refuse it; true when it did. The
   * failure handler asks too, since the router fails a request whose Host it cannot parse before any route.
   */
  boolean refusedHost(RoutingContext ctx) {
    if (!loopback || loopbackHost(ctx)) {
      return false;
    }
    List<String> given = ctx.request().headers().getAll("Host");
    String got = given.isEmpty() ? "no Host header" : given.size() > 1 ? given.size() + " Host headers"
        : "Host '" + clip(given.get(0)) + "'";
    ApiErrors.fail(ctx, ErrorCode.FORBIDDEN, "this console serves loopback only, so the Host header must be "
        + HostHeader.loopbackForms(ctx.request().localAddress().port()) + "; got " + got);
    return true;
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
    StreamedUpload upload = upload(ctx);
    if (upload != null && !upload.accepts(type)) {
      ApiErrors.fail(ctx, ErrorCode.BAD_REQUEST, "this upload must have a Content-Type of "
          + String.join(", ", upload.mediaTypes()) + "; got " + (type == null ? "none" : "'" + type + "'"));
      return;
    }
    if (upload == null && (type == null || !type.toLowerCase(Locale.ROOT).startsWith("application/json"))) {
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

  /**
   * True when {@code origin} is the console itself as the browser reached it: the Host header's
   * host and port; on a loopback bind, also a loopback name and this console's port, never a prefix.
   */
  private boolean sameOrigin(RoutingContext ctx, String origin) {
    int sep = origin.indexOf("://");
    String scheme = sep < 0 ? "" : origin.substring(0, sep).toLowerCase(Locale.ROOT);
    int defaultPort = scheme.equals("http") ? 80 : scheme.equals("https") ? 443 : -1;
    HostHeader from = defaultPort < 0 ? null : HostHeader.parse(origin.substring(sep + 3));
    HostHeader to = HostHeader.parse(ctx.request().getHeader("Host"));
    if (from == null || to == null) {
      return false;
    }
    if (loopback) {
      int port = from.port() < 0 ? defaultPort : from.port();
      return from.isLoopback() && from.host().equals(to.host()) && port == ctx.request().localAddress().port();
    }
    return from.equals(to); // as the browser named the console, which may sit behind a proxy
  }

  private static boolean loopbackHost(RoutingContext ctx) {
    List<String> given = ctx.request().headers().getAll("Host");
    HostHeader host = given.size() == 1 ? HostHeader.parse(given.get(0)) : null;
    return host != null && host.isLoopback() && (host.port() < 0 || host.port() == ctx.request().localAddress().port());
  }

  private static String clip(String value) {
    return value.length() <= 100 ? value : value.substring(0, 100) + "...";
  }
}
