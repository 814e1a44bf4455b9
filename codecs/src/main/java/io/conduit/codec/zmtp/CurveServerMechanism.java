package io.conduit.codec.zmtp;

import io.vertx.core.buffer.Buffer;

import java.util.Arrays;

/**
 * The server side of CurveZMQ (RFC 26): HELLO → WELCOME (with a cookie only this connection can
 * open), INITIATE → READY. The client's long-term key, proven by its vouch, is checked against
 * the allow-list before READY; a refused client gets ERROR and is closed. The ERROR's reason is
 * the ZAP status code "400" (RFC 27), as libzmq's and JeroMQ's servers send it: their clients
 * report exactly that reason as an authentication failure, and any other text as a protocol error.
 */
final class CurveServerMechanism extends CurveMechanism {

  private static final int HELLO_DATA = 2 + 72 + 32 + 8 + 80;
  private static final int COOKIE = 16 + 80;
  private static final int VOUCH = 16 + 80;
  /** ZAP's status for "authentication failed" (RFC 27), the reason of a refusal's ERROR. */
  private static final String ZAP_DENIED = "400";

  private final ZmtpSecurity.CurveServer keys;
  private final SocketType ownType;
  private final Metadata own;
  private byte[] clientTransient;
  private byte[] serverTransientPublic;
  private byte[] serverTransientSecret;
  private byte[] cookieKey;
  private long peerNonce;
  private byte[] clientKey;

  CurveServerMechanism(ZmtpSecurity.CurveServer keys, SocketType ownType, Metadata own) {
    this.keys = keys;
    this.ownType = ownType;
    this.own = own;
  }

  @Override
  public void start(Buffer out) {
    // the client speaks first
  }

  @Override
  public boolean handshake(Command command, Buffer out) throws ZmtpException {
    if (command.name().equals("ERROR")) {
      throw Handshakes.peerError(command);
    }
    if (clientTransient == null) {
      hello(command, out);
      return false;
    }
    initiate(command, out);
    return true;
  }

  private void hello(Command command, Buffer out) throws ZmtpException {
    byte[] b = command.body();
    int at = command.dataOffset();
    if (!command.name().equals("HELLO") || command.dataLength() != HELLO_DATA) {
      throw new ZmtpException(ZmtpException.Reason.MALFORMED, "a CURVE handshake starts with a 200-byte HELLO, got "
          + command.name());
    }
    if (b[at] != 1 || b[at + 1] != 0) {
      throw new ZmtpException(ZmtpException.Reason.MALFORMED, "CurveZMQ version " + b[at] + "." + b[at + 1]
          + " (1.0 needed)");
    }
    byte[] transientKey = Arrays.copyOfRange(b, at + 74, at + 106);
    long nonce = CurveBox.readLong(b, at + 106);
    byte[] zeros = CurveBox.open(CurveBox.shared(transientKey, keys.secretKey()),
        CurveBox.nonce("CurveZMQHELLO---", nonce), b, at + 114, 80, "the HELLO box");
    for (byte z : zeros) {
      if (z != 0) {
        throw new ZmtpException(ZmtpException.Reason.CRYPTO, "the HELLO box does not hold zeros");
      }
    }
    clientTransient = transientKey;
    peerNonce = nonce;
    byte[][] pair = CurveBox.keyPair();
    serverTransientPublic = pair[0];
    serverTransientSecret = pair[1];
    cookieKey = CurveBox.random(32);
    byte[] cookieNonce = CurveBox.random(16);
    byte[] cookieBox = CurveBox.secretSeal(cookieKey, CurveBox.nonce("COOKIE--", cookieNonce),
        concat(clientTransient, serverTransientSecret));
    byte[] welcomeNonce = CurveBox.random(16);
    byte[] welcomeBox = CurveBox.seal(CurveBox.shared(clientTransient, keys.secretKey()),
        CurveBox.nonce("WELCOME-", welcomeNonce), concat(serverTransientPublic, cookieNonce, cookieBox));
    Frames.append(out, Frames.COMMAND, Command.body("WELCOME", welcomeNonce, welcomeBox));
  }

  private void initiate(Command command, Buffer out) throws ZmtpException {
    byte[] b = command.body();
    int at = command.dataOffset();
    if (!command.name().equals("INITIATE") || command.dataLength() < COOKIE + 8 + CurveBox.MAC + 32 + VOUCH) {
      throw new ZmtpException(ZmtpException.Reason.MALFORMED, "expected INITIATE after WELCOME, got " + command.name());
    }
    byte[] cookie = CurveBox.secretOpen(cookieKey, CurveBox.nonce("COOKIE--", Arrays.copyOfRange(b, at, at + 16)),
        b, at + 16, 80, "the cookie");
    if (!Arrays.equals(cookie, concat(clientTransient, serverTransientSecret))) {
      throw new ZmtpException(ZmtpException.Reason.CRYPTO, "the cookie is not the one this server sent");
    }
    cookieKey = null;
    long nonce = CurveBox.readLong(b, at + COOKIE);
    if (Long.compareUnsigned(nonce, peerNonce) <= 0) {
      throw new ZmtpException(ZmtpException.Reason.CRYPTO, "the INITIATE nonce did not increase");
    }
    byte[] session = CurveBox.shared(clientTransient, serverTransientSecret);
    int boxAt = at + COOKIE + 8;
    byte[] plain = CurveBox.open(session, CurveBox.nonce("CurveZMQINITIATE", nonce), b, boxAt, b.length - boxAt,
        "the INITIATE box");
    byte[] longTerm = Arrays.copyOfRange(plain, 0, 32);
    byte[] vouch = CurveBox.open(CurveBox.shared(longTerm, serverTransientSecret),
        CurveBox.nonce("VOUCH---", Arrays.copyOfRange(plain, 32, 48)), plain, 48, 80, "the vouch");
    if (!Arrays.equals(vouch, concat(clientTransient, keys.publicKey()))) {
      throw new ZmtpException(ZmtpException.Reason.CRYPTO, "the vouch does not name this connection's keys");
    }
    if (!keys.admits().test(longTerm)) {
      Frames.append(out, Frames.COMMAND, Command.error(ZAP_DENIED));
      throw new ZmtpException(ZmtpException.Reason.KEY_REFUSED, "client key " + ZmtpSecurity.z85(longTerm)
          + " is not in the allow-list");
    }
    Metadata m = Metadata.parse(plain, 32 + VOUCH, plain.length);
    m.socketType(ownType);
    peer = m;
    clientKey = longTerm;
    serverTransientSecret = null;
    byte[] readyBox = CurveBox.seal(session, CurveBox.nonce("CurveZMQREADY---", 1), own.encode());
    Frames.append(out, Frames.COMMAND, Command.body("READY", CurveBox.shortNonce(1), readyBox));
    traffic = new CurveTraffic(session, "CurveZMQMESSAGES", "CurveZMQMESSAGEC", 2, nonce);
  }

  @Override
  public byte[] peerKey() {
    return clientKey;
  }
}
