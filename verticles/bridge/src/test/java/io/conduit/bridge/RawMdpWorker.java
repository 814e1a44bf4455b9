package io.conduit.bridge;

import io.conduit.codec.mdp.Mdp;
import org.zeromq.SocketType;
import org.zeromq.ZContext;
import org.zeromq.ZMQ;

import java.util.Arrays;
import java.util.List;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;

/**
 * A Majordomo worker (MDP/0.1, RFC 7) on a bare JeroMQ DEALER, driven step by step by a test: it
 * heartbeats only while a test waits in {@link #awaitRequest}, so "going silent" is simply not
 * calling it. Test thread only.
 */
final class RawMdpWorker implements AutoCloseable {

  private final ZContext context = new ZContext(1);
  private final long heartbeatMs;
  private ZMQ.Socket socket;
  private long nextHeartbeat;

  private RawMdpWorker(long heartbeatMs) {
    this.heartbeatMs = heartbeatMs;
  }

  /**
   * A worker registered for {@code service}: READY, then the bridge's first HEARTBEAT proves the
   * registration (fresh JeroMQ sockets sometimes never connect, so up to 20 fresh sockets are tried;
   * a READY that got through on a deaf socket leaves a worker that expires within the liveness window).
   */
  static RawMdpWorker register(String endpoint, String service, long heartbeatMs) {
    return register(endpoint, service, heartbeatMs, null);
  }

  /** {@link #register(String, String, long)} with socket options (CURVE keys) set before connecting. */
  static RawMdpWorker register(String endpoint, String service, long heartbeatMs, Consumer<ZMQ.Socket> setup) {
    RawMdpWorker w = new RawMdpWorker(heartbeatMs);
    for (int attempt = 0; attempt < 20; attempt++) {
      w.open(endpoint, setup);
      w.send(new byte[] {Mdp.READY}, service.getBytes());
      List<byte[]> first = w.receive(attempt < 3 ? 500 : 1500);
      if (first != null && command(first) == Mdp.HEARTBEAT) {
        w.nextHeartbeat = System.nanoTime() + heartbeatMs * 1_000_000L;
        return w;
      }
      if (first != null) {
        w.close();
        throw new AssertionError("READY for '" + service + "' was answered with " + RawZmqClient.describe(first));
      }
      w.context.destroySocket(w.socket);
    }
    w.close();
    throw new AssertionError("no HEARTBEAT after READY on 20 fresh sockets");
  }

  /** A connected worker socket that has said nothing yet (for refusals and broken frames). */
  static RawMdpWorker unregistered(String endpoint) {
    return unregistered(endpoint, null);
  }

  static RawMdpWorker unregistered(String endpoint, Consumer<ZMQ.Socket> setup) {
    RawMdpWorker w = new RawMdpWorker(1_000);
    w.open(endpoint, setup);
    return w;
  }

  private void open(String endpoint, Consumer<ZMQ.Socket> setup) {
    socket = context.createSocket(SocketType.DEALER);
    socket.setLinger(0);
    if (setup != null) {
      setup.accept(socket);
    }
    socket.connect(endpoint);
  }

  /** Sends {@code "" "MDPW01" frames...}. */
  void send(byte[]... frames) {
    socket.send(new byte[0], ZMQ.SNDMORE);
    socket.send(Mdp.WORKER, frames.length > 0 ? ZMQ.SNDMORE : 0);
    for (int i = 0; i < frames.length; i++) {
      socket.send(frames[i], i < frames.length - 1 ? ZMQ.SNDMORE : 0);
    }
  }

  /** Sends frames exactly as given, after the empty delimiter (for broken messages). */
  void sendRaw(byte[]... frames) {
    socket.send(new byte[0], ZMQ.SNDMORE);
    for (int i = 0; i < frames.length; i++) {
      socket.send(frames[i], i < frames.length - 1 ? ZMQ.SNDMORE : 0);
    }
  }

  /** REPLY to a request: {@code "" "MDPW01" 0x03 client "" body}. */
  void reply(List<byte[]> request, byte[] body) {
    send(new byte[] {Mdp.REPLY}, request.get(2), new byte[0], body);
  }

  /**
   * The next REQUEST ({@code "MDPW01" 0x02 client "" body}), heartbeating while it waits and
   * skipping the bridge's heartbeats; null if none within the timeout.
   */
  List<byte[]> awaitRequest(long timeoutMs) {
    long deadline = System.nanoTime() + timeoutMs * 1_000_000L;
    while (System.nanoTime() < deadline) {
      if (System.nanoTime() - nextHeartbeat >= 0) {
        send(new byte[] {Mdp.HEARTBEAT});
        nextHeartbeat = System.nanoTime() + heartbeatMs * 1_000_000L;
      }
      List<byte[]> message = receive(Math.max(1, Math.min(heartbeatMs / 2, (deadline - System.nanoTime()) / 1_000_000L)));
      if (message == null || command(message) == Mdp.HEARTBEAT) {
        continue;
      }
      if (command(message) != Mdp.REQUEST) {
        throw new AssertionError("expected a REQUEST, got command " + command(message) + " " + RawZmqClient.describe(message));
      }
      return message;
    }
    return null;
  }

  /** Waits for the bridge's DISCONNECT, skipping heartbeats; false if none within the timeout. */
  boolean awaitDisconnect(long timeoutMs) {
    long deadline = System.nanoTime() + timeoutMs * 1_000_000L;
    while (System.nanoTime() < deadline) {
      List<byte[]> message = receive(Math.max(1, (deadline - System.nanoTime()) / 1_000_000L));
      if (message != null && command(message) == Mdp.DISCONNECT) {
        return true;
      }
      LockSupport.parkNanos(1_000_000L);
    }
    return false;
  }

  /** The next message's frames after the delimiter, or null within the timeout. */
  List<byte[]> receive(long timeoutMs) {
    List<byte[]> frames = RawZmqClient.receive(context, socket, timeoutMs);
    if (frames != null && !frames.isEmpty() && frames.get(0).length == 0) {
      frames.remove(0);
    }
    return frames;
  }

  private static byte command(List<byte[]> frames) {
    if (frames.size() < 2 || !Arrays.equals(Mdp.WORKER, frames.get(0)) || frames.get(1).length != 1) {
      throw new AssertionError("not an MDP worker message: " + RawZmqClient.describe(frames));
    }
    return frames.get(1)[0];
  }

  /** Disappears without a word, like a killed process. */
  @Override
  public void close() {
    context.close();
  }
}
