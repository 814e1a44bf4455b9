package io.conduit.codec.mdp;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/** Majordomo Protocol 0.1 (ZeroMQ RFC 7) constants and broker-to-worker frames, as the bridge's ROUTER sees them. */
public final class Mdp {

  /** Client header, frame 1 of a client request and of its reply. */
  public static final byte[] CLIENT = "MDPC01".getBytes(StandardCharsets.US_ASCII);
  /** Worker header. */
  public static final byte[] WORKER = "MDPW01".getBytes(StandardCharsets.US_ASCII);

  public static final byte READY = 0x01;
  public static final byte REQUEST = 0x02;
  public static final byte REPLY = 0x03;
  public static final byte HEARTBEAT = 0x04;
  public static final byte DISCONNECT = 0x05;

  /** Prefix of the Majordomo Management Interface services ({@code mmi.service} ...). */
  public static final String MMI_PREFIX = "mmi.";
  public static final String MMI_SERVICE = "mmi.service";

  private static final byte[] EMPTY = new byte[0];

  private Mdp() {
  }

  public static boolean isClient(byte[] frame) {
    return Arrays.equals(CLIENT, frame);
  }

  public static boolean isWorker(byte[] frame) {
    return Arrays.equals(WORKER, frame);
  }

  /** REQUEST to a worker, after the empty delimiter: {@code "MDPW01" 0x02 client "" body}. */
  public static byte[][] request(byte[] clientId, byte[] body) {
    return new byte[][] {WORKER, {REQUEST}, clientId, EMPTY, body};
  }

  /** HEARTBEAT to a worker, after the empty delimiter. */
  public static byte[][] heartbeat() {
    return new byte[][] {WORKER, {HEARTBEAT}};
  }

  /** DISCONNECT to a worker, after the empty delimiter. */
  public static byte[][] disconnect() {
    return new byte[][] {WORKER, {DISCONNECT}};
  }

  /** A command byte's name for logs. */
  public static String commandName(byte command) {
    return switch (command) {
      case READY -> "READY";
      case REQUEST -> "REQUEST";
      case REPLY -> "REPLY";
      case HEARTBEAT -> "HEARTBEAT";
      case DISCONNECT -> "DISCONNECT";
      default -> String.format("0x%02x", command);
    };
  }
}
