package io.conduit.bridge;

import io.conduit.codec.zmtp.ByteBudget;
import io.conduit.codec.zmtp.SocketType;
import io.conduit.codec.zmtp.ZmqEndpoint;
import io.conduit.codec.zmtp.ZmtpConnection;
import io.conduit.codec.zmtp.ZmtpException;
import io.conduit.codec.zmtp.ZmtpLimits;
import io.conduit.codec.zmtp.ZmtpSecurity;
import io.netty.buffer.ByteBuf;
import io.netty.util.ReferenceCountUtil;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.internal.net.NetSocketInternal;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetServerOptions;
import io.vertx.core.net.NetSocket;

import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * A ZeroMQ endpoint on a Vert.x {@code NetServer}: every connection's bytes are decoded by a
 * {@link ZmtpConnection} on the event loop that accepted it. This class owns the connections'
 * lives (handshake deadline, heartbeats, clients that stop reading, closing with a counted
 * reason); what their messages mean belongs to its {@link Handler}. Event-loop only.
 */
final class ZmtpListener {

  /** What a socket type does with its connections. */
  interface Handler {
    /** A connection finished its handshake. */
    void ready(ZmtpPeer peer);

    /** A whole message from a ready connection (see {@link ZmtpConnection.Listener#message}). */
    void message(ZmtpPeer peer, List<byte[]> frames, int frameCount, long size, boolean truncated);

    /** A ZMTP 3.1 SUBSCRIBE or CANCEL command. */
    default void subscription(ZmtpPeer peer, byte[] topic, boolean subscribe) {
    }

    /** A connection that was ready closed. */
    void closed(ZmtpPeer peer);
  }

  private static final System.Logger LOG = System.getLogger(ZmtpListener.class.getName());

  private final Vertx vertx;
  private final String endpoint;
  private final SocketType type;
  private final ZmtpSecurity security;
  private final ZmtpLimits limits;
  private final TransportOptions options;
  private final ByteBudget budget;
  private final BridgeStats stats;
  private final Handler handler;
  private final Set<ZmtpPeer> peers = new LinkedHashSet<>();
  /** Output to write at the end of a turn, for the connections on the loop that serves this listener. */
  private TurnFlush turn;
  private NetServer server;
  private long housekeeping = -1;
  /** True while this listener holds its endpoint in {@link SharedEndpoints}. */
  private boolean claimed;
  /** True once the endpoint is bound (and until it closes). */
  private boolean listening;
  private boolean checkingSocketFile;
  private int socketFileMisses;
  private boolean socketFileGone;
  private final ThrottledLog closings = new ThrottledLog(LOG, Level.INFO, "more closed");

  ZmtpListener(Vertx vertx, String endpoint, SocketType type, ZmtpSecurity security, ZmtpLimits limits,
               TransportOptions options, ByteBudget budget, BridgeStats stats, Handler handler) {
    this.vertx = vertx;
    this.endpoint = endpoint;
    this.type = type;
    this.security = security;
    this.limits = limits;
    this.options = options;
    this.budget = budget;
    this.stats = stats;
    this.handler = handler;
  }

  /** Binds the endpoint; fails with a sentence that names it. */
  Future<Void> listen() {
    NetServerOptions o = new NetServerOptions().setAcceptBacklog(options.listenBacklog()).setTcpNoDelay(true)
        .setReuseAddress(true);
    SharedEndpoints.Claim claim = null;
    if (!endpoint.endsWith(":*")) { // an ephemeral port is every listener's own
      // Instances of one bridge service (deployed together or one at a time by the runtime) have the
      // same config; another service on the same address has its own.
      io.vertx.core.json.JsonObject config = vertx.getOrCreateContext().config();
      try {
        claim = SharedEndpoints.claim(vertx, endpoint, config != null ? config.encode() : "listener-" + hashCode());
      } catch (IllegalStateException e) {
        return Future.failedFuture(new IllegalStateException("cannot bind " + e.getMessage(), e));
      }
      claimed = true;
    }
    server = vertx.createNetServer(o).connectHandler(this::accept);
    long tick = options.zmtpHeartbeatMs() > 0 ? Math.min(1_000, options.zmtpHeartbeatMs()) : 1_000;
    housekeeping = vertx.setPeriodic(tick, id -> housekeeping());
    // Only the first instance takes over a socket file left behind; the others join its server once
    // it has bound (instances start at once, on several event loops).
    Future<Void> ready = claim == null ? Future.succeededFuture()
        : claim.first() ? removeSocketFile() : onThisContext(claim.firstBound().future());
    Future<Void> bound = ready
        .compose(v -> server.listen(ZmqEndpoint.forBind(endpoint)))
        .recover(e -> Future.failedFuture(new IllegalStateException("cannot bind " + endpoint + ": "
            + (e instanceof java.net.BindException ? e.getMessage().toLowerCase(java.util.Locale.ROOT) : e.toString()), e)))
        .<Void>mapEmpty()
        .onSuccess(v -> listening = true);
    if (claim != null && claim.first()) {
      Promise<Void> firstBound = claim.firstBound();
      bound.onComplete(ar -> firstBound.tryComplete());
    }
    return bound;
  }

