package io.conduit.codec.zmtp;

import io.vertx.core.buffer.Buffer;

import java.util.ArrayList;
import java.util.List;

/** One side of a connection in a test: what it wrote, what it received, and the codec between. */
final class Endpoint implements ZmtpConnection.Listener {

  Buffer written = Buffer.buffer();
  final List<List<byte[]>> messages = new ArrayList<>();
  final List<Boolean> truncated = new ArrayList<>();
  final List<Long> sizes = new ArrayList<>();
  final List<Integer> frameCounts = new ArrayList<>();
  final List<String> subscriptions = new ArrayList<>();
  ZmtpConnection.Peer peer;
  final ZmtpConnection zmtp;
  /** Run when the handshake is done, after the peer is recorded. */
  Runnable onReady = () -> { };
  /** Run when a message came, after it is recorded. */
  Runnable onMessage = () -> { };

  Endpoint(SocketType type, boolean server, ZmtpSecurity security, ZmtpLimits limits, ByteBudget budget) {
    this(type, null, server, security, limits, budget);
  }

  Endpoint(SocketType type, byte[] identity, boolean server, ZmtpSecurity security, ZmtpLimits limits,
           ByteBudget budget) {
    zmtp = new ZmtpConnection(type, identity, server, security, limits, budget, this);
  }

  static Endpoint server(SocketType type, ZmtpSecurity security, ZmtpLimits limits, ByteBudget budget) {
    return new Endpoint(type, true, security, limits, budget);
  }

  static Endpoint client(SocketType type, ZmtpSecurity security) {
    return new Endpoint(type, false, security, ZmtpLimits.forMessages(1 << 20), new ByteBudget(1L << 30));
  }

  /** Hands what {@code from} wrote so far to {@code to}, and the other way, until both are quiet. */
  static void exchange(Endpoint a, Endpoint b) throws ZmtpException {
    while (a.written.length() > 0 || b.written.length() > 0) {
      Buffer fromA = a.take();
      if (fromA.length() > 0) {
        b.zmtp.received(fromA);
      }
      Buffer fromB = b.take();
      if (fromB.length() > 0) {
        a.zmtp.received(fromB);
      }
    }
  }

  /** Connects two sides: greetings and handshakes. */
  static void connect(Endpoint client, Endpoint server) throws ZmtpException {
    server.zmtp.start();
    client.zmtp.start();
    exchange(client, server);
  }

  Buffer take() {
    Buffer b = written;
    written = Buffer.buffer();
    return b;
  }

  @Override
  public void write(Buffer bytes) {
    written.appendBuffer(bytes);
  }

  @Override
  public void ready(ZmtpConnection.Peer peer) {
    this.peer = peer;
    onReady.run();
  }

  @Override
  public void message(List<byte[]> frames, int frameCount, long size, boolean cut) {
    messages.add(frames);
    truncated.add(cut);
    sizes.add(size);
    frameCounts.add(frameCount);
    onMessage.run();
  }

  @Override
  public void subscription(byte[] topic, boolean subscribe) {
    subscriptions.add((subscribe ? "+" : "-") + new String(topic));
  }
}
