package io.conduit.bridge;

import io.conduit.codec.zmtp.ZmtpLimits;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * The bridge's configuration, read once from the verticle's JSON config and validated there.
 *
 * @param endpoint             ROUTER endpoint for requests
 * @param eventsEndpoint       XPUB endpoint for events, or null for none
 * @param access               who may call, subscribe to and serve which addresses (inbound, outbound,
 *                             serve, reservedAddresses, curve.serveByKey)
 * @param maxMessageBytes      largest request accepted (all frames), and largest inflated body
 * @param maxInFlightPerClient requests one client may have waiting for replies
 * @param maxInFlight          requests all clients together may have waiting
 * @param inFlightBytes        what requests waiting for replies may hold, in bytes received (inflated
 *                             for a deflate body): per client, and node-wide for all bridges together
 * @param defaultTimeoutMs     reply timeout when the request names none
 * @param maxTimeoutMs         cap on the timeout a request may ask for
 * @param compressAboveBytes   replies larger than this are deflated for clients that accept it
 * @param curve                CURVE keys, or null for plain TCP
 * @param insecure             allow a non-loopback bind without CURVE or an inbound allow-list
 * @param shutdownGraceMs      how long stopping waits for in-flight replies
 * @param workers              external Majordomo workers: heartbeats, idempotent services, queue bound
 * @param transport            what a connection may cost: backlog, handshake, budgets, output bounds, heartbeats
 */
