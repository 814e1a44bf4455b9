package io.conduit.web;

import io.conduit.bridge.Permissions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The web console's configuration, parsed once from the verticle's config:
 * <pre>{@code
 * {"host": "127.0.0.1", "port": 8080, "token": "a long secret", "allowedOrigins": ["https://ops.example"],
 *  "inbound": ["echo", {"regex": "docs(\\..+)?"}], "callTimeoutMs": 10000, "idleTimeoutMs": 30000,
 *  "headerTimeoutMs": 10000}
 * }</pre>
 *
 * @param host           interface to bind; anything but loopback needs a token
 * @param port           TCP port (0 picks a free one)
 * @param token          bearer token the API requires, or null (allowed on loopback only)
 * @param allowedOrigins browser origins allowed cross-origin (CORS); empty means none
 * @param inbound        addresses {@code POST /api/call} may invoke, same rules as the bridge's {@code inbound}
 * @param callTimeoutMs  default reply timeout of {@code /api/call} and of the console's calls to nodes;
 *                       below {@code idleTimeoutMs}, which would otherwise cut the waiting request off
 * @param idleTimeoutMs  a connection with no traffic either way for this long is closed
 * @param headerTimeoutMs a connection that has not sent a request's complete headers this long after it
 *                       opened (or, kept alive, {@code idleTimeoutMs + headerTimeoutMs} after its last
 *                       response) is closed
 */
public record WebOptions(String host, int port, String token, List<String> allowedOrigins, Permissions inbound,
                         long callTimeoutMs, long idleTimeoutMs, long headerTimeoutMs) {

  public static final String DEFAULT_HOST = "127.0.0.1";
  public static final int DEFAULT_PORT = 8080;
  /** Tokens shorter than this are refused: a bearer token is the only lock on a non-loopback console. */
  public static final int MIN_TOKEN_LENGTH = 16;
  public static final long DEFAULT_IDLE_TIMEOUT_MS = 30_000;
  public static final long DEFAULT_HEADER_TIMEOUT_MS = 10_000;
  private static final long MAX_CONNECTION_TIMEOUT_MS = 3_600_000;
  private static final Set<String> FIELDS = Set.of("host", "port", "token", "allowedOrigins", "inbound", "callTimeoutMs",
      "idleTimeoutMs", "headerTimeoutMs");

  public WebOptions {
    allowedOrigins = List.copyOf(allowedOrigins);
  }

  /** Parses and validates; the message of the {@link IllegalArgumentException} names the field. */
  public static WebOptions fromJson(JsonObject config) {
    for (String key : config.fieldNames()) {
      if (!FIELDS.contains(key)) {
        throw new IllegalArgumentException("web: unknown config field '" + key + "' (expected one of "
            + String.join(", ", FIELDS.stream().sorted().toList()) + ")");
      }
    }
    Object host = config.getValue("host", DEFAULT_HOST);
    if (!(host instanceof String h) || h.isBlank()) {
      throw new IllegalArgumentException("web: host must be a non-empty string, got " + host);
    }
    Object port = config.getValue("port", DEFAULT_PORT);
    if (!(port instanceof Integer p) || p < 0 || p > 65535) {
      throw new IllegalArgumentException("web: port must be a whole number 0-65535, got " + port);
    }
    Object token = config.getValue("token");
    if (token != null && (!(token instanceof String t) || t.length() < MIN_TOKEN_LENGTH || t.isBlank())) {
      throw new IllegalArgumentException("web: token must be a string of at least " + MIN_TOKEN_LENGTH
          + " characters (e.g. from 'openssl rand -hex 24')");
    }
    long callTimeout = millis(config, "callTimeoutMs", 10_000, 600_000);
    long idleTimeout = millis(config, "idleTimeoutMs", DEFAULT_IDLE_TIMEOUT_MS, MAX_CONNECTION_TIMEOUT_MS);
    long headerTimeout = millis(config, "headerTimeoutMs", DEFAULT_HEADER_TIMEOUT_MS, MAX_CONNECTION_TIMEOUT_MS);
    if (callTimeout >= idleTimeout) {
      throw new IllegalArgumentException("web: callTimeoutMs (" + callTimeout + ") must be below idleTimeoutMs ("
          + idleTimeout + "): a request waiting that long with no traffic would be cut off by the idle timeout");
    }
    return new WebOptions(h, p, (String) token, origins(config.getValue("allowedOrigins")),
        inbound(config.getValue("inbound")), callTimeout, idleTimeout, headerTimeout);
  }

  private static long millis(JsonObject config, String field, long defaultValue, long max) {
    Object value = config.getValue(field, defaultValue);
    if (!(value instanceof Integer || value instanceof Long) || ((Number) value).longValue() < 1
        || ((Number) value).longValue() > max) {
      throw new IllegalArgumentException("web: " + field + " must be a whole number of milliseconds 1-" + max
          + ", got " + (value instanceof String ? "\"" + value + "\"" : value));
    }
    return ((Number) value).longValue();
  }

  private static List<String> origins(Object value) {
    if (value == null) {
      return List.of();
    }
    if (!(value instanceof JsonArray list)) {
      throw new IllegalArgumentException("web: allowedOrigins must be an array of origins like \"https://ops.example:8443\"");
    }
    List<String> origins = new ArrayList<>();
    for (Object o : list) {
      if (!(o instanceof String s) || !s.matches("https?://[A-Za-z0-9.\\-\\[\\]:]+")) {
        throw new IllegalArgumentException("web: allowedOrigins: '" + o + "' is not an origin (scheme://host[:port])");
      }
      origins.add(s);
    }
    return origins;
  }

  private static Permissions inbound(Object value) {
    if (value == null) {
      return Permissions.everything();
    }
    if (!(value instanceof JsonArray list)) {
      throw new IllegalArgumentException("web: inbound must be an array of addresses or {\"regex\": ...}");
    }
    try {
      return Permissions.parse(list, "web: inbound");
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(e.getMessage());
    }
  }
}