  /** {@code f}'s completion, seen on this listener's context (it may complete on another event loop). */
  private Future<Void> onThisContext(Future<Void> f) {
    io.vertx.core.Context context = vertx.getOrCreateContext();
    Promise<Void> here = Promise.promise();
    f.onComplete(ar -> context.runOnContext(v -> here.complete()));
    return here.future();
  }

  /** The bound TCP port (useful with {@code tcp://host:*}), or -1. */
  int port() {
    return server == null ? -1 : server.actualPort();
  }

  /** True while bound; an {@code ipc://} endpoint whose socket file someone removed is not (see {@link #watchSocketFile}). */
  boolean listening() {
    return server != null && listening && !socketFileGone;
  }

  /** Stops accepting and closes every connection. */
  Future<Void> close() {
    if (housekeeping >= 0) {
      vertx.cancelTimer(housekeeping);
      housekeeping = -1;
    }
    for (ZmtpPeer p : new ArrayList<>(peers)) {
      p.close();
    }
    NetServer s = server;
    server = null;
    listening = false;
    boolean last = !claimed || SharedEndpoints.release(vertx, endpoint);
    claimed = false;
    if (s == null) {
      return Future.succeededFuture();
    }
    // the socket file goes with the last instance, unless another has bound it again meanwhile
    return s.close().eventually(() -> last && SharedEndpoints.unclaimed(vertx, endpoint)
        ? removeSocketFile() : Future.succeededFuture());
  }

  /**
   * Like libzmq, an {@code ipc://} endpoint takes over a socket file left behind (by a node killed
   * before it could remove it), and removes its own when it closes; through Vert.x's file system,
   * off the event loop. A file that cannot be removed makes binding fail and say why.
   */
  private Future<Void> removeSocketFile() {
    if (!endpoint.startsWith("ipc://")) {
      return Future.succeededFuture();
    }
    String path = endpoint.substring("ipc://".length());
    return vertx.fileSystem().exists(path)
        .compose(there -> there ? vertx.fileSystem().delete(path) : Future.<Void>succeededFuture())
        .otherwiseEmpty();
  }

  /** Closes a connection for a reason of the bridge's own (a client that does not read, say). */
  void drop(ZmtpPeer peer, ZmtpException.Reason reason, String why) {
    if (!peer.closed()) {
      refused(peer, reason, why);
    }
  }

