package io.conduit.codec.zmtp;

/**
 * What one connection may cost. Memory is spent only on bytes that arrived: a frame's buffer grows
 * as its bytes come in, never to the size it declares.
 *
 * @param maxFrameBytes     a frame declared larger than this closes the connection before anything
 *                          is allocated for it
 * @param maxMessageBytes   a message (all frames) larger than this is read to its end without being
 *                          kept and handed on as truncated, so the server can answer TOO_LARGE
 * @param handshakeBytes    the most a connection may hold (and a frame may declare) before its
 *                          handshake is done
 * @param handshakeTimeoutMs the time a connection has to finish greeting and handshake
 * @param heartbeatMs       interval of the server's PINGs (0: none); a peer silent for 3 intervals
 *                          is closed
 */
public record ZmtpLimits(long maxFrameBytes, long maxMessageBytes, int handshakeBytes, long handshakeTimeoutMs,
                         long heartbeatMs) {

  /** Commands after the handshake (PING, SUBSCRIBE...) never need more than this. */
  public static final int MAX_COMMAND_BYTES = 64 * 1024;
  /** Frames of one message kept for the owner; more are counted, not kept (no protocol here needs them). */
  public static final int MAX_FRAMES_KEPT = 64;
  /** The largest message limit: a kept frame is one Java array, and a limit near 2 GiB would overflow it. */
  public static final long MAX_MESSAGE_BYTES = 1L << 30;

  public ZmtpLimits {
    if (maxFrameBytes < 1 || maxMessageBytes < 1 || handshakeBytes < 512 || handshakeTimeoutMs < 1
        || heartbeatMs < 0) {
      throw new IllegalArgumentException("ZMTP limits must be positive (handshakeBytes at least 512), got "
          + maxFrameBytes + "/" + maxMessageBytes + "/" + handshakeBytes + "/" + handshakeTimeoutMs + "/" + heartbeatMs);
    }
    if (maxMessageBytes > MAX_MESSAGE_BYTES) {
      throw new IllegalArgumentException("a ZMTP message limit must be at most " + MAX_MESSAGE_BYTES + " bytes (1 GiB), got "
          + maxMessageBytes);
    }
  }

  /** Defaults for a message limit: frames up to 4 × it (at least 1 MiB), 8 KiB and 10 s to shake hands. */
  public static ZmtpLimits forMessages(long maxMessageBytes) {
    return new ZmtpLimits(Math.max(maxMessageBytes * 4, 1 << 20), maxMessageBytes, 8 * 1024, 10_000, 0);
  }
}
