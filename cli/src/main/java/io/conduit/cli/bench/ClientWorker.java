package io.conduit.cli.bench;

import io.conduit.codec.cbp.CbpFrames;
import io.conduit.codec.cbp.Command;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonObject;
import org.zeromq.SocketType;
import org.zeromq.ZContext;
import org.zeromq.ZMQ;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * One bench client: one socket on its own thread (sockets are not thread-safe). A DEALER keeps
 * {@code window} CBP/1 requests outstanding, a REQ (sync mode) one. Each request id is 8 bytes,
 * slot + generation, so a reply finds its send time in an array and a late reply to a reused slot
 * is ignored. Anything with the id in frame 3 counts as a reply, so a raw echo of the request
 * frames works too.
 */
final class ClientWorker implements Runnable {

  static final int HANDSHAKE_MS = 1000;
  static final long IDLE_LIMIT_NANOS = 10_000_000_000L;
  private static final int WARMUP_ATTEMPTS = 10;
  private static final long WARMUP_WAIT_NANOS = 500_000_000L;
  private static final int RECV_WAIT_MS = 50;

  private final ZContext context;
  private final LoadSpec spec;
  private final LoadRunner.Control control;
  private final long quota;
  /** The requests to send in turn (one, or a weighted mix's cycle); {@link #nextRequest} walks them. */
  private final byte[][][] requests;
  private int sent;
  private ZMQ.Socket socket;

  // Results, read by the runner after this thread has ended.
  long ok;
  long unanswered;
  long lastReplyNanos;
  final Map<String, Long> errors = new HashMap<>();
  final LatencySample latencies;
  String failure;

  ClientWorker(ZContext context, LoadSpec spec, int index, LoadRunner.Control control) {
    this.context = context;
    this.spec = spec;
    this.control = control;
    this.quota = spec.quota(index);
    this.latencies = new LatencySample(Math.max(10_000, 2_000_000 / spec.clients()));
    java.util.Map<byte[], byte[][]> framed = new java.util.IdentityHashMap<>();
    this.requests = spec.bodyCycle().stream().map(body -> framed.computeIfAbsent(body, b ->
        CbpFrames.request(Command.REQUEST, CbpFrames.EMPTY, spec.address(), CbpFrames.EMPTY, b))).toArray(byte[][][]::new);
    // clients start at different points of the cycle, so together they keep its proportions early on
    this.sent = index * 7919;
  }

  private byte[][] nextRequest() {
    return requests[Math.floorMod(sent++, requests.length)];
  }

  @Override
  public void run() {
    try {
      boolean warm;
      try {
        socket = open();
        warm = warmUp();
      } finally {
        control.ready.countDown();
      }
      if (!warm) {
        failure = "no reply to " + WARMUP_ATTEMPTS + " warm-up PINGs";
        return;
      }
      if (control.awaitGo()) {
        if (spec.sync()) {
          runOneAtATime();
        } else {
          runPipelined();
        }
      }
    } catch (RuntimeException e) {
      failure = e.toString();
    } finally {
      if (socket != null) {
        context.destroySocket(socket);
      }
      control.done.countDown();
    }
  }

  private void runPipelined() {
    int window = spec.window();
    long[] sentAt = new long[window];
    int[] generation = new int[window];
    int[] free = new int[window];
    for (int i = 0; i < window; i++) {
      free[i] = window - 1 - i;
    }
    int freeTop = window;
    long sent = 0;
    long lastReply = System.nanoTime();
    while (true) {
      while (freeTop > 0 && sent < quota && !control.stopped()) {
        int slot = free[--freeTop];
        sentAt[slot] = System.nanoTime();
        send(nextRequest(), slot, ++generation[slot]);
        sent++;
      }
      int outstanding = window - freeTop;
      if (outstanding == 0 || control.stopped()) {
        unanswered = outstanding;
        return;
      }
      byte[] first = socket.recv(0);
      long now = System.nanoTime();
      if (first == null) {
        if (now - lastReply > IDLE_LIMIT_NANOS) {
          failure = "no reply for " + IDLE_LIMIT_NANOS / 1_000_000_000L + " s";
          unanswered = outstanding;
          return;
        }
        continue;
      }
      lastReply = now;
      for (int n = 0; first != null && n < window; n++) {
        int slot = answer(readRest(first), sentAt, generation, now);
        if (slot >= 0) {
          free[freeTop++] = slot;
        }
        first = socket.recv(ZMQ.DONTWAIT);
        now = System.nanoTime();
      }
    }
  }

