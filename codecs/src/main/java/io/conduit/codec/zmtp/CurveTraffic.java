package io.conduit.codec.zmtp;

import io.vertx.core.buffer.Buffer;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * CurveZMQ's MESSAGE boxes (RFC 26) after a handshake: each frame travels in its own box under
 * the transient keys, with a short nonce that must grow on every message (a replay is refused).
 * The frame's MORE and COMMAND flags ride inside the box, as libzmq puts them.
 */
final class CurveTraffic {

  private static final byte[] MESSAGE = "\u0007MESSAGE".getBytes(StandardCharsets.US_ASCII);
  private static final int HEADER = MESSAGE.length + 8;

  private final byte[] key;
  private final String sendPrefix;
  private final String receivePrefix;
  private long sendNonce;
  private long peerNonce;

  CurveTraffic(byte[] key, String sendPrefix, String receivePrefix, long sendNonce, long peerNonce) {
    this.key = key;
    this.sendPrefix = sendPrefix;
    this.receivePrefix = receivePrefix;
    this.sendNonce = sendNonce;
    this.peerNonce = peerNonce;
  }

  void encode(Buffer out, int flags, byte[] body, int offset, int length) {
    int inner = ((flags & Frames.MORE) != 0 ? 0x01 : 0) | ((flags & Frames.COMMAND) != 0 ? 0x02 : 0);
    long n = sendNonce++;
    byte[] box = CurveBox.seal(key, CurveBox.nonce(sendPrefix, n), inner, body, offset, length);
    int size = HEADER + box.length;
    if (size > 255) {
      out.appendByte((byte) Frames.LONG).appendLong(size);
    } else {
      out.appendByte((byte) 0).appendByte((byte) size);
    }
    out.appendBytes(MESSAGE).appendBytes(CurveBox.shortNonce(n)).appendBytes(box);
  }

  Mechanism.Frame decode(byte[] wire) throws ZmtpException {
    if (wire.length < MESSAGE.length || !startsWith(wire, MESSAGE)) {
      Command c = Command.parse(wire);
      if (c.name().equals("ERROR")) {
        throw Handshakes.peerError(c);
      }
      throw new ZmtpException(ZmtpException.Reason.MALFORMED, "a CURVE peer sent " + c.name() + " where MESSAGE belongs");
    }
    if (wire.length < HEADER + CurveBox.MAC + 1) {
      throw new ZmtpException(ZmtpException.Reason.MALFORMED, "a MESSAGE command too short to hold a box");
    }
    long nonce = CurveBox.readLong(wire, MESSAGE.length);
    if (Long.compareUnsigned(nonce, peerNonce) <= 0) {
      throw new ZmtpException(ZmtpException.Reason.CRYPTO, "a MESSAGE nonce did not increase (replay?)");
    }
    peerNonce = nonce;
    byte[] padded = CurveBox.openPadded(key, CurveBox.nonce(receivePrefix, nonce), wire, HEADER, wire.length - HEADER,
        "a MESSAGE box");
    int inner = padded[CurveBox.PLAIN_AT];
    byte[] body = Arrays.copyOfRange(padded, CurveBox.PLAIN_AT + 1, padded.length);
    return new Mechanism.Frame(((inner & 0x01) != 0 ? Frames.MORE : 0) | ((inner & 0x02) != 0 ? Frames.COMMAND : 0), body);
  }

  private static boolean startsWith(byte[] b, byte[] prefix) {
    for (int i = 0; i < prefix.length; i++) {
      if (b[i] != prefix[i]) {
        return false;
      }
    }
    return true;
  }
}
