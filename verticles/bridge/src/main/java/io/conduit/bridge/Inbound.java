package io.conduit.bridge;

import java.util.List;

/**
 * One multipart message received on the ROUTER, for the event-bus side.
 *
 * @param from      the connection it came on (its reply goes back there while it is open)
 * @param identity  the ROUTER identity of the client, to route the reply when that connection is
 *                  gone and a new one took the identity
 * @param delimited true when a REQ client's empty delimiter frame came first (it goes back in front)
 * @param frames    the frames after the identity and delimiter
 * @param charge    what the request counts against the in-flight byte limits while it waits for its reply
 */
record Inbound(ZmtpPeer from, byte[] identity, boolean delimited, List<byte[]> frames, Charge charge) {

  /**
   * The bytes a request is charged while in flight ({@link InFlightBytes}); zero before it is
   * admitted and after its charge has been given back. Event-loop only, like the request.
   */
  static final class Charge {
    private long bytes;

    long bytes() {
      return bytes;
    }

    void add(long more) {
      bytes += more;
    }

    /** The bytes charged, now given back: a second call returns 0. */
    long giveBack() {
      long b = bytes;
      bytes = 0;
      return b;
    }

    /** Hands these bytes to {@code other}, which gives them back instead (they stay charged meanwhile). */
    void moveTo(Charge other) {
      other.bytes += bytes;
      bytes = 0;
    }
  }

  Inbound(ZmtpPeer from, byte[] identity, boolean delimited, List<byte[]> frames) {
    this(from, identity, delimited, frames, new Charge());
  }

  /**
   * Where the reply goes, without the request's frames: what waits for a reply keeps this, so a
   * request's raw bytes (up to maxMessageBytes) are not held for as long as its consumer takes.
   */
  Inbound replyTo() {
    return new Inbound(from, identity, delimited, List.of(), charge);
  }
}
