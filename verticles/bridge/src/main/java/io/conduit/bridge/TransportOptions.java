package io.conduit.bridge;

import io.conduit.codec.zmtp.ZmtpLimits;
import io.vertx.core.json.JsonObject;

/**
 * What a client connection may cost the bridge, read from the bridge config.
 *
 * @param listenBacklog       connections the OS queues before the bridge accepts them
 * @param handshakeTimeoutMs  time a new connection has to finish the ZMTP greeting and handshake
 * @param handshakeBytes      the most a connection may hold before its handshake is done
 * @param maxFrameBytes       a frame declared larger than this closes the connection at once
 * @param receiveBudgetBytes  node-wide cap on bytes held for partly received messages
 * @param clientOutputBytes   unsent bytes per client over which it stops being read (twice: closed)
 * @param highWaterMark       unsent messages per client over which it stops being read and its events are dropped
 * @param slowClientTimeoutMs a client that has not read its replies for this long is closed
 * @param zmtpHeartbeatMs     interval of ZMTP PINGs to ZMTP 3.1 clients (0: none); such a client silent for 3
 *                            intervals is closed (3.0 clients, e.g. JeroMQ 0.6.0, have no PING and are not)
 */
public record TransportOptions(int listenBacklog, long handshakeTimeoutMs, int handshakeBytes, long maxFrameBytes,
                               long receiveBudgetBytes, long clientOutputBytes, int highWaterMark,
                               long slowClientTimeoutMs, long zmtpHeartbeatMs) {

  static final String[] FIELDS = {"listenBacklog", "handshakeTimeoutMs", "handshakeBytes", "maxFrameBytes",
      "receiveBudgetBytes", "clientOutputBytes", "highWaterMark", "slowClientTimeoutMs", "zmtpHeartbeatMs"};

  static TransportOptions fromJson(JsonObject c, int maxMessageBytes) {
    long frameDefault = Math.max(maxMessageBytes * 4L, 1L << 20);
    TransportOptions o = new TransportOptions(
        (int) number(c, "listenBacklog", 1024, 1, 65_535),
        number(c, "handshakeTimeoutMs", 10_000, 1, Integer.MAX_VALUE),
        (int) number(c, "handshakeBytes", 8 * 1024, 512, 1 << 20),
        number(c, "maxFrameBytes", frameDefault, 1, Long.MAX_VALUE),
        number(c, "receiveBudgetBytes", 256L << 20, 1, Long.MAX_VALUE),
        number(c, "clientOutputBytes", 32L << 20, 1024, Long.MAX_VALUE),
        (int) number(c, "highWaterMark", 100_000, 1, Integer.MAX_VALUE),
        number(c, "slowClientTimeoutMs", 30_000, 1, Integer.MAX_VALUE),
        number(c, "zmtpHeartbeatMs", 0, 0, Integer.MAX_VALUE));
    if (o.maxFrameBytes < maxMessageBytes) {
      throw new IllegalArgumentException("bridge config: maxFrameBytes (" + o.maxFrameBytes + ") must be at least "
          + "maxMessageBytes (" + maxMessageBytes + ")");
    }
    return o;
  }

  /** These options with another receive budget. */
  TransportOptions withReceiveBudgetBytes(long bytes) {
    return new TransportOptions(listenBacklog, handshakeTimeoutMs, handshakeBytes, maxFrameBytes, bytes,
        clientOutputBytes, highWaterMark, slowClientTimeoutMs, zmtpHeartbeatMs);
  }

  /** The codec's limits for a client connection. */
  ZmtpLimits limits(int maxMessageBytes) {
    return new ZmtpLimits(maxFrameBytes, maxMessageBytes, handshakeBytes, handshakeTimeoutMs, zmtpHeartbeatMs);
  }

  JsonObject toJson() {
    return new JsonObject().put("listenBacklog", listenBacklog).put("handshakeTimeoutMs", handshakeTimeoutMs)
        .put("handshakeBytes", handshakeBytes).put("maxFrameBytes", maxFrameBytes)
        .put("receiveBudgetBytes", receiveBudgetBytes).put("clientOutputBytes", clientOutputBytes)
        .put("highWaterMark", highWaterMark).put("slowClientTimeoutMs", slowClientTimeoutMs)
        .put("zmtpHeartbeatMs", zmtpHeartbeatMs);
  }

  /**
   * A byte limit that must hold the largest message allowed: unset, {@code dflt} raised to
   * {@code maxMessageBytes}; set below it, refused with a sentence ending in what would happen.
   */
  static long holdingLargestMessage(JsonObject c, String field, long dflt, int maxMessageBytes, String otherwise) {
    if (!c.containsKey(field)) {
      return Math.max(dflt, maxMessageBytes);
    }
    long given = number(c, field, dflt, 1, Long.MAX_VALUE);
    if (given < maxMessageBytes) {
      throw new IllegalArgumentException("bridge config: " + field + " (" + given + ") must be at least "
          + "maxMessageBytes (" + maxMessageBytes + "), or " + otherwise);
    }
    return given;
  }

  static long number(JsonObject c, String field, long dflt, long min, long max) {
    Object v = c.getValue(field, dflt);
    if (!(v instanceof Integer || v instanceof Long) || ((Number) v).longValue() < min
        || ((Number) v).longValue() > max) {
      throw new IllegalArgumentException("bridge config: " + field + " must be a whole number from " + min + " to "
          + max + ", got " + v);
    }
    return ((Number) v).longValue();
  }
}
