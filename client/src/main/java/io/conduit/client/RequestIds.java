package io.conduit.client;

/**
 * Request ids on the wire: a counter as minimal big-endian bytes (1 byte for the first 255
 * requests, at most 8), so ids stay compact and map back to a long without allocation.
 */
final class RequestIds {

  static final long NONE = -1;

  private RequestIds() {
  }

  static byte[] encode(long id) {
    int n = Math.max(1, (64 - Long.numberOfLeadingZeros(id) + 7) / 8);
    byte[] bytes = new byte[n];
    for (int i = n - 1; i >= 0; i--) {
      bytes[i] = (byte) id;
      id >>>= 8;
    }
    return bytes;
  }

  /** The id these bytes encode, or {@link #NONE} when they encode none of ours. */
  static long decode(byte[] bytes) {
    if (bytes.length == 0 || bytes.length > 7) {
      return NONE;
    }
    long id = 0;
    for (byte b : bytes) {
      id = (id << 8) | (b & 0xff);
    }
    return id;
  }
}
