package io.conduit.codec.zmtp;

import java.util.function.Predicate;

/** The security mechanism of a connection: NULL, or CURVE as a server or as a client. */
public sealed interface ZmtpSecurity {

  /** No security: ZMTP's NULL mechanism. */
  record None() implements ZmtpSecurity {
  }

  /**
   * A CURVE server.
   *
   * @param publicKey the server's long-term public key (32 bytes)
   * @param secretKey its secret key
   * @param admits    decides on a client's long-term public key once the client has proven it
   */
  record CurveServer(byte[] publicKey, byte[] secretKey, Predicate<byte[]> admits) implements ZmtpSecurity {
    public CurveServer {
      checkKey(publicKey, "server public key");
      checkKey(secretKey, "server secret key");
    }
  }

  /**
   * A CURVE client.
   *
   * @param serverKey the server's long-term public key
   * @param publicKey this client's long-term public key
   * @param secretKey this client's secret key
   */
  record CurveClient(byte[] serverKey, byte[] publicKey, byte[] secretKey) implements ZmtpSecurity {
    public CurveClient {
      checkKey(serverKey, "server public key");
      checkKey(publicKey, "client public key");
      checkKey(secretKey, "client secret key");
    }
  }

  static ZmtpSecurity none() {
    return new None();
  }

  /** A fresh CURVE key pair as Z85 text: {public, secret}. */
  static String[] newKeyPair() {
    byte[][] pair = CurveBox.keyPair();
    return new String[] {Z85.encode(pair[0]), Z85.encode(pair[1])};
  }

  /** The public key (Z85) that belongs to a secret key (Z85). */
  static String publicKeyOf(String secretKey) {
    return Z85.encode(CurveBox.publicKey(Z85.decode(secretKey)));
  }

  static String z85(byte[] key) {
    return Z85.encode(key);
  }

  private static void checkKey(byte[] key, String what) {
    if (key == null || key.length != 32) {
      throw new IllegalArgumentException("a CURVE " + what + " has 32 bytes (40 Z85 characters)");
    }
  }
}
