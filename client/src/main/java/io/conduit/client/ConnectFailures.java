package io.conduit.client;

import io.conduit.codec.ErrorCode;
import io.conduit.codec.zmtp.ZmtpException;

/** Why {@link ConduitClient#connect} failed, in sentences that say what to check. */
final class ConnectFailures {

  private ConnectFailures() {
  }

  /** A handshake failure that a redial will not cure: the bridge refuses this client as it is configured. */
  static boolean definitive(ZmtpException.Reason reason) {
    return reason == ZmtpException.Reason.PEER_ERROR || reason == ZmtpException.Reason.MECHANISM
        || reason == ZmtpException.Reason.SOCKET_TYPE || reason == ZmtpException.Reason.CRYPTO;
  }

  /** The failure for a {@link #definitive} reason. */
  static ConduitException refused(String endpoint, ClientOptions options, Connection dealer) {
    String why = dealer.lastFailure();
    if (dealer.lastReason() == ZmtpException.Reason.PEER_ERROR) {
      return new ConduitException(ErrorCode.FORBIDDEN, "the bridge at " + endpoint + " refused this client ("
          + why + ")" + (options.curve() != null ? "; is its CURVE public key " + options.curve().clientPublicKey()
          + " among the keys the bridge admits?" : ""));
    }
    if (dealer.lastReason() == ZmtpException.Reason.CRYPTO) {
      return new ConduitException(ErrorCode.UNAVAILABLE, "the CURVE handshake with the bridge at " + endpoint
          + " failed (" + why + "); is the CURVE server key right?");
    }
    return new ConduitException(ErrorCode.UNAVAILABLE, "cannot talk to the bridge at " + endpoint + ": " + why);
  }

  /** No PING reply in time; {@code waitedMs} is the PING's own timeout when one was sent, else 0. */
  static ConduitException unreachable(String endpoint, ClientOptions options, Connection dealer, long waitedMs) {
    String last = dealer.lastFailure();
    return new ConduitException(ErrorCode.UNAVAILABLE, "no reply from the bridge at " + endpoint + " to a PING"
        + (waitedMs > 0 ? " within " + waitedMs + " ms" : "") + "; is it running there"
        + (options.curve() != null ? ", and is the CURVE server key right?" : "?")
        + (last != null && !dealer.isUp() ? " (last attempt: " + last + ")" : "")
        + (options.curve() == null && last != null && last.contains("during the handshake")
        ? "; a bridge that requires CURVE closes connections without it (ClientOptions.withCurve)" : ""));
  }
}
