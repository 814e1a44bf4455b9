package io.conduit.cli.bench;

import io.conduit.codec.cbp.CbpFrames;
import io.conduit.codec.cbp.Command;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonObject;
import org.zeromq.SocketType;
import org.zeromq.ZContext;
import org.zeromq.ZMQ;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * One bench thread driving one or more client sockets (sockets are not thread-safe, so each belongs
 * to one thread). A DEALER keeps {@code window} CBP/1 requests outstanding, a REQ (sync mode) one.
 * A thread with one socket waits in that socket's receive; a thread with many ({@code --threads}
 * below {@code --clients}) sleeps in one NIO selector over their signalling channels, the way a
 * server multiplexes connections, so a thousand sockets do not need a thousand threads. Each request
 * id is 8 bytes, slot + generation, so a reply finds its send time in an array and a late reply to a
 * reused slot is ignored. Anything with the id in frame 3 counts as a reply, so a raw echo of the
 * request frames works too.
 */
final class ClientWorker implements Runnable {

  static final int HANDSHAKE_MS = 1000;
  static final long IDLE_LIMIT_NANOS = 10_000_000_000L;
  private static final long WARMUP_WAIT_NANOS = 500_000_000L;
  private static final int RECV_WAIT_MS = 50;
  private final BenchConnection connection;
  private static final long IDLE_NAP_NANOS = 50_000;

  private final ZContext context;
  private final LoadSpec spec;
  private final LoadRunner.Control control;
  private final List<Client> clients = new ArrayList<>();
  /** The requests to send in turn (one, or a weighted mix's cycle); each client walks them. */
  private final byte[][][] requests;

  // Results, read by the runner after this thread has ended.
  long ok;
  long unanswered;
  long lastReplyNanos;
  final Map<String, Long> errors = new HashMap<>();
  final LatencySample latencies;
  String failure;

  /** A worker for the clients {@code first} to {@code first + count - 1} of the spec. */
  ClientWorker(ZContext context, LoadSpec spec, BenchConnection connection, int first, int count,
               LoadRunner.Control control) {
    this.connection = connection;
    this.context = context;
    this.spec = spec;
    this.control = control;
    int workers = (spec.clients() + count - 1) / count;
    this.latencies = new LatencySample(Math.max(10_000, 2_000_000 / workers));
    Map<byte[], byte[][]> framed = new java.util.IdentityHashMap<>();
    this.requests = spec.bodyCycle().stream().map(body -> framed.computeIfAbsent(body, b ->
        CbpFrames.request(Command.REQUEST, CbpFrames.EMPTY, spec.address(), CbpFrames.EMPTY, b))).toArray(byte[][][]::new);
    for (int i = first; i < first + count; i++) {
      clients.add(new Client(i));
    }
  }

  /** PINGs a client sends, one every 500 ms on a fresh connection, within the connect wait. */
  private int warmupAttempts() {
    return (int) Math.max(1, connection.connectMs() * 1_000_000L / WARMUP_WAIT_NANOS);
  }

  @Override
  public void run() {
    try {
      List<Client> warm = new ArrayList<>();
      try {
        for (Client c : clients) {
          if (c.open()) {
            warm.add(c);
          } else {
            failure = "no reply to " + warmupAttempts() + " warm-up PINGs in " + connection.connectMs() + " ms";
          }
        }
      } finally {
        control.ready.countDown();
      }
      if (warm.isEmpty() || !control.awaitGo()) {
        return;
      }
      if (warm.size() > 1) {
        runMultiplexed(warm);
      } else {
        warm.get(0).runAlone();
      }
    } catch (RuntimeException | IOException e) {
      failure = e.toString();
    } finally {
      for (Client c : clients) {
        c.close();
      }
      control.done.countDown();
    }
  }

  /** Many sockets on this thread: keep every window full, sleep until one of them has replies. */
  private void runMultiplexed(List<Client> active) throws IOException {
    try (Selector selector = Selector.open()) {
      for (Client c : active) {
        c.socket.getFD().register(selector, SelectionKey.OP_READ, c);
        c.fill();
        service(c);
      }
      long lastReply = System.nanoTime();
      while (true) {
        int outstanding = 0;
        for (Client c : active) {
          outstanding += c.outstanding();
        }
        if (outstanding == 0 || control.stopped()) {
          unanswered += outstanding;
          return;
        }
        selector.select(RECV_WAIT_MS);
        long now = System.nanoTime();
        boolean answered = false;
        for (SelectionKey key : selector.selectedKeys()) {
          answered |= service((Client) key.attachment());
        }
        selector.selectedKeys().clear();
        if (answered) {
          lastReply = now;
        } else if (now - lastReply > IDLE_LIMIT_NANOS) {
          failure = "no reply for " + IDLE_LIMIT_NANOS / 1_000_000_000L + " s";
          unanswered += outstanding;
          return;
        } else {
          // Nothing was there: JeroMQ's signal channels can stay readable with nothing to read,
          // so the selector would return at once again; nap instead of spinning on them.
          java.util.concurrent.locks.LockSupport.parkNanos(IDLE_NAP_NANOS);
        }
      }
    }
  }