  private void accept(NetSocket socket) {
    if (turn == null) {
      turn = new TurnFlush(((NetSocketInternal) socket).channelHandlerContext().executor(),
          e -> LOG.log(Level.ERROR, "a fault writing a connection's output on " + endpoint, e));
    }
    ZmtpPeer peer = new ZmtpPeer(socket, options, turn);
    ZmtpConnection zmtp = new ZmtpConnection(type, null, true, security, limits, budget, new ZmtpConnection.Listener() {
      @Override
      public void write(Buffer bytes) {
        peer.write(bytes);
      }

      @Override
      public void ready(ZmtpConnection.Peer info) {
        handler.ready(peer);
      }

      @Override
      public void message(List<byte[]> frames, int frameCount, long size, boolean truncated) {
        handler.message(peer, frames, frameCount, size, truncated);
      }

      @Override
      public void subscription(byte[] topic, boolean subscribe) {
        handler.subscription(peer, topic, subscribe);
      }
    });
    peer.attach(zmtp);
    peers.add(peer);
    stats.connections(type, peers.size());
    long deadline = vertx.setTimer(options.handshakeTimeoutMs(), id -> {
      if (zmtp.peer() == null) {
        drop(peer, ZmtpException.Reason.HANDSHAKE_TIMEOUT, "no handshake within " + options.handshakeTimeoutMs() + " ms");
      }
    });
    // Netty's read buffers as they come, not Vert.x's copies of them through its inbound queue
    // (a heap copy per read and a queue the codec does not need); pausing still holds reads back
    // in the connection, and Vert.x's TCP meters still count them.
    NetSocketInternal raw = (NetSocketInternal) socket;
    raw.messageHandler(msg -> {
      try {
        if (msg instanceof ByteBuf data && !peer.closed()) {
          peer.inputArrived();
          zmtp.received(data);
        }
      } catch (ZmtpException e) {
        refused(peer, e.reason(), e.getMessage());
      } catch (RuntimeException e) {
        LOG.log(Level.ERROR, "a fault handling a connection on " + endpoint + "; that connection is closed", e);
        refused(peer, ZmtpException.Reason.MALFORMED, "internal fault: " + e);
      } finally {
        ReferenceCountUtil.release(msg);
      }
    });
    socket.exceptionHandler(e -> {
      // a reset or broken pipe: the close handler follows
    });
    socket.closeHandler(v -> {
      vertx.cancelTimer(deadline);
      closed(peer);
      // reads held back while the peer was paused stay in the connection, in Netty's pooled
      // buffers, unless something takes them: resuming hands them to the handler above, which
      // releases them unread
      socket.resume();
    });
    zmtp.start();
  }

  private void refused(ZmtpPeer peer, ZmtpException.Reason reason, String why) {
    stats.connectionClosed(reason);
    closings.log(() -> "closed a connection from " + peer.socket().remoteAddress() + " on " + endpoint + " ("
        + reason + ": " + why + ")");
    peer.zmtp().close();
    peer.close();
    closed(peer);
  }

  private void closed(ZmtpPeer peer) {
    if (peer.closed()) {
      return;
    }
    peer.markClosed();
    peer.zmtp().close();
    peers.remove(peer);
    stats.connections(type, peers.size());
    if (peer.zmtp().peer() != null) {
      handler.closed(peer);
    }
  }

  /**
   * A Unix socket whose file was removed (by hand, by a cleanup job, by another process taking
   * the path) still serves its connections but no new client can reach it, and the server cannot
   * tell. Checked each housekeeping tick, off the event loop, so that the health check
   * ({@code /health/live}) reports the bridge down for its supervisor to restart the node.
   */
  private void watchSocketFile() {
    if (!endpoint.startsWith("ipc://") || !listening || socketFileGone || checkingSocketFile) {
      return;
    }
    checkingSocketFile = true;
    String path = endpoint.substring("ipc://".length());
    vertx.fileSystem().exists(path).onComplete(there -> {
      checkingSocketFile = false;
      if (there.succeeded()) {
        socketFileMisses = there.result() ? 0 : socketFileMisses + 1;
      }
      // twice in a row: a check that ran while an instance was taking the file over proves nothing
      if (socketFileMisses >= 2 && listening && !socketFileGone) {
        socketFileGone = true;
        LOG.log(Level.ERROR, "the socket file of " + endpoint + " is gone: no new client can connect; the bridge "
            + "reports itself down (/health/live) until the node is restarted");
      }
    });
  }

  private void housekeeping() {
    watchSocketFile();
    long now = System.nanoTime();
    long slow = options.slowClientTimeoutMs() * 1_000_000L;
    long heartbeat = options.zmtpHeartbeatMs() * 1_000_000L;
    for (ZmtpPeer p : new ArrayList<>(peers)) {
      long silent = p.silentNanos(now); // every tick, so that input is dated to within one
      if (p.stalled(now, slow)) {
        drop(p, ZmtpException.Reason.DEAD_PEER, "it has not read its replies for " + options.slowClientTimeoutMs() + " ms");
      } else if (heartbeat > 0 && p.zmtp().peer() != null && p.zmtp().peer().minor() >= 1) {
        // only ZMTP 3.1 peers are PINGed; a 3.0 peer (JeroMQ 0.6.0) has nothing to answer with,
        // so its silence, e.g. while it waits for a slow reply, says nothing about its life
        if (silent > 3 * heartbeat) {
          drop(p, ZmtpException.Reason.DEAD_PEER, "silent for 3 heartbeat intervals");
        } else {
          p.zmtp().ping((int) Math.min(0xFFFF, options.zmtpHeartbeatMs() * 3 / 100));
        }
      }
    }
  }
}