public record BridgeOptions(String endpoint, String eventsEndpoint, AccessPolicy access,
                            int maxMessageBytes, int maxInFlightPerClient, int maxInFlight, InFlightBytes inFlightBytes,
                            long defaultTimeoutMs,
                            long maxTimeoutMs, int compressAboveBytes, CurveConfig curve,
                            boolean insecure, long shutdownGraceMs, WorkerOptions workers,
                            TransportOptions transport) {

  public static final String DEFAULT_ENDPOINT = "tcp://127.0.0.1:5555";
  public static final String DEFAULT_EVENTS_ENDPOINT = "tcp://127.0.0.1:5556";

  private static final Set<String> FIELDS = fields("endpoint", "eventsEndpoint", "inbound", "outbound", "serve",
      "reservedAddresses", "maxMessageBytes", "maxInFlightPerClient", "maxInFlight", "maxInFlightBytesPerClient",
      "maxInFlightBytes", "defaultTimeoutMs",
      "maxTimeoutMs", "compressAboveBytes", "curve", "insecure", "shutdownGraceMs");

  /** Reads and validates a config; the message of a failure names the field. */
  public static BridgeOptions fromJson(JsonObject c) {
    for (String key : c.fieldNames()) {
      if (!FIELDS.contains(key)) {
        throw new IllegalArgumentException("bridge config: unknown field '" + key + "'");
      }
    }
    String endpoint = endpoint(c.getValue("endpoint", DEFAULT_ENDPOINT), "endpoint");
    Object events = c.getValue("eventsEndpoint", DEFAULT_EVENTS_ENDPOINT);
    String eventsEndpoint = events == null || "".equals(events) ? null : endpoint(events, "eventsEndpoint");
    if (endpoint.equals(eventsEndpoint) && !endpoint.endsWith(":*")) {
      throw new IllegalArgumentException("bridge config: endpoint and eventsEndpoint are both " + endpoint
          + "; requests and events need an endpoint each");
    }
    int maxMessageBytes = positiveInt(c, "maxMessageBytes", 16 * 1024 * 1024);
    if (maxMessageBytes > ZmtpLimits.MAX_MESSAGE_BYTES) {
      throw new IllegalArgumentException("bridge config: maxMessageBytes must be at most " + ZmtpLimits.MAX_MESSAGE_BYTES
          + " (1 GiB), got " + maxMessageBytes);
    }
    CurveConfig curve = curve(c.getValue("curve"));
    AccessPolicy access = new AccessPolicy(permissions(c, "inbound", null), permissions(c, "outbound", null),
        permissions(c, "serve", null), permissions(c, "reservedAddresses", new JsonArray()), serveByKey(c, curve));
    BridgeOptions o = new BridgeOptions(endpoint, eventsEndpoint, access,
        maxMessageBytes,
        positiveInt(c, "maxInFlightPerClient", 1000),
        positiveInt(c, "maxInFlight", 100_000),
        InFlightBytes.fromJson(c, maxMessageBytes, Runtime.getRuntime().maxMemory()),
        positiveInt(c, "defaultTimeoutMs", 30_000),
        positiveInt(c, "maxTimeoutMs", 300_000),
        positiveInt(c, "compressAboveBytes", 1024),
        curve,
        c.getValue("insecure", false) instanceof Boolean b ? b : fail("insecure must be true or false"),
        positiveInt(c, "shutdownGraceMs", 2_000),
        WorkerOptions.fromJson(c, maxMessageBytes),
        budgetFor(TransportOptions.fromJson(c, maxMessageBytes), c.containsKey("receiveBudgetBytes"), curve,
            maxMessageBytes));
    o.checkExposure();
    return o;
  }

  /**
   * The receive budget must hold the largest message allowed, or every client sending one would be
   * closed instead of served; under CURVE a frame (its box 33 bytes more) is also decrypted whole,
   * which needs twice its size more for a moment. Unset, the budget grows to that; set too small,
   * it is refused.
   */
  private static TransportOptions budgetFor(TransportOptions transport, boolean given, CurveConfig curve,
                                            int maxMessageBytes) {
    long needed = receiveBudgetNeeded(curve, maxMessageBytes);
    if (transport.receiveBudgetBytes() >= needed) {
      return transport;
    }
    if (!given) {
      return transport.withReceiveBudgetBytes(needed);
    }
    throw new IllegalArgumentException("bridge config: receiveBudgetBytes (" + transport.receiveBudgetBytes()
        + ") must be at least " + (curve != null ? "3 × (maxMessageBytes + 33) under CURVE" : "maxMessageBytes")
        + " (" + needed + "), or the largest message allowed could never be received");
  }

  /** The least receive budget that holds the largest message allowed (see {@link #budgetFor}). */
  long receiveBudgetNeeded() {
    return receiveBudgetNeeded(curve, maxMessageBytes);
  }

  private static long receiveBudgetNeeded(CurveConfig curve, int maxMessageBytes) {
    return curve != null ? 3L * (maxMessageBytes + 33L) : maxMessageBytes;
  }

  /**
   * Refuses to expose the bridge beyond this machine unprotected: a non-loopback endpoint needs
   * CURVE or an explicit inbound allow-list, unless {@code insecure} says otherwise.
   */
  void checkExposure() {
    if (insecure || curve != null || access.inboundConfigured()) {
      return;
    }
    for (String e : eventsEndpoint == null ? new String[] {endpoint} : new String[] {endpoint, eventsEndpoint}) {
      if (!isLocal(e)) {
        throw new IllegalArgumentException("refusing to bind " + e + " beyond loopback without CURVE or an inbound "
            + "allow-list: configure 'curve' (conduit keygen) or 'inbound', or set 'insecure': true (--insecure) "
            + "to accept any client");
      }
    }
  }

  static boolean isLocal(String endpoint) {
    if (endpoint.startsWith("ipc://")) {
      return true;
    }
    String rest = endpoint.substring("tcp://".length());
    int colon = rest.lastIndexOf(':');
    String host = colon < 0 ? rest : rest.substring(0, colon);
    if (host.startsWith("[") && host.endsWith("]")) {
      host = host.substring(1, host.length() - 1);
    }
    if (host.equals("*") || host.isEmpty()) {
      return false;
    }
    try {
      return InetAddress.getByName(host).isLoopbackAddress();
    } catch (UnknownHostException e) {
      return false;
    }
  }

  private static String endpoint(Object value, String field) {
    if (value instanceof String s && s.startsWith("inproc://")) {
      throw new IllegalArgumentException("bridge config: " + field + " cannot be inproc:// (that transport exists only "
          + "inside one ZeroMQ context; use tcp://127.0.0.1:PORT or ipc:///path), got " + s);
    }
    if (!(value instanceof String s) || !(s.startsWith("tcp://") || s.startsWith("ipc://")) || s.endsWith("//")) {
      throw new IllegalArgumentException("bridge config: " + field + " must be a ZeroMQ endpoint such as "
          + "tcp://127.0.0.1:5555 or ipc:///path, got " + value);
    }
    if (s.startsWith("tcp://") && !s.matches("tcp://(\\[[0-9a-fA-F:]+]|[^:/\\[\\]]+):(\\d{1,5}|\\*)")) {
      throw new IllegalArgumentException("bridge config: " + field + " must be tcp://HOST:PORT, got " + s);
    }
    return s;
  }

  /** A list in {@link Permissions}' forms; absent, {@code dflt} (null: permit-all). */
  private static Permissions permissions(JsonObject c, String field, JsonArray dflt) {
    Object v = c.getValue(field, dflt);
    if (v == null) {
      return Permissions.everything();
    }
    if (!(v instanceof JsonArray a)) {
      throw new IllegalArgumentException("bridge config: " + field + " must be an array of addresses or {\"regex\": ...}");
    }
    try {
      return Permissions.parse(a, field);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("bridge config: " + e.getMessage());
    }
  }

  /**
   * {@code curve.serveByKey}: {"<client public key, Z85>": [services, {"regex": ...}]}. With a
   * {@code clientKeys} list, every key named here must be on it (a key the bridge never admits is a typo).
   */
  private static Map<String, Permissions> serveByKey(JsonObject c, CurveConfig curve) {
    Object v = c.getValue("curve") instanceof JsonObject o ? o.getValue("serveByKey") : null;
    if (v == null) {
      return Map.of();
    }
    if (!(v instanceof JsonObject byKey)) {
      throw new IllegalArgumentException("bridge config: curve.serveByKey must be an object of client public key "
          + "-> list of services");
    }
    Map<String, Permissions> lists = new HashMap<>();
    for (String key : byKey.fieldNames()) {
      String where = "curve.serveByKey['" + key + "']";
      try {
        CurveConfig.checkKey(key, where);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("bridge config: " + e.getMessage());
      }
      if (!curve.clientKeys().isEmpty() && !curve.clientKeys().contains(key)) {
        throw new IllegalArgumentException("bridge config: " + where + ": the key is not in curve.clientKeys, so "
            + "the bridge would never admit it");
      }
      if (!(byKey.getValue(key) instanceof JsonArray list)) {
        throw new IllegalArgumentException("bridge config: " + where + " must be an array of services or "
            + "{\"regex\": ...}");
      }
      try {
        lists.put(key, Permissions.parse(list, where));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("bridge config: " + e.getMessage());
      }
    }
    return lists;
  }

  private static CurveConfig curve(Object v) {
    if (v == null) {
      return null;
    }
    if (!(v instanceof JsonObject c)) {
      throw new IllegalArgumentException("bridge config: curve must be an object");
    }
    String pub = c.getString("publicKey");
    String sec = c.getString("secretKey");
    if (c.getValue("keyFile") instanceof String base) {
      pub = readKey(Path.of(base + ".pub"));
      sec = readKey(Path.of(base + ".key"));
    }
    Set<String> clients = new HashSet<>();
    Object list = c.getValue("clientKeys");
    if (list instanceof JsonArray a) {
      a.forEach(k -> clients.add(String.valueOf(k)));
    } else if (list instanceof String file) {
      clients.addAll(readKeyList(Path.of(file)));
    } else if (list != null) {
      throw new IllegalArgumentException("bridge config: curve.clientKeys must be a list of Z85 keys or a file of them");
    }
    try {
      return new CurveConfig(pub, sec, clients);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("bridge config: " + e.getMessage());
    }
  }

  private static String readKey(Path file) {
    try {
      return Files.readString(file).trim();
    } catch (IOException e) {
      throw new IllegalArgumentException("bridge config: cannot read key file " + file + " (" + e.getMessage() + ")");
    }
  }

  /** A file of client public keys: one Z85 key per line; blank lines and # comments are skipped. */
  private static Set<String> readKeyList(Path file) {
    try {
      Set<String> keys = new HashSet<>();
      for (String line : Files.readAllLines(file)) {
        String t = line.trim();
        if (!t.isEmpty() && !t.startsWith("#")) {
          keys.add(t);
        }
      }
      return keys;
    } catch (IOException e) {
      throw new IllegalArgumentException("bridge config: cannot read client key file " + file + " (" + e.getMessage() + ")");
    }
  }

  private static int positiveInt(JsonObject c, String field, int dflt) {
    Object v = c.getValue(field, dflt);
    if (!(v instanceof Integer i) || i < 1) {
      throw new IllegalArgumentException("bridge config: " + field + " must be a positive whole number, got " + v);
    }
    return i;
  }

  private static Set<String> fields(String... own) {
    Set<String> all = new HashSet<>(Set.of(own));
    all.addAll(Set.of(WorkerOptions.FIELDS));
    all.addAll(Set.of(TransportOptions.FIELDS));
    return Set.copyOf(all);
  }

  private static <T> T fail(String message) {
    throw new IllegalArgumentException("bridge config: " + message);
  }
}
