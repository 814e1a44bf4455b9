package io.conduit.bridge;

import io.conduit.codec.zmtp.Z85;
import io.conduit.codec.zmtp.ZmtpSecurity;

import java.util.Set;

/**
 * CURVE security for both bridge sockets.
 *
 * @param publicKey  the server's public key (Z85, 40 characters)
 * @param secretKey  the server's secret key (Z85)
 * @param clientKeys public keys (Z85) of the only clients admitted; empty admits any client that
 *                   knows the server's public key
 */
public record CurveConfig(String publicKey, String secretKey, Set<String> clientKeys) {

  public CurveConfig {
    checkKey(publicKey, "curve.publicKey");
    checkKey(secretKey, "curve.secretKey");
    if (!ZmtpSecurity.publicKeyOf(secretKey).equals(publicKey)) {
      // every client would fail its HELLO box against a server that cannot open it
      throw new IllegalArgumentException("curve.publicKey is not the public key of curve.secretKey (a key pair of "
          + "'conduit keygen' belongs together)");
    }
    clientKeys = Set.copyOf(clientKeys);
    for (String k : clientKeys) {
      checkKey(k, "curve.clientKeys entry '" + k + "'");
    }
  }

  /** A key is 40 characters of Z85 (32 bytes); {@code what} names it in the error. */
  static void checkKey(String key, String what) {
    Z85.key(key, what);
  }
}
