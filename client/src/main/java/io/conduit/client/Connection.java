package io.conduit.client;

import io.conduit.codec.zmtp.ByteBudget;
import io.conduit.codec.zmtp.SocketType;
import io.conduit.codec.zmtp.ZmtpConnection;
import io.conduit.codec.zmtp.ZmtpException;
import io.conduit.codec.zmtp.ZmtpLimits;
import io.conduit.codec.zmtp.ZmtpSecurity;
import io.netty.buffer.ByteBuf;
import io.netty.util.ReferenceCountUtil;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.internal.net.NetSocketInternal;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetSocket;
import io.vertx.core.net.SocketAddress;

import java.util.List;

/**
 * One ZeroMQ connection of a client, as a ZeroMQ socket keeps it: a TCP connection from a Vert.x
 * {@link NetClient} whose bytes a {@link ZmtpConnection} decodes, redialled with a growing pause
 * (100 ms doubling to 5 s, back to 100 ms after a handshake succeeds) whenever it fails or drops,
 * until {@link #close()}. Confined to the client's event loop: every method runs there.
 */
final class Connection {

  /** What the connection tells its owner, on the event loop. */
  interface Handler {
    /** The handshake is done; {@link #send} now reaches the peer. */
    void up();

    /** A whole message (see {@link ZmtpConnection.Listener#message}). */
    void message(List<byte[]> frames, int frameCount, long size, boolean truncated);

    /** An attempt failed or, when {@code wasUp}, a ready connection was lost; a redial is scheduled. */
    void down(boolean wasUp);
  }

  static final long FIRST_RETRY_MS = 100;
  static final long MAX_RETRY_MS = 5_000;
  /** Largest message the client takes; a bigger reply fails its request with TOO_LARGE. */
  static final long MAX_MESSAGE_BYTES = Payloads.MAX_INFLATED_BYTES;

  private static final int MAX_BATCH_BYTES = 64 * 1024;
  private static final ZmtpLimits LIMITS = ZmtpLimits.forMessages(MAX_MESSAGE_BYTES);

  private final Vertx vertx;
  private final NetClient net;
  private final SocketAddress address;
  private final SocketType type;
  private final ZmtpSecurity security;
  private final Handler handler;
  private final ByteBudget budget = new ByteBudget(Long.MAX_VALUE / 4);

  private NetSocket socket;
  private ZmtpConnection zmtp;
  private boolean up;
  private boolean started;
  private boolean closed;
  private int attempt;
  private long retryMs = FIRST_RETRY_MS;
  private long retryTimer = -1;
  private long handshakeTimer = -1;
  private int batchDepth;
  private Buffer batch;
  private String lastFailure;
  private ZmtpException.Reason lastReason;

  Connection(Vertx vertx, NetClient net, SocketAddress address, SocketType type, ZmtpSecurity security,
             Handler handler) {
    this.vertx = vertx;
    this.net = net;
    this.address = address;
    this.type = type;
    this.security = security;
    this.handler = handler;
  }

  /** Dials for the first time; later calls do nothing. */
  void start() {
    if (!started) {
      started = true;
      dial();
    }
  }

  /** True while a handshake is done and the connection has not dropped. */
  boolean isUp() {
    return up;
  }

  /** Why the last attempt failed or the last connection dropped, in words; null before any failure. */
  String lastFailure() {
    return lastFailure;
  }

  /** The protocol reason of the last failure, or null when it was no protocol failure (refused, reset...). */
  ZmtpException.Reason lastReason() {
    return lastReason;
  }

  /** Sends a message when the connection is up; false (and nothing sent) otherwise. */
  boolean send(byte[][] frames) {
    if (!up) {
      return false;
    }
    zmtp.send(frames, false);
    return true;
  }

  /**
   * Runs {@code work}, writing everything it sends to the socket at once when it is done: a batch
   * of requests costs one system call, not one per request.
   */
  void batch(Runnable work) {
    batchDepth++;
    try {
      work.run();
    } finally {
      if (--batchDepth == 0 && batch != null) {
        Buffer out = batch;
        batch = null;
        if (socket != null) {
          socket.write(out);
        }
      }
    }
  }