  /**
   * Takes a socket's replies and refills its window until it has no input left. The channel only
   * signals commands; ZMQ_EVENTS processes them, and when it finds no input it marks the socket's
   * pipe asleep, so the next reply signals the channel again (a socket last read successfully
   * would not).
   */
  private static boolean service(Client c) {
    boolean answered = false;
    while ((c.socket.getEvents() & ZMQ.Poller.POLLIN) != 0) {
      answered |= c.drain() > 0;
      c.fill();
    }
    return answered;
  }

  private static String errorCode(byte[] body) {
    try {
      Object value = Json.decodeValue(Buffer.buffer(body));
      return value instanceof JsonObject o ? o.getString("code", "UNKNOWN") : "UNKNOWN";
    } catch (RuntimeException e) {
      return "UNKNOWN";
    }
  }

  /** One client socket and its outstanding requests; used by its worker's thread only. */
  private final class Client {
    private final long quota;
    private final long[] sentAt;
    private final int[] generation;
    private final int[] free;
    private int freeTop;
    private long sent;
    private int cursor;
    private ZMQ.Socket socket;

    Client(int index) {
      this.quota = spec.quota(index);
      int window = spec.window();
      sentAt = new long[window];
      generation = new int[window];
      free = new int[window];
      for (int i = 0; i < window; i++) {
        free[i] = window - 1 - i;
      }
      freeTop = window;
      // clients start at different points of the cycle, so together they keep its proportions early on
      cursor = index * 7919;
    }

    int outstanding() {
      return sentAt.length - freeTop;
    }

    /** Sends until the window is full, the quota is sent or the run stops. */
    void fill() {
      while (freeTop > 0 && sent < quota && !control.stopped()) {
        int slot = free[--freeTop];
        sentAt[slot] = System.nanoTime();
        send(requests[Math.floorMod(cursor++, requests.length)], slot, ++generation[slot]);
        sent++;
      }
    }

    /** Takes every reply waiting without blocking; returns how many answered a request. */
    int drain() {
      int answered = 0;
      byte[] first;
      // a REQ may only receive while its request is out; a DEALER reads until its pipe is empty
      while ((!spec.sync() || outstanding() > 0) && (first = socket.recv(ZMQ.DONTWAIT)) != null) {
        if (answer(readRest(first), System.nanoTime())) {
          answered++;
        }
      }
      return answered;
    }

    /** The only socket of its thread: waits in its receive (a REQ in sync mode is a window of one). */
    void runAlone() {
      long lastReply = System.nanoTime();
      while (true) {
        fill();
        int outstanding = outstanding();
        if (outstanding == 0 || control.stopped()) {
          unanswered += outstanding;
          return;
        }
        byte[] first = socket.recv(0);
        long now = System.nanoTime();
        if (first == null) {
          if (now - lastReply > IDLE_LIMIT_NANOS) {
            failure = "no reply for " + IDLE_LIMIT_NANOS / 1_000_000_000L + " s";
            unanswered += outstanding;
            return;
          }
          continue;
        }
        lastReply = now;
        answer(readRest(first), now);
        drain();
      }
    }

    /** Records one reply; true when it answered a request outstanding (its slot is free again). */
    private boolean answer(List<byte[]> frames, long now) {
      if (frames.size() < 3 || frames.get(2).length != 8) {
        return false;
      }
      ByteBuffer id = ByteBuffer.wrap(frames.get(2));
      int slot = id.getInt();
      if (slot < 0 || slot >= generation.length || generation[slot] != id.getInt()) {
        return false;
      }
      generation[slot]++; // a duplicate of this reply is now stale
      free[freeTop++] = slot;
      control.answered.increment();
      lastReplyNanos = Math.max(lastReplyNanos, now);
      if (frames.size() == CbpFrames.REPLY_FRAMES && Arrays.equals(frames.get(1), CbpFrames.ERROR)) {
        errors.merge(errorCode(frames.get(4)), 1L, Long::sum);
      } else {
        ok++;
        latencies.record(now - sentAt[slot]);
      }
      return true;
    }

    /** Opens the socket and waits for a PING's reply, dialling afresh when a connection stalls. */
    boolean open() {
      socket = connect();
      byte[][] ping = CbpFrames.request(Command.PING, CbpFrames.EMPTY, "", CbpFrames.EMPTY, CbpFrames.EMPTY);
      int attempts = warmupAttempts();
      for (int attempt = 1; attempt <= attempts; attempt++) {
        send(ping, -1, attempt);
        long until = System.nanoTime() + Math.min(WARMUP_WAIT_NANOS, connection.connectMs() * 1_000_000L);
        while (System.nanoTime() < until) {
          byte[] first = socket.recv(0);
          if (first != null) {
            readRest(first);
            return true;
          }
        }
        context.destroySocket(socket); // this connection stalled: dial a fresh one
        socket = connect();
      }
      return false;
    }

    void close() {
      if (socket != null) {
        context.destroySocket(socket);
        socket = null;
      }
    }

    private ZMQ.Socket connect() {
      ZMQ.Socket s = context.createSocket(spec.sync() ? SocketType.REQ : SocketType.DEALER);
      s.setLinger(0);
      connection.secure(s);
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
  }
}
