package io.conduit.codec.cbp;

import java.nio.charset.StandardCharsets;

/** What a CBP/1 request asks the bridge to do. */
public enum Command {
  /** Event-bus request; the consumer's reply comes back. */
  REQUEST,
  /** Point-to-point send; acknowledged once handed to the event bus. */
  SEND,
  /** Publish to every consumer; acknowledged once handed to the event bus. */
  PUBLISH,
  /** Liveness check; answered with the node id and version. */
  PING;

  private final byte[] wire = name().getBytes(StandardCharsets.US_ASCII);

  public byte[] wire() {
    return wire.clone();
  }

  /** The command for these frame bytes, or null when they name none. */
  public static Command fromWire(byte[] frame) {
    for (Command c : values()) {
      if (java.util.Arrays.equals(c.wire, frame)) {
        return c;
      }
    }
    return null;
  }
}
