package io.conduit.codec.zmtp;

import java.nio.charset.StandardCharsets;

/**
 * The 64-byte ZMTP 3.x greeting (RFC 23/37): signature, version, mechanism, as-server, filler.
 *
 * @param major     the peer's major version (3 for every peer this codec accepts)
 * @param minor     the peer's minor version (0 for ZMTP 3.0, 1 for 3.1)
 * @param mechanism the security mechanism the peer asks for ("NULL", "CURVE", "PLAIN")
 * @param asServer  the peer's as-server bit
 */
public record Greeting(int major, int minor, String mechanism, boolean asServer) {

  public static final int SIZE = 64;
  /** Signature (10) and the major version: enough to refuse a peer that speaks something else. */
  static final int SIGNATURE_SIZE = 10;

  /** This side's greeting: version 3.1, the given mechanism. */
  public static byte[] encode(String mechanism, boolean asServer) {
    byte[] g = new byte[SIZE];
    g[0] = (byte) 0xFF;
    g[8] = 1; // the padding read as a ZMTP 1.0 length: an empty identity, as libzmq sends it
    g[9] = 0x7F;
    g[10] = 3;
    g[11] = 1;
    byte[] name = mechanism.getBytes(StandardCharsets.US_ASCII);
    System.arraycopy(name, 0, g, 12, name.length);
    g[32] = (byte) (asServer ? 1 : 0);
    return g;
  }

  /**
   * Checks the first bytes of a greeting as they arrive ({@code length} of them, up to 11) so that
   * a peer speaking HTTP or an older ZMTP is refused after a few bytes, not after 64.
   */
  static void checkStart(byte[] bytes, int length) throws ZmtpException {
    if (length > 0 && (bytes[0] & 0xFF) != 0xFF) {
      throw new ZmtpException(ZmtpException.Reason.BAD_GREETING, "the first byte is not a ZMTP signature");
    }
    if (length > 9 && (bytes[9] & 0x01) == 0) {
      throw new ZmtpException(ZmtpException.Reason.BAD_GREETING, "a ZMTP 1.0 peer (not supported)");
    }
    if (length > 10 && bytes[10] < 3) {
      throw new ZmtpException(ZmtpException.Reason.BAD_GREETING, "a ZMTP " + bytes[10] + ".x peer (3.0 or later needed)");
    }
  }

  /** Parses a complete greeting. */
  static Greeting parse(byte[] g) throws ZmtpException {
    checkStart(g, SIZE);
    int end = 12;
    while (end < 32 && g[end] != 0) {
      end++;
    }
    for (int i = end; i < 32; i++) {
      if (g[i] != 0) {
        throw new ZmtpException(ZmtpException.Reason.BAD_GREETING, "the mechanism name is not null-padded");
      }
    }
    String mechanism = new String(g, 12, end - 12, StandardCharsets.US_ASCII);
    return new Greeting(g[10], g[11], mechanism, g[32] == 1);
  }

  /** The minor version both sides speak: 3.1 features only when the peer has them too. */
  int agreedMinor() {
    return major > 3 ? 1 : Math.min(minor, 1);
  }
}
