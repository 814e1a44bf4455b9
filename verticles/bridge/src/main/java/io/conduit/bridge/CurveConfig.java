package io.conduit.bridge;

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
    clientKeys = Set.copyOf(clientKeys);
    for (String k : clientKeys) {
      checkKey(k, "curve.clientKeys entry");
    }
  }

  static void checkKey(String key, String what) {
    if (key == null || key.length() != 40 || !key.chars().allMatch(c -> c > 0x20 && c < 0x7f)) {
      throw new IllegalArgumentException(what + " must be a 40-character Z85 key (see 'conduit keygen')");
    }
  }
}
