package io.conduit.client;

import org.zeromq.ZMQ;

/**
 * CURVE keys for a client, each a 40-character Z85 string as written by {@code conduit keygen}:
 * the bridge's public key, and this client's own key pair. With a bridge that lists admitted
 * client keys, the client's public key must be on that list.
 */
public record CurveKeys(String serverPublicKey, String clientPublicKey, String clientSecretKey) {

  public CurveKeys {
    check("serverPublicKey", serverPublicKey);
    check("clientPublicKey", clientPublicKey);
    check("clientSecretKey", clientSecretKey);
  }

  /**
   * Keys with a fresh client key pair, for a bridge that admits any client that knows its public
   * key (one without a list of client keys).
   */
  public static CurveKeys withNewClientKeys(String serverPublicKey) {
    ZMQ.Curve.KeyPair pair = ZMQ.Curve.generateKeyPair();
    return new CurveKeys(serverPublicKey, pair.publicKey, pair.secretKey);
  }

  void applyTo(ZMQ.Socket socket) {
    socket.setCurveServerKey(ZMQ.Curve.z85Decode(serverPublicKey));
    socket.setCurvePublicKey(ZMQ.Curve.z85Decode(clientPublicKey));
    socket.setCurveSecretKey(ZMQ.Curve.z85Decode(clientSecretKey));
  }

  private static void check(String name, String key) {
    if (key == null || key.length() != ZMQ.Curve.KEY_SIZE_Z85) {
      throw new IllegalArgumentException(name + " must be a 40-character Z85 key, got "
          + (key == null ? "null" : key.length() + " characters"));
    }
    try {
      if (ZMQ.Curve.z85Decode(key).length != ZMQ.Curve.KEY_SIZE) {
        throw new IllegalArgumentException(name + " is not a valid Z85 key");
      }
    } catch (RuntimeException e) {
      throw new IllegalArgumentException(name + " is not a valid Z85 key", e);
    }
  }

  @Override
  public String toString() {
    return "CurveKeys[server=" + serverPublicKey + ", client=" + clientPublicKey + ", secret=<hidden>]";
  }
}
