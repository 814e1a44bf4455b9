package io.conduit.codec.zmtp;

import io.vertx.core.buffer.Buffer;

/** ZMTP's NULL mechanism: both sides send READY with their metadata, then frames travel as they are. */
final class NullMechanism implements Mechanism {

  private final Metadata own;
  private final SocketType ownType;
  private Metadata peer;

  NullMechanism(SocketType ownType, Metadata own) {
    this.ownType = ownType;
    this.own = own;
  }

  @Override
  public String name() {
    return "NULL";
  }

  @Override
  public void start(Buffer out) {
    Frames.append(out, Frames.COMMAND, Command.body("READY", own.encode()));
  }

  @Override
  public boolean handshake(Command command, Buffer out) throws ZmtpException {
    switch (command.name()) {
      case "READY" -> {
        Metadata m = Metadata.parse(command.body(), command.dataOffset(), command.body().length);
        m.socketType(ownType);
        peer = m;
        return true;
      }
      case "ERROR" -> throw Handshakes.peerError(command);
      default -> throw new ZmtpException(ZmtpException.Reason.MALFORMED, "unexpected " + command.name()
          + " during a NULL handshake");
    }
  }

  @Override
  public Metadata peerMetadata() {
    return peer;
  }

  @Override
  public byte[] peerKey() {
    return null;
  }

  @Override
  public boolean encrypts() {
    return false;
  }

  @Override
  public void encode(Buffer out, int flags, byte[] body, int offset, int length) {
    Frames.append(out, flags, body, offset, length);
  }

  @Override
  public Frame decode(int wireFlags, byte[] wireBody) {
    return new Frame(wireFlags & (Frames.MORE | Frames.COMMAND), wireBody);
  }
}
