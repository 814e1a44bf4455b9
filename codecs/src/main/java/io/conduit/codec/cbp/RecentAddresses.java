package io.conduit.codec.cbp;

import java.util.Arrays;

/**
 * The addresses a bridge saw last, so that requests to the same address share one String: Vert.x
 * and Conduit look a request's address up in several hash tables (the event bus's handlers, the
 * service meters, the owner watch), and a String computes its hash once, where a freshly decoded
 * one computes it again at every table. A small direct-mapped table: an address displaces the one
 * in its slot. Not thread-safe: one per event loop.
 */
public final class RecentAddresses {

  /** Longer addresses are decoded every time, so the table holds at most a few kilobytes. */
  static final int MAX_CACHED_BYTES = 128;
  private static final int SLOTS = 32; // a power of two

  private final byte[][] wire = new byte[SLOTS][];
  private final String[] decoded = new String[SLOTS];

  /** The address frame as a String; a frame that is not UTF-8 is refused as {@code BAD_REQUEST}. */
  String decode(byte[] frame, byte[] id) throws CbpException {
    if (frame.length > MAX_CACHED_BYTES) {
      return CbpFrames.utf8(frame, "address", id);
    }
    int slot = slot(frame);
    if (Arrays.equals(wire[slot], frame)) {
      return decoded[slot];
    }
    String address = CbpFrames.utf8(frame, "address", id);
    wire[slot] = frame.clone();
    decoded[slot] = address;
    return address;
  }

  /** A cheap spread of the length and two bytes: hashing every byte would cost what it saves. */
  private static int slot(byte[] frame) {
    int n = frame.length;
    int h = n == 0 ? 0 : (n * 31 + frame[n - 1]) * 31 + frame[n / 2];
    return (h ^ (h >>> 7)) & (SLOTS - 1);
  }
}
