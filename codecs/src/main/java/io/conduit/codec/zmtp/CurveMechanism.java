package io.conduit.codec.zmtp;

import io.vertx.core.buffer.Buffer;

/** What both sides of CurveZMQ share once the handshake is done: the peer's metadata and the MESSAGE boxes. */
abstract class CurveMechanism implements Mechanism {

  /** Set when the handshake completes. */
  Metadata peer;
  CurveTraffic traffic;

  @Override
  public final String name() {
    return "CURVE";
  }

  @Override
  public final Metadata peerMetadata() {
    return peer;
  }

  @Override
  public final boolean encrypts() {
    return true;
  }

  @Override
  public final void encode(Buffer out, int flags, byte[] body, int offset, int length) {
    traffic.encode(out, flags, body, offset, length);
  }

  @Override
  public final Frame decode(int wireFlags, byte[] wireBody) throws ZmtpException {
    return traffic.decode(wireBody);
  }

  static byte[] concat(byte[]... parts) {
    int n = 0;
    for (byte[] p : parts) {
      n += p.length;
    }
    byte[] all = new byte[n];
    int at = 0;
    for (byte[] p : parts) {
      System.arraycopy(p, 0, all, at, p.length);
      at += p.length;
    }
    return all;
  }
}
