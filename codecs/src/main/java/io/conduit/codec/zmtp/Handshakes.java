package io.conduit.codec.zmtp;

import java.nio.charset.StandardCharsets;

/** What the mechanisms share about handshake commands. */
final class Handshakes {

  private Handshakes() {
  }

  /** The exception for an ERROR command the peer sent, with its reason. */
  static ZmtpException peerError(Command command) {
    byte[] b = command.body();
    int at = command.dataOffset();
    String reason = "";
    if (at < b.length) {
      int length = Math.min(b[at] & 0xFF, b.length - at - 1);
      reason = new String(b, at + 1, length, StandardCharsets.UTF_8);
    }
    return new ZmtpException(ZmtpException.Reason.PEER_ERROR, "the peer sent ERROR: " + reason);
  }
}
