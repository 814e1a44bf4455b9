package io.conduit.codec.zmtp;

import io.vertx.core.buffer.Buffer;

/** Writes ZMTP frames: a flags byte, a 1- or 8-byte size, the body. */
final class Frames {

  static final int MORE = 0x01;
  static final int LONG = 0x02;
  static final int COMMAND = 0x04;

  private Frames() {
  }

  static void append(Buffer out, int flags, byte[] body) {
    append(out, flags, body, 0, body.length);
  }

  static void append(Buffer out, int flags, byte[] body, int offset, int length) {
    if (length > 255) {
      out.appendByte((byte) (flags | LONG)).appendLong(length);
    } else {
      out.appendByte((byte) flags).appendByte((byte) length);
    }
    out.appendBytes(body, offset, length);
  }

  static int headerSize(int length) {
    return length > 255 ? 9 : 2;
  }
}
