package io.conduit.codec.zmtp;

import io.vertx.core.buffer.Buffer;

import java.nio.charset.StandardCharsets;

/**
 * A ZMTP command frame's body: {@code name-size name data}.
 *
 * @param name the command's name ("READY", "PING", "HELLO"...)
 * @param body the whole frame body; the data starts at {@link #dataOffset()}
 */
record Command(String name, byte[] body) {

  static Command parse(byte[] body) throws ZmtpException {
    if (body.length < 1 || (body[0] & 0xFF) == 0 || (body[0] & 0xFF) > body.length - 1) {
      throw new ZmtpException(ZmtpException.Reason.MALFORMED, "a command frame without a valid name");
    }
    return new Command(new String(body, 1, body[0] & 0xFF, StandardCharsets.US_ASCII), body);
  }

  int dataOffset() {
    return 1 + (body[0] & 0xFF);
  }

  int dataLength() {
    return body.length - dataOffset();
  }

  /** A command frame body: the name, then {@code data}. */
  static byte[] body(String name, byte[]... data) {
    byte[] n = name.getBytes(StandardCharsets.US_ASCII);
    Buffer b = Buffer.buffer(1 + n.length + 64).appendByte((byte) n.length).appendBytes(n);
    for (byte[] d : data) {
      b.appendBytes(d);
    }
    return b.getBytes();
  }

  /** An ERROR command's body, with the reason cut to the 255 bytes the format allows. */
  static byte[] error(String reason) {
    byte[] r = reason.getBytes(StandardCharsets.UTF_8);
    int length = Math.min(255, r.length);
    byte[] data = new byte[1 + length];
    data[0] = (byte) length;
    System.arraycopy(r, 0, data, 1, length);
    return body("ERROR", data);
  }
}