  /** Closes the connection for good: no more redials. */
  void close() {
    closed = true;
    if (retryTimer >= 0) {
      vertx.cancelTimer(retryTimer);
      retryTimer = -1;
    }
    NetSocket s = socket;
    if (s != null) {
      drop();
      s.close();
    }
  }

  private void dial() {
    if (closed) {
      return;
    }
    int mine = ++attempt;
    net.connect(address).onComplete(ar -> {
      if (closed || mine != attempt) {
        if (ar.succeeded()) {
          ar.result().close();
        }
        return;
      }
      if (ar.failed()) {
        failed(describe(ar.cause()), null, false);
      } else {
        attach(ar.result());
      }
    });
  }

  private void attach(NetSocket s) {
    socket = s;
    ZmtpConnection c = new ZmtpConnection(type, null, false, security, LIMITS, budget, new ZmtpConnection.Listener() {
      @Override
      public void write(Buffer bytes) {
        output(bytes);
      }

      @Override
      public void ready(ZmtpConnection.Peer peer) {
        handshakeDone();
      }

      @Override
      public void message(List<byte[]> frames, int frameCount, long size, boolean truncated) {
        handler.message(frames, frameCount, size, truncated);
      }
    });
    zmtp = c;
    // Netty's read buffers as they come, not Vert.x's copies of them through its inbound queue
    ((NetSocketInternal) s).messageHandler(msg -> {
      try {
        if (socket == s && msg instanceof ByteBuf data) {
          batch(() -> {
            try {
              c.received(data);
            } catch (ZmtpException e) {
              lost(s, e.getMessage(), e.reason());
            }
          });
        }
      } finally {
        ReferenceCountUtil.release(msg);
      }
    });
    String[] error = new String[1];
    s.exceptionHandler(e -> error[0] = describe(e)); // the close handler follows
    s.closeHandler(v -> lost(s, (up ? "the bridge closed the connection" : "the connection closed during the "
        + (security instanceof ZmtpSecurity.CurveClient ? "CURVE " : "") + "handshake")
        + (error[0] != null ? " (" + error[0] + ")" : ""), null));
    handshakeTimer = vertx.setTimer(LIMITS.handshakeTimeoutMs(), id -> {
      handshakeTimer = -1;
      if (socket == s && !up) {
        lost(s, "no handshake within " + LIMITS.handshakeTimeoutMs() + " ms", ZmtpException.Reason.HANDSHAKE_TIMEOUT);
      }
    });
    c.start();
  }

  private void handshakeDone() {
    up = true;
    retryMs = FIRST_RETRY_MS;
    cancelHandshakeTimer();
    handler.up();
  }

  private void output(Buffer bytes) {
    if (socket == null) {
      return;
    }
    if (batchDepth == 0) {
      socket.write(bytes);
      return;
    }
    if (batch == null) {
      batch = bytes; // the codec's buffers are fresh: this one may grow
    } else {
      batch.appendBuffer(bytes);
    }
    if (batch.length() >= MAX_BATCH_BYTES) {
      socket.write(batch); // large bodies are not copied into one ever-growing buffer
      batch = null;
    }
  }

  private void lost(NetSocket s, String why, ZmtpException.Reason reason) {
    if (socket != s) {
      return; // already handled, or a socket this connection has let go of
    }
    boolean wasUp = up;
    drop();
    s.close();
    failed(why, reason, wasUp);
  }

  /** Forgets the current socket and its codec state. */
  private void drop() {
    cancelHandshakeTimer();
    if (zmtp != null) {
      zmtp.close();
    }
    zmtp = null;
    socket = null;
    batch = null;
    up = false;
  }

  private void failed(String why, ZmtpException.Reason reason, boolean wasUp) {
    lastFailure = why;
    lastReason = reason;
    if (!closed) {
      long pause = retryMs;
      retryMs = Math.min(MAX_RETRY_MS, retryMs * 2);
      retryTimer = vertx.setTimer(pause, id -> {
        retryTimer = -1;
        dial();
      });
    }
    handler.down(wasUp);
  }

  private void cancelHandshakeTimer() {
    if (handshakeTimer >= 0) {
      vertx.cancelTimer(handshakeTimer);
      handshakeTimer = -1;
    }
  }

  private static String describe(Throwable e) {
    String m = e.getMessage();
    return m == null || m.isBlank() ? e.getClass().getSimpleName() : m;
  }
}
