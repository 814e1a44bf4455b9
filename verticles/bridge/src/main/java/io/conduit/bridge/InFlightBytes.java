package io.conduit.bridge;

import io.vertx.core.json.JsonObject;

/**
 * How many bytes the requests waiting for their replies may hold: what keeps a client from making
 * the node hold its memory through requests a consumer is slow to answer (a lock wait, a busy
 * worker service) rather than through bytes it is still sending, which the receive budget covers.
 * A request counts the bytes it arrived with (a deflate body at its inflated size instead of its
 * compressed one) from the moment it is admitted until its reply has been written to the socket.
 * A request that would pass either limit is answered {@code OVERLOADED} with the limit, one that
 * alone holds more than a limit {@code TOO_LARGE}; the decoded value a consumer holds may take a
 * few times its bytes in the heap, which is why the node-wide default is a quarter of the heap.
 *
 * @param perClient one connection's requests together
 * @param node      every bridge of the node together (all endpoints and instances)
 */
record InFlightBytes(long perClient, long node) {

  static final long PER_CLIENT_DEFAULT = 64L << 20;
  static final long NODE_CEILING = 512L << 20;

  /**
   * Reads {@code maxInFlightBytesPerClient} and {@code maxInFlightBytes}. Each must hold the
   * largest message allowed, or a client sending one could never be served: unset, it grows to
   * that; set smaller, it is refused. The node-wide default is a quarter of {@code maxHeapBytes},
   * at most 512 MiB.
   */
  static InFlightBytes fromJson(JsonObject c, int maxMessageBytes, long maxHeapBytes) {
    long perClient = limit(c, "maxInFlightBytesPerClient", PER_CLIENT_DEFAULT, maxMessageBytes);
    long node = limit(c, "maxInFlightBytes", Math.min(NODE_CEILING, maxHeapBytes / 4), maxMessageBytes);
    return new InFlightBytes(perClient, node);
  }

  private static long limit(JsonObject c, String field, long dflt, int maxMessageBytes) {
    if (!c.containsKey(field)) {
      return Math.max(dflt, maxMessageBytes);
    }
    long given = TransportOptions.number(c, field, dflt, 1, Long.MAX_VALUE);
    if (given < maxMessageBytes) {
      throw new IllegalArgumentException("bridge config: " + field + " (" + given + ") must be at least "
          + "maxMessageBytes (" + maxMessageBytes + "), or a client sending the largest message allowed could never "
          + "be served");
    }
    return given;
  }
}
