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
    String unserved = "a client sending the largest message allowed could never be served";
    long perClient = TransportOptions.holdingLargestMessage(c, "maxInFlightBytesPerClient", PER_CLIENT_DEFAULT,
        maxMessageBytes, unserved);
    long node = TransportOptions.holdingLargestMessage(c, "maxInFlightBytes", Math.min(NODE_CEILING, maxHeapBytes / 4),
        maxMessageBytes, unserved);
    return new InFlightBytes(perClient, node);
  }
}
