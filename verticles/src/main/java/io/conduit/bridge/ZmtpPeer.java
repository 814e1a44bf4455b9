package io.conduit.bridge;

import io.conduit.codec.zmtp.ZmtpConnection;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.NetSocket;

/**
 * One connection of the bridge: its socket, its ZMTP state and what it owes the peer. Output is
 * bounded: over {@link TransportOptions#clientOutputBytes()} unsent bytes (or
 * {@link TransportOptions#highWaterMark()} messages) the connection stops being read, so a client
 * must read its replies before it may ask for more; over twice the bytes it is closed.
 * Event-loop only.
 */
final class ZmtpPeer {

  private final NetSocket socket;
  private final TransportOptions options;
  private ZmtpConnection zmtp;
  private byte[] identity;
  private String key;
  private long unsentBytes;
  private int unsentMessages;
  private boolean paused;
  private long pausedSinceNanos;
  private long lastInputNanos = System.nanoTime();
  private boolean closed;
  private Runnable written;

  ZmtpPeer(NetSocket socket, TransportOptions options) {
    this.socket = socket;
    this.options = options;
  }

  void attach(ZmtpConnection connection) {
    this.zmtp = connection;
  }

  ZmtpConnection zmtp() {
    return zmtp;
  }

  NetSocket socket() {
    return socket;
  }

  /** The routing id a ROUTER gave this peer, or null (events peers, or before the handshake). */
  byte[] identity() {
    return identity;
  }

  String key() {
    return key;
  }

  void route(byte[] identity, String key) {
    this.identity = identity;
    this.key = key;
  }

  boolean closed() {
    return closed;
  }

  void markClosed() {
    closed = true;
  }

  void inputArrived() {
    lastInputNanos = System.nanoTime();
  }

  long lastInputNanos() {
    return lastInputNanos;
  }

  long unsentBytes() {
    return unsentBytes;
  }

  /** True while reading is paused because the peer does not read what it is sent. */
  boolean stalled(long now, long timeoutNanos) {
    return paused && now - pausedSinceNanos > timeoutNanos;
  }

  /** True when the peer has room for more output (events to a peer without room are dropped). */
  boolean hasRoom() {
    return unsentBytes < options.clientOutputBytes() && unsentMessages < options.highWaterMark();
  }

  /**
   * Sends a message; {@code whenWritten} (may be null) runs once the socket has written it, or at
   * once when the peer is gone. False when the peer is over its hard output limit: close it.
   */
  boolean send(byte[][] frames, boolean delimited, Runnable whenWritten) {
    if (closed || zmtp.peer() == null) {
      if (whenWritten != null) {
        whenWritten.run();
      }
      return true;
    }
    written = whenWritten;
    zmtp.send(frames, delimited);
    written = null;
    return unsentBytes <= 2L * options.clientOutputBytes();
  }

  /** The codec's output: counted until the socket has written it. */
  void write(Buffer bytes) {
    Runnable done = written;
    written = null;
    int n = bytes.length();
    unsentBytes += n;
    unsentMessages++;
    socket.write(bytes).onComplete(ar -> {
      unsentBytes -= n;
      unsentMessages--;
      if (paused && unsentBytes <= options.clientOutputBytes() / 2 && unsentMessages <= options.highWaterMark() / 2) {
        paused = false;
        socket.resume();
      }
      if (done != null) {
        done.run();
      }
    });
    if (!paused && !hasRoom()) {
      paused = true;
      pausedSinceNanos = System.nanoTime();
      socket.pause();
    }
  }
}
