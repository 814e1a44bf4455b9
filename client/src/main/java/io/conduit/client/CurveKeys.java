package io.conduit.client;

import io.conduit.codec.zmtp.Z85;
import io.conduit.codec.zmtp.ZmtpSecurity;

/**
 * CURVE keys for a client, each a 40-character Z85 string as written by {@code conduit keygen}:
 * the bridge's public key, and this client's own key pair. With a bridge that lists admitted
 * client keys, the client's public key must be on that list.
 */
public record CurveKeys(String serverPublicKey, String clientPublicKey, String clientSecretKey) {

  public CurveKeys {
    Z85.key(serverPublicKey, "serverPublicKey");
    Z85.key(clientPublicKey, "clientPublicKey");
    Z85.key(clientSecretKey, "clientSecretKey");
    if (!ZmtpSecurity.publicKeyOf(clientSecretKey).equals(clientPublicKey)) {
      throw new IllegalArgumentException("clientPublicKey is not the public key of clientSecretKey");
    }
  }

  /**
   * Keys with a fresh client key pair, for a bridge that admits any client that knows its public
   * key (one without a list of client keys).
   */
  public static CurveKeys withNewClientKeys(String serverPublicKey) {
    String[] pair = ZmtpSecurity.newKeyPair();
    return new CurveKeys(serverPublicKey, pair[0], pair[1]);
  }

  /**
   * Keys with this client's own pair given by its secret key (a {@code .key} file of
   * {@code conduit keygen}), for a bridge that admits listed client keys.
   */
  public static CurveKeys withClientSecret(String serverPublicKey, String clientSecretKey) {
    Z85.key(clientSecretKey, "clientSecretKey");
    return new CurveKeys(serverPublicKey, ZmtpSecurity.publicKeyOf(clientSecretKey), clientSecretKey);
  }

  /** These keys as the codec's CURVE client security. */
  ZmtpSecurity.CurveClient security() {
    return new ZmtpSecurity.CurveClient(Z85.decode(serverPublicKey), Z85.decode(clientPublicKey),
        Z85.decode(clientSecretKey));
  }

  @Override
  public String toString() {
    return "CurveKeys[server=" + serverPublicKey + ", client=" + clientPublicKey + ", secret=<hidden>]";
  }
}
