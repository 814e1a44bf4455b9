package io.conduit.codec.zmtp;

import io.vertx.core.buffer.Buffer;

import java.util.Arrays;

/** The client side of CurveZMQ (RFC 26): HELLO, then INITIATE with a vouch for the WELCOME, then READY. */
final class CurveClientMechanism extends CurveMechanism {

  private final ZmtpSecurity.CurveClient keys;
  private final SocketType ownType;
  private final Metadata own;
  private final byte[] transientPublic;
  private final byte[] transientSecret;
  private byte[] serverTransient;

  CurveClientMechanism(ZmtpSecurity.CurveClient keys, SocketType ownType, Metadata own) {
    this.keys = keys;
    this.ownType = ownType;
    this.own = own;
    byte[][] pair = CurveBox.keyPair();
    transientPublic = pair[0];
    transientSecret = pair[1];
  }

  @Override
  public void start(Buffer out) {
    byte[] box = CurveBox.seal(CurveBox.shared(keys.serverKey(), transientSecret), CurveBox.nonce("CurveZMQHELLO---", 1),
        new byte[64]);
    Frames.append(out, Frames.COMMAND, Command.body("HELLO", new byte[] {1, 0}, new byte[72], transientPublic,
        CurveBox.shortNonce(1), box));
  }

  @Override
  public boolean handshake(Command command, Buffer out) throws ZmtpException {
    switch (command.name()) {
      case "WELCOME" -> {
        welcome(command, out);
        return false;
      }
      case "READY" -> {
        ready(command);
        return true;
      }
      case "ERROR" -> {
        ZmtpException e = Handshakes.peerError(command);
        if (serverTransient == null) {
          // The answer to HELLO: the server could not open it, so it is not the key's owner.
          throw new ZmtpException(ZmtpException.Reason.CRYPTO, "the server answered HELLO with ERROR ("
              + e.getMessage() + "): it does not hold the secret key of the server key this client uses");
        }
        throw e;
      }
      default -> throw new ZmtpException(ZmtpException.Reason.MALFORMED, "unexpected " + command.name()
          + " during a CURVE handshake");
    }
  }

  private void welcome(Command command, Buffer out) throws ZmtpException {
    byte[] b = command.body();
    int at = command.dataOffset();
    if (serverTransient != null || command.dataLength() != 16 + 144) {
      throw new ZmtpException(ZmtpException.Reason.MALFORMED, "a malformed or repeated WELCOME");
    }
    byte[] plain = CurveBox.open(CurveBox.shared(keys.serverKey(), transientSecret),
        CurveBox.nonce("WELCOME-", Arrays.copyOfRange(b, at, at + 16)), b, at + 16, 144, "the WELCOME box");
    serverTransient = Arrays.copyOfRange(plain, 0, 32);
    byte[] cookie = Arrays.copyOfRange(plain, 32, 128);
    byte[] vouchNonce = CurveBox.random(16);
    byte[] vouch = CurveBox.seal(CurveBox.shared(serverTransient, keys.secretKey()), CurveBox.nonce("VOUCH---", vouchNonce),
        concat(transientPublic, keys.serverKey()));
    byte[] session = CurveBox.shared(serverTransient, transientSecret);
    byte[] box = CurveBox.seal(session, CurveBox.nonce("CurveZMQINITIATE", 2),
        concat(keys.publicKey(), vouchNonce, vouch, own.encode()));
    Frames.append(out, Frames.COMMAND, Command.body("INITIATE", cookie, CurveBox.shortNonce(2), box));
  }

  private void ready(Command command) throws ZmtpException {
    byte[] b = command.body();
    int at = command.dataOffset();
    if (serverTransient == null || command.dataLength() < 8 + CurveBox.MAC) {
      throw new ZmtpException(ZmtpException.Reason.MALFORMED, "READY before WELCOME, or too short");
    }
    long nonce = CurveBox.readLong(b, at);
    byte[] session = CurveBox.shared(serverTransient, transientSecret);
    byte[] plain = CurveBox.open(session, CurveBox.nonce("CurveZMQREADY---", nonce), b, at + 8, command.dataLength() - 8,
        "the READY box");
    Metadata m = Metadata.parse(plain, 0, plain.length);
    m.socketType(ownType);
    peer = m;
    traffic = new CurveTraffic(session, "CurveZMQMESSAGEC", "CurveZMQMESSAGES", 3, nonce);
  }

  @Override
  public byte[] peerKey() {
    return keys.serverKey();
  }
}
