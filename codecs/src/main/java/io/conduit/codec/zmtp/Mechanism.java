package io.conduit.codec.zmtp;

import io.vertx.core.buffer.Buffer;

/**
 * A ZMTP security mechanism: the handshake commands after the greeting, then how traffic frames
 * look on the wire (as they are under NULL, inside MESSAGE boxes under CURVE).
 */
interface Mechanism {

  /** The name in the greeting. */
  String name();

  /** Writes the commands this side sends first (NULL: READY; a CURVE client: HELLO). */
  void start(Buffer out) throws ZmtpException;

  /** A handshake command arrived; writes any answer to {@code out}; true once the handshake is done. */
  boolean handshake(Command command, Buffer out) throws ZmtpException;

  /** The peer's metadata, once the handshake is done. */
  Metadata peerMetadata();

  /** The peer's long-term CURVE public key (a server learns its client's), or null. */
  byte[] peerKey();

  /**
   * What a box adds to the frame it carries: CURVE's MESSAGE command name and short nonce (16),
   * the MAC (16) and the flags byte (1), RFC 26.
   */
  int BOX_OVERHEAD = 33;

  /** True when traffic frames travel inside boxes (CURVE). */
  boolean encrypts();

  /** Writes one traffic frame ({@code flags}: MORE and COMMAND) in this mechanism's wire form. */
  void encode(Buffer out, int flags, byte[] body, int offset, int length);

  /** The frame a wire frame carries after the handshake; flags use {@link Frames#MORE} and {@link Frames#COMMAND}. */
  Frame decode(int wireFlags, byte[] wireBody) throws ZmtpException;

  /** A frame: its MORE/COMMAND flags and body. */
  record Frame(int flags, byte[] body) {
  }
}
