package io.conduit.bridge;

import io.conduit.codec.zmtp.ByteBudget;
import io.conduit.codec.zmtp.Greeting;
import io.conduit.codec.zmtp.SocketType;
import io.conduit.codec.zmtp.ZmtpConnection;
import io.conduit.codec.zmtp.ZmtpException;
import io.conduit.codec.zmtp.ZmtpLimits;
import io.conduit.codec.zmtp.ZmtpSecurity;
import io.vertx.core.buffer.Buffer;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.util.ArrayDeque;
import java.util.List;

/**
 * A blocking ZMTP peer for tests that need to misbehave at the byte level: it shakes hands with the
 * project's own codec over a plain socket, then lets the test send raw bytes, whole messages, or
 * nothing at all.
 */
final class ZmtpTestClient implements AutoCloseable {

  final Socket socket;
  private final OutputStream out;
  private final InputStream in;
  private final ArrayDeque<List<byte[]>> received = new ArrayDeque<>();
  private final ZmtpConnection zmtp;

  private ZmtpTestClient(int port, SocketType type, ZmtpSecurity security, int receiveBuffer) throws IOException {
    socket = new Socket();
    if (receiveBuffer > 0) {
      socket.setReceiveBufferSize(receiveBuffer);
    }
    socket.connect(new java.net.InetSocketAddress("127.0.0.1", port), 5_000);
    socket.setTcpNoDelay(true);
    out = socket.getOutputStream();
    in = socket.getInputStream();
    zmtp = new ZmtpConnection(type, null, false, security, ZmtpLimits.forMessages(64 << 20), new ByteBudget(1L << 32),
        new ZmtpConnection.Listener() {
          @Override
          public void write(Buffer bytes) {
            sendRaw(bytes.getBytes());
          }

          @Override
          public void ready(ZmtpConnection.Peer peer) {
          }

          @Override
          public void message(List<byte[]> frames, int frameCount, long size, boolean truncated) {
            received.add(frames);
          }
        });
  }

  static int port(String endpoint) {
    return Integer.parseInt(endpoint.substring(endpoint.lastIndexOf(':') + 1));
  }

  /** Connects and finishes the handshake. */
  static ZmtpTestClient connect(String endpoint, SocketType type, ZmtpSecurity security) throws IOException {
    return connect(endpoint, type, security, 0);
  }

  static ZmtpTestClient connect(String endpoint, SocketType type, ZmtpSecurity security, int receiveBuffer)
      throws IOException {
    ZmtpTestClient c = new ZmtpTestClient(port(endpoint), type, security, receiveBuffer);
    c.zmtp.start();
    long deadline = System.nanoTime() + 10_000_000_000L;
    while (c.zmtp.peer() == null) {
      if (System.nanoTime() > deadline || !c.readOnce(10_000)) {
        c.close();
        throw new IOException("the handshake did not finish");
      }
    }
    return c;
  }

  /** Connects and sends the greeting without waiting for the server: messages sent now go after the handshake. */
  static ZmtpTestClient open(String endpoint, SocketType type) throws IOException {
    ZmtpTestClient c = new ZmtpTestClient(port(endpoint), type, ZmtpSecurity.none(), 0);
    c.zmtp.start();
    return c;
  }

  /** Only the raw socket: the test writes every byte itself. */
  static Socket raw(String endpoint) throws IOException {
    Socket s = new Socket("127.0.0.1", port(endpoint));
    s.setTcpNoDelay(true);
    return s;
  }

  /** The bytes of a NULL greeting and READY as the given socket type. */
  static byte[] nullHandshake(SocketType type) {
    Buffer b = Buffer.buffer(Greeting.encode("NULL", false));
    byte[] name = "READY".getBytes();
    byte[] meta = metadata("Socket-Type", type.name());
    b.appendByte((byte) 0x04).appendByte((byte) (1 + name.length + meta.length)).appendByte((byte) name.length)
        .appendBytes(name).appendBytes(meta);
    return b.getBytes();
  }

  private static byte[] metadata(String name, String value) {
    return Buffer.buffer().appendByte((byte) name.length()).appendString(name).appendInt(value.length())
        .appendString(value).getBytes();
  }

  /** A long frame header announcing {@code size} bytes, and none of them. */
  static byte[] longFrameHeader(int flags, long size) {
    return Buffer.buffer().appendByte((byte) (flags | 0x02)).appendLong(size).getBytes();
  }

  void send(byte[]... frames) {
    zmtp.send(frames, false);
  }

  void sendRaw(byte[] bytes) {
    try {
      out.write(bytes);
      out.flush();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The next message, or null when none arrives within {@code timeoutMs}. */
  List<byte[]> receive(int timeoutMs) throws IOException {
    long deadline = System.nanoTime() + timeoutMs * 1_000_000L;
    while (received.isEmpty()) {
      long left = (deadline - System.nanoTime()) / 1_000_000L;
      if (left <= 0 || !readOnce((int) Math.max(1, left))) {
        return null;
      }
    }
    return received.poll();
  }

  /** True when the server closes this connection within {@code timeoutMs}. */
  boolean closedByServer(int timeoutMs) {
    return closedByServer(socket, timeoutMs);
  }

  static boolean closedByServer(Socket s, int timeoutMs) {
    long deadline = System.nanoTime() + timeoutMs * 1_000_000L;
    byte[] sink = new byte[65536];
    try {
      while (System.nanoTime() < deadline) {
        s.setSoTimeout((int) Math.max(1, (deadline - System.nanoTime()) / 1_000_000L));
        try {
          if (s.getInputStream().read(sink) < 0) {
            return true;
          }
        } catch (SocketTimeoutException e) {
          return false;
        }
      }
      return false;
    } catch (IOException e) {
      return true; // reset by the server
    }
  }

  private boolean readOnce(int timeoutMs) throws IOException {
    socket.setSoTimeout(timeoutMs);
    byte[] buf = new byte[65536];
    int n;
    try {
      n = in.read(buf);
    } catch (SocketTimeoutException e) {
      return false;
    }
    if (n < 0) {
      throw new IOException("the server closed the connection");
    }
    try {
      zmtp.received(Buffer.buffer().appendBytes(buf, 0, n));
    } catch (ZmtpException e) {
      throw new IOException(e.reason() + ": " + e.getMessage(), e);
    }
    return true;
  }

  @Override
  public void close() {
    try {
      socket.close();
    } catch (IOException e) {
      // closing anyway
    }
  }
}
