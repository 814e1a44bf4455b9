package io.conduit.codec.mdp;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/** Majordomo Protocol 0.1 (ZeroMQ RFC 7) constants, as the bridge's ROUTER sees them. */
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

  private Mdp() {
  }

  public static boolean isClient(byte[] frame) {
    return Arrays.equals(CLIENT, frame);
  }

  public static boolean isWorker(byte[] frame) {
    return Arrays.equals(WORKER, frame);
  }
}
