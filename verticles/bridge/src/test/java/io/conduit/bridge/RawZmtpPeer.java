package io.conduit.bridge;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A ZMTP peer made by hand on a plain blocking socket (NULL mechanism only), speaking the minor
 * version it is told to: 3.0 (RFC 23, subscriptions as messages, no PING) or 3.1 (RFC 37). It
 * shows what the bridge does with a peer whose greeting no library wrote. Test thread only.
 */
final class RawZmtpPeer implements AutoCloseable {

  static final int MORE = 0x01;
  static final int LONG = 0x02;
  static final int COMMAND = 0x04;

  /** A frame as it came off the wire. */
  record Frame(int flags, byte[] body) {
    boolean command() {
      return (flags & COMMAND) != 0;
    }

    /** A command frame's name. */
    String name() {
      return new String(body, 1, body[0] & 0xFF, StandardCharsets.US_ASCII);
    }
  }

  private final Socket socket;
  private final DataInputStream in;
  private final OutputStream out;
  private byte[] serverGreeting;
  private final List<Frame> commandsSeen = new ArrayList<>();

  private RawZmtpPeer(Socket socket) throws IOException {
    this.socket = socket;
    this.in = new DataInputStream(socket.getInputStream());
    this.out = socket.getOutputStream();
  }

  /** Connects to {@code tcp://host:port} and completes a NULL handshake as a {@code socketType} of ZMTP 3.{@code minor}. */
  static RawZmtpPeer connect(String endpoint, int minor, String socketType) throws IOException {
    String hostPort = endpoint.substring("tcp://".length());
    int colon = hostPort.lastIndexOf(':');
    Socket s = new Socket(hostPort.substring(0, colon), Integer.parseInt(hostPort.substring(colon + 1)));
    s.setSoTimeout(10_000);
    s.setTcpNoDelay(true);
    RawZmtpPeer peer = new RawZmtpPeer(s);
    try {
      peer.out.write(greeting(3, minor));
      peer.serverGreeting = new byte[64];
      peer.in.readFully(peer.serverGreeting);
      peer.sendCommand("READY", metadata("Socket-Type", socketType));
      Frame ready = peer.readFrame();
      if (!ready.command() || !ready.name().equals("READY")) {
        throw new IOException("expected READY, got " + (ready.command() ? ready.name() : "a message frame"));
      }
      return peer;
    } catch (IOException | RuntimeException e) {
      s.close();
      throw e;
    }
  }

  /** A NULL, as-client greeting of ZMTP {@code major.minor}. */
  static byte[] greeting(int major, int minor) {
    byte[] g = new byte[64];
    g[0] = (byte) 0xFF;
    g[8] = 1;
    g[9] = 0x7F;
    g[10] = (byte) major;
    g[11] = (byte) minor;
    System.arraycopy("NULL".getBytes(StandardCharsets.US_ASCII), 0, g, 12, 4);
    return g;
  }

  static byte[] metadata(String name, String value) {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    byte[] n = name.getBytes(StandardCharsets.US_ASCII);
    byte[] v = value.getBytes(StandardCharsets.US_ASCII);
    b.write(n.length);
    b.writeBytes(n);
    b.writeBytes(new byte[] {0, 0, 0, (byte) v.length});
    b.writeBytes(v);
    return b.toByteArray();
  }

  /** The greeting the bridge sent. */
  byte[] serverGreeting() {
    return serverGreeting;
  }

  void sendCommand(String name, byte[] data) throws IOException {
    byte[] n = name.getBytes(StandardCharsets.US_ASCII);
    byte[] body = new byte[1 + n.length + data.length];
    body[0] = (byte) n.length;
    System.arraycopy(n, 0, body, 1, n.length);
    System.arraycopy(data, 0, body, 1 + n.length, data.length);
    writeFrame(COMMAND, body);
    out.flush();
  }

  void sendMessage(byte[]... frames) throws IOException {
    for (int i = 0; i < frames.length; i++) {
      writeFrame(i < frames.length - 1 ? MORE : 0, frames[i]);
    }
    out.flush();
  }

  private void writeFrame(int flags, byte[] body) throws IOException {
    if (body.length > 255) {
      out.write(flags | LONG);
      for (int shift = 56; shift >= 0; shift -= 8) {
        out.write((int) ((long) body.length >>> shift));
      }
    } else {
      out.write(flags);
      out.write(body.length);
    }
    out.write(body);
  }

  Frame readFrame() throws IOException {
    int flags = in.readUnsignedByte();
    long size = (flags & LONG) != 0 ? in.readLong() : in.readUnsignedByte();
    byte[] body = new byte[Math.toIntExact(size)];
    in.readFully(body);
    return new Frame(flags, body);
  }

  /**
   * The next message's frames, or null when none comes within {@code timeoutMs}. Commands on the
   * way (PING...) are noted in {@link #commandsSeen()}; a PING is answered with PONG, as RFC 37 asks.
   */
  List<byte[]> readMessage(int timeoutMs) throws IOException {
    socket.setSoTimeout(timeoutMs);
    List<byte[]> frames = new ArrayList<>();
    try {
      while (true) {
        Frame f = readFrame();
        if (f.command()) {
          commandsSeen.add(f);
          if (f.name().equals("PING")) {
            byte[] context = Arrays.copyOfRange(f.body(), 1 + 4 + 2, f.body().length);
            sendCommand("PONG", context);
          }
          continue;
        }
        frames.add(f.body());
        if ((f.flags() & MORE) == 0) {
          return frames;
        }
      }
    } catch (SocketTimeoutException e) {
      if (!frames.isEmpty()) {
        throw new IOException("a message cut off after " + frames.size() + " frames");
      }
      return null;
    }
  }

  List<Frame> commandsSeen() {
    return commandsSeen;
  }

  /** True once the bridge has closed this connection (read returns end of stream within the timeout). */
  boolean closedByPeer(int timeoutMs) throws IOException {
    socket.setSoTimeout(timeoutMs);
    try {
      while (true) {
        if (in.read() < 0) {
          return true;
        }
      }
    } catch (SocketTimeoutException e) {
      return false;
    } catch (IOException e) {
      return true; // reset
    }
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }
}
