package io.conduit.cli.bench;

import io.conduit.client.CurveKeys;
import org.zeromq.ZMQ;

/**
 * How the load generator's sockets reach the target: CURVE keys for a bridge that requires them
 * (null: none), and how long a client waits for the first answer to its PINGs before the target
 * counts as not there.
 *
 * @param curve     the bridge's public key and this client's pair, or null
 * @param connectMs the wait for a first reply, tried again on a fresh connection every 500 ms
 */
public record BenchConnection(CurveKeys curve, long connectMs) {

  /** Plain sockets, 5 s to answer: what a target without options gets. */
  public static final BenchConnection PLAIN = new BenchConnection(null, 5_000);

  public BenchConnection {
    if (connectMs < 1) {
      throw new IllegalArgumentException("the connect wait must be at least 1 ms, got " + connectMs);
    }
  }

  /** Sets the CURVE keys on a socket before it connects. */
  void secure(ZMQ.Socket socket) {
    if (curve != null) {
      socket.setCurveServerKey(ZMQ.Curve.z85Decode(curve.serverPublicKey()));
      socket.setCurvePublicKey(ZMQ.Curve.z85Decode(curve.clientPublicKey()));
      socket.setCurveSecretKey(ZMQ.Curve.z85Decode(curve.clientSecretKey()));
    }
  }
}
