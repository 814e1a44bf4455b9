package io.conduit.bridge;

import io.conduit.codec.cbp.Command;
import io.conduit.codec.cbp.CbpFrames;
import io.vertx.core.json.JsonObject;
import org.zeromq.SocketType;
import org.zeromq.ZContext;
import org.zeromq.ZMQ;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A bare JeroMQ DEALER or REQ client for tests: sends any frames, reads replies with a deadline.
 * Freshly connected JeroMQ clients sometimes never get a reply (see DESIGN.md), so {@link #connect}
 * proves the socket with a PING and replaces it until one answers. Test thread only.
 */
final class RawZmqClient implements AutoCloseable {

  private final ZContext context = new ZContext(1);
  private final String endpoint;
  private final SocketType type;
  private ZMQ.Socket socket;

  private RawZmqClient(String endpoint, SocketType type) {
    this.endpoint = endpoint;
    this.type = type;
  }

  static RawZmqClient dealer(String endpoint) {
    return connect(endpoint, SocketType.DEALER, null);
  }

  static RawZmqClient req(String endpoint) {
    return connect(endpoint, SocketType.REQ, null);
  }

  /** A client whose socket is proven to get replies (bounded: 20 fresh sockets at most). */
  static RawZmqClient connect(String endpoint, SocketType type, java.util.function.Consumer<ZMQ.Socket> setup) {
    RawZmqClient c = new RawZmqClient(endpoint, type);
    for (int attempt = 0; attempt < 20; attempt++) {
      c.open(setup);
      c.send(CbpFrames.request(Command.PING, "probe".getBytes(), "", new byte[0], new byte[0]));
      if (c.receive(attempt < 3 ? 500 : 1500) != null) {
        return c;
      }
      c.context.destroySocket(c.socket);
    }
    c.close();
    throw new AssertionError("no reply to PING from " + endpoint + " on 20 fresh sockets");
  }

  /** A client without the probe: for peers the bridge is expected to refuse. */
  static RawZmqClient unproven(String endpoint, SocketType type, java.util.function.Consumer<ZMQ.Socket> setup) {
    RawZmqClient c = new RawZmqClient(endpoint, type);
    c.open(setup);
    return c;
  }

  private void open(java.util.function.Consumer<ZMQ.Socket> setup) {
    socket = context.createSocket(type);
    socket.setLinger(0);
    socket.setReceiveTimeOut(-1);
    if (setup != null) {
      setup.accept(socket);
    }
    socket.connect(endpoint);
  }

  ZMQ.Socket socket() {
    return socket;
  }

  void send(byte[]... frames) {
    if (frames.length == 0) {
      socket.send(new byte[0], 0);
      return;
    }
    if (type == SocketType.DEALER) {
      // What a REQ socket does for us: the empty delimiter the ROUTER hands back in front.
      socket.send(new byte[0], ZMQ.SNDMORE);
    }
    for (int i = 0; i < frames.length; i++) {
      socket.send(frames[i], i < frames.length - 1 ? ZMQ.SNDMORE : 0);
    }
  }

  /** Sends frames exactly as given, without the delimiter (a DEALER speaking without one). */
  void sendRaw(byte[]... frames) {
    for (int i = 0; i < frames.length; i++) {
      socket.send(frames[i], i < frames.length - 1 ? ZMQ.SNDMORE : 0);
    }
  }

  void request(String address, String headersJson, String body) {
    send(CbpFrames.request(Command.REQUEST, "r1".getBytes(), address, utf8(headersJson), utf8(body)));
  }

  /** The next reply's frames (delimiter removed), or null if none arrives within the timeout. */
  List<byte[]> receive(long timeoutMs) {
    List<byte[]> frames = receive(context, socket, timeoutMs);
    if (frames != null && type == SocketType.DEALER && !frames.isEmpty() && frames.get(0).length == 0) {
      frames.remove(0);
    }
    return frames;
  }

  /** The next multipart message on any socket, or null if none arrives within the timeout. */
  static List<byte[]> receive(ZContext context, ZMQ.Socket socket, long timeoutMs) {
    ZMQ.Poller poller = context.createPoller(1);
    try {
      poller.register(socket, ZMQ.Poller.POLLIN);
      if (poller.poll(timeoutMs) <= 0 || !poller.pollin(0)) {
        return null;
      }
    } finally {
      poller.close();
    }
    List<byte[]> frames = new ArrayList<>();
    frames.add(socket.recv(0));
    while (socket.hasReceiveMore()) {
      frames.add(socket.recv(0));
    }
    return frames;
  }

  /** The next reply, which must arrive within 10 s. */
  /**
   * Reads the acknowledgements of {@code sent} sends with ids {@code prefix0, prefix1, ...}: the
   * first {@code accepted} OK, the rest OVERLOADED at {@code limit} bytes.
   */
  void expectAcks(String prefix, int sent, int accepted, long limit) {
    for (int i = 0; i < sent; i++) {
      List<byte[]> ack = reply();
      org.junit.jupiter.api.Assertions.assertEquals(prefix + i, text(ack.get(2)));
      if (i < accepted) {
        org.junit.jupiter.api.Assertions.assertEquals("OK", text(ack.get(1)), describe(ack));
      } else {
        JsonObject e = new JsonObject(text(ack.get(4)));
        org.junit.jupiter.api.Assertions.assertEquals("OVERLOADED", e.getString("code"), describe(ack));
        org.junit.jupiter.api.Assertions.assertEquals(limit, e.getLong("limit"));
      }
    }
  }

  List<byte[]> reply() {
    List<byte[]> frames = receive(10_000);
    if (frames == null) {
      throw new AssertionError("no reply within 10 s");
    }
    return frames;
  }

  /** The JSON error body of the next reply, which must be an ERROR. */
  JsonObject error() {
    List<byte[]> frames = reply();
    if (frames.size() != 5 || !Arrays.equals(CbpFrames.ERROR, frames.get(1))) {
      throw new AssertionError("expected an ERROR reply, got " + describe(frames));
    }
    return new JsonObject(new String(frames.get(4), StandardCharsets.UTF_8));
  }

  static String describe(List<byte[]> frames) {
    return frames.stream().map(f -> new String(f, StandardCharsets.UTF_8)).toList().toString();
  }

  static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  static String text(byte[] b) {
    return new String(b, StandardCharsets.UTF_8);
  }

  @Override
  public void close() {
    context.close();
  }
}