  private void runOneAtATime() {
    long[] sentAt = new long[1];
    int[] generation = new int[1];
    for (long sent = 0; sent < quota && !control.stopped(); sent++) {
      sentAt[0] = System.nanoTime();
      send(nextRequest(), 0, ++generation[0]);
      byte[] first = null;
      while (first == null) {
        first = socket.recv(0);
        if (first == null && (control.stopped() || System.nanoTime() - sentAt[0] > IDLE_LIMIT_NANOS)) {
          failure = control.stopped() ? null : "no reply for " + IDLE_LIMIT_NANOS / 1_000_000_000L + " s";
          unanswered = 1;
          return;
        }
      }
      answer(readRest(first), sentAt, generation, System.nanoTime());
    }
  }

  /** Records one reply; returns its slot, free again, or -1 when it answers nothing outstanding. */
  private int answer(List<byte[]> frames, long[] sentAt, int[] generation, long now) {
    if (frames.size() < 3 || frames.get(2).length != 8) {
      return -1;
    }
    ByteBuffer id = ByteBuffer.wrap(frames.get(2));
    int slot = id.getInt();
    if (slot < 0 || slot >= generation.length || generation[slot] != id.getInt()) {
      return -1;
    }
    generation[slot]++; // a duplicate of this reply is now stale
    control.answered.increment();
    lastReplyNanos = now;
    if (frames.size() == CbpFrames.REPLY_FRAMES && Arrays.equals(frames.get(1), CbpFrames.ERROR)) {
      errors.merge(errorCode(frames.get(4)), 1L, Long::sum);
    } else {
      ok++;
      latencies.record(now - sentAt[slot]);
    }
    return slot;
  }

  private boolean warmUp() {
    byte[][] ping = CbpFrames.request(Command.PING, CbpFrames.EMPTY, "", CbpFrames.EMPTY, CbpFrames.EMPTY);
    for (int attempt = 1; attempt <= WARMUP_ATTEMPTS; attempt++) {
      send(ping, -1, attempt);
      long until = System.nanoTime() + WARMUP_WAIT_NANOS;
      while (System.nanoTime() < until) {
        byte[] first = socket.recv(0);
        if (first != null) {
          readRest(first);
          return true;
        }
      }
      context.destroySocket(socket); // this connection stalled: dial a fresh one
      socket = open();
    }
    return false;
  }

  private ZMQ.Socket open() {
    ZMQ.Socket s = context.createSocket(spec.sync() ? SocketType.REQ : SocketType.DEALER);
    s.setLinger(0);
    s.setHandshakeIvl(HANDSHAKE_MS);
    s.setSndHWM(spec.window() + 100);
    s.setRcvHWM(spec.window() + 100);
    s.setReceiveTimeOut(RECV_WAIT_MS);
    s.connect(spec.endpoint());
    return s;
  }

  private void send(byte[][] frames, int slot, int generation) {
    byte[] id = ByteBuffer.allocate(8).putInt(slot).putInt(generation).array();
    for (int i = 0; i < frames.length; i++) {
      socket.send(i == 2 ? id : frames[i], i < frames.length - 1 ? ZMQ.SNDMORE : 0);
    }
  }

  private List<byte[]> readRest(byte[] first) {
    List<byte[]> frames = new ArrayList<>(6);
    frames.add(first);
    while (socket.hasReceiveMore()) {
      frames.add(socket.recv(0));
    }
    return frames;
  }

  private static String errorCode(byte[] body) {
    try {
      Object value = Json.decodeValue(Buffer.buffer(body));
      return value instanceof JsonObject o ? o.getString("code", "UNKNOWN") : "UNKNOWN";
    } catch (RuntimeException e) {
      return "UNKNOWN";
    }
  }
}
