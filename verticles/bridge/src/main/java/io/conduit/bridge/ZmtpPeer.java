package io.conduit.bridge;

import io.conduit.codec.zmtp.ZmtpConnection;
import io.netty.channel.ChannelHandlerContext;
import io.netty.util.concurrent.EventExecutor;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.internal.ContextInternal;
import io.vertx.core.internal.buffer.BufferInternal;
import io.vertx.core.internal.net.NetSocketInternal;
import io.vertx.core.net.NetSocket;
import io.vertx.core.net.impl.VertxConnection;

import java.util.ArrayList;
import java.util.List;

/**
 * One connection of the bridge: its socket, its ZMTP state and what it owes the peer. Output is
 * bounded: over {@link TransportOptions#clientOutputBytes()} unsent bytes (or
 * {@link TransportOptions#highWaterMark()} messages) the connection stops being read, so a client
 * must read its replies before it may ask for more; over twice the bytes it is closed.
 *
 * <p>Messages encoded in one turn of the event loop leave in one socket write: the first one
 * schedules a flush at the end of the loop's task queue (one task for all the connections of the
 * loop that have output, {@link TurnFlush}), and every reply that arrives before it runs joins
 * the same write. A socket write is a system call and a write promise; under pipelined
 * load a turn carries tens of replies, and one at a time each would pay both. The write is the
 * connection's own event-loop write (Vert.x's TCP meters still count it) with a Netty promise, not
 * {@code NetSocket.write}: this class is the socket's only writer and bounds its output itself, so
 * Vert.x's write queue, its write future and the dispatch that completes that on the context, and
 * the context task that used to schedule the flush, did nothing here but cost the loop. Closing
 * still goes through the socket, behind the bytes already written.
 * Event-loop only.
 */
final class ZmtpPeer {

  /** The first size of a turn's output buffer: tens of small replies, a few large ones. */
  private static final int TURN_BYTES = 16 * 1024;
  /** The name of the handler Vert.x's {@code NetServer} gives its {@code ChunkedWriteHandler}. */
  private static final String CHUNKED_WRITER = "chunkedWriter";

  private final NetSocket socket;
  private final VertxConnection connection;
  private final ChannelHandlerContext channel;
  private final TransportOptions options;
  private ZmtpConnection zmtp;
  private byte[] identity;
  private String key;
  private long unsentBytes;
  private int unsentMessages;
  private boolean paused;
  private long pausedSinceNanos;
  private long lastInputNanos = System.nanoTime();
  private boolean inputSinceCheck;
  private boolean closed;
  private int inFlight;
  private long inFlightBytes;
  private Runnable written;
  private final ContextInternal context;
  private final EventExecutor loop;
  /** Where this peer's output waits for the end of the turn: its listener's, on the same loop. */
  private final TurnFlush turn;
  private final Runnable flushTask = this::flush;
  private Buffer pending;
  private int pendingMessages;
  private List<Runnable> pendingDone;
  private boolean flushScheduled;

  ZmtpPeer(NetSocket socket, TransportOptions options, TurnFlush turn) {
    this.socket = socket;
    this.connection = (VertxConnection) socket;
    this.channel = ((NetSocketInternal) socket).channelHandlerContext();
    this.options = options;
    this.context = (ContextInternal) Vertx.currentContext();
    this.loop = channel.executor();
    this.turn = turn.loop() == loop ? turn : null;
    // Vert.x puts a chunked writer (for sendFile) in the pipeline of a transport without file
    // regions, io_uring among them: every write then waits in its queue for the flush. This peer
    // writes bytes only.
    if (channel.pipeline().get(CHUNKED_WRITER) != null) {
      channel.pipeline().remove(CHUNKED_WRITER);
    }
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

  /** Requests from this connection that have not been answered yet (the bridge's count). */
  int inFlight() {
    return inFlight;
  }

  void inFlight(int n) {
    inFlight = n;
  }

  /** What this connection's unanswered requests are charged against the in-flight byte limits. */
  long inFlightBytes() {
    return inFlightBytes;
  }

  void inFlightBytes(long bytes) {
    inFlightBytes = bytes;
  }

  /** Input came: noted as a flag, not a clock read per read (those cost the loop); see {@link #silentNanos}. */
  void inputArrived() {
    inputSinceCheck = true;
  }

  /**
   * How long the peer has sent nothing as of {@code now}, to within the period at which the
   * listener asks (its housekeeping): input noted since the last call counts as having come now.
   * While reading is paused the bridge cannot see what the peer sends (its PONGs included), so a
   * paused peer is not silent: {@link #stalled} judges it instead.
   */
  long silentNanos(long now) {
    if (inputSinceCheck || paused) {
      inputSinceCheck = false;
      lastInputNanos = now;
    }
    return now - lastInputNanos;
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

  /** The codec's output: counted until the socket has written it, sent with the turn's others. */
  void write(Buffer bytes) {
    Runnable done = written;
    written = null;
    unsentBytes += bytes.length();
    unsentMessages++;
    if (pending == null) {
      pending = bytes; // alone in its turn (a synchronous client's reply): written as it is
    } else if (pendingMessages == 1) {
      // a second one: room for a turn's worth, so joining them copies each once and never regrows
      pending = Buffer.buffer(Math.max(TURN_BYTES, 2 * (pending.length() + bytes.length())))
          .appendBuffer(pending).appendBuffer(bytes);
    } else {
      pending.appendBuffer(bytes);
    }
    pendingMessages++;
    if (done != null) {
      if (pendingDone == null) {
        pendingDone = new ArrayList<>(4);
      }
      pendingDone.add(done);
    }
    if (zmtp.peer() == null) {
      // the handshake: each command is awaited by the peer before it sends anything, so there is
      // nothing to batch; and fresh JeroMQ 0.6 clients were seen to stall when it came a turn later
      flush();
    } else if (!flushScheduled) {
      flushScheduled = true;
      if (turn != null) {
        turn.later(flushTask);
      } else {
        loop.execute(flushTask); // a plain task: flushing needs neither the context nor its bookkeeping
      }
    }
    if (!paused && !hasRoom()) {
      paused = true;
      pausedSinceNanos = System.nanoTime();
      socket.pause();
    }
  }

  /** Hands what this turn encoded to the socket (also before closing, so a last ERROR leaves). */
  void flush() {
    flushScheduled = false;
    Buffer out = pending;
    if (out == null) {
      return;
    }
    int bytes = out.length();
    int messages = pendingMessages;
    List<Runnable> done = pendingDone;
    pending = null;
    pendingMessages = 0;
    pendingDone = null;
    connection.write(((BufferInternal) out).getByteBuf(), true, channel.newPromise()).addListener(sent -> {
      unsentBytes -= bytes;
      unsentMessages -= messages;
      if (paused && unsentBytes <= options.clientOutputBytes() / 2 && unsentMessages <= options.highWaterMark() / 2) {
        paused = false;
        run(socket::resume);
      }
      if (done != null) {
        done.forEach(this::run); // the bridge's own accounting of the requests these replies end
      }
    });
  }

  /** Runs {@code action} from a write's listener: a failure is reported on the context, as a handler's is, and what follows still runs. */
  private void run(Runnable action) {
    try {
      action.run();
    } catch (Throwable e) {
      context.reportException(e);
    }
  }

  /** Sends what is pending, then closes the socket. */
  void close() {
    flush();
    socket.close();
  }
}
