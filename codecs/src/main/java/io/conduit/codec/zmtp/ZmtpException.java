package io.conduit.codec.zmtp;

/**
 * A connection broke the wire protocol or a limit: the connection is closed, the reason counted.
 * Never thrown for anything that concerns other connections.
 */
public final class ZmtpException extends Exception {

  /** Why a connection was closed; each is counted apart in the bridge's statistics. */
  public enum Reason {
    /** The first bytes are not a ZMTP 3.x greeting. */
    BAD_GREETING,
    /** A mechanism the server does not speak (PLAIN, or NULL where CURVE is required). */
    MECHANISM,
    /** A malformed frame or command, or a command out of sequence. */
    MALFORMED,
    /** The peer's socket type cannot talk to this socket. */
    SOCKET_TYPE,
    /** A frame declared larger than the connection may hold. */
    FRAME_TOO_LARGE,
    /** Memory budget: the connection or the node holds too many partly received bytes. */
    BUDGET,
    /** The handshake did not finish in time. */
    HANDSHAKE_TIMEOUT,
    /** A CURVE box did not open, a nonce was replayed, or a cookie was not ours. */
    CRYPTO,
    /** The client's CURVE key is not on the allow-list. */
    KEY_REFUSED,
    /** The peer sent an ERROR command. */
    PEER_ERROR,
    /** The peer stopped answering heartbeats, or stopped reading its replies. */
    DEAD_PEER
  }

  private final Reason reason;

  public ZmtpException(Reason reason, String message) {
    super(message, null, false, false);
    this.reason = reason;
  }

  public Reason reason() {
    return reason;
  }
}
