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
 */
record Inbound(ZmtpPeer from, byte[] identity, boolean delimited, List<byte[]> frames) {

  /**
   * Where the reply goes, without the request's frames: what waits for a reply keeps this, so a
   * request's raw bytes (up to maxMessageBytes) are not held for as long as its consumer takes.
   */
  Inbound replyTo() {
    return new Inbound(from, identity, delimited, List.of());
  }
}
