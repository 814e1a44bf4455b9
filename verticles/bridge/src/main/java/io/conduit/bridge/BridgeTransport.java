package io.conduit.bridge;

import io.conduit.codec.ErrorCode;
import io.conduit.codec.mdp.Mdp;
import io.conduit.codec.zmtp.ByteBudget;
import io.conduit.codec.zmtp.SocketType;
import io.conduit.codec.zmtp.Z85;
import io.conduit.codec.zmtp.ZmtpException;
import io.conduit.codec.zmtp.ZmtpLimits;
import io.conduit.codec.zmtp.ZmtpSecurity;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;

import java.util.List;
import java.util.Set;

/**
 * The bridge's two ZeroMQ endpoints on the event loop: a ROUTER for requests (and Majordomo
 * clients and workers) and an XPUB for events, spoken by the ZMTP codec over Vert.x sockets with
 * no thread of their own. Load shedding is decided here, as a message arrives: size, frame count,
 * in-flight caps per client and per bridge, shutdown. A client's in-flight slot is freed when its
 * reply has been written to its socket, not before, so a client that does not read cannot make
 * the bridge hold unbounded replies. Event-loop only.
 */
final class BridgeTransport implements RouterSocket.Inbox {

  /** What arrives for the event-bus side; called on the event loop, in order. */
  interface Receiver {
    void request(Inbound request);

    void subscription(String topic, boolean subscribed);

    void workerEvents(List<WorkerEvent> events);
  }

  private static final int MAX_FRAMES = 64;
  private static final long STOP_POLL_MS = 10;

  private final Vertx vertx;
  private final BridgeOptions options;
  private final Receiver receiver;
  private final BridgeStats stats;
  private final MajordomoWorkers workers;
  private final RouterSocket router;
  private final XpubSocket xpub;
  private ZmtpListener requests;
  private ZmtpListener events;
  private int inFlight;
  private int clientsWaiting;
  /** What this instance's requests in flight are charged; the node-wide cap is {@link #inFlightBudget}. */
  private long inFlightBytes;
  private ByteBudget inFlightBudget;
  private boolean closing;
  private boolean stopped;
  private long workerTimer = -1;

  /** True while this bridge counts among the users of the node's receive and in-flight budgets. */
  private boolean budgetHeld;

  BridgeTransport(Vertx vertx, BridgeOptions options, Receiver receiver, BridgeStats stats) {
    this.vertx = vertx;
    this.options = options;
    this.receiver = receiver;
    this.stats = stats;
    this.workers = new MajordomoWorkers(options, this::sendToWorker, receiver::workerEvents, stats);
    this.router = new RouterSocket(this);
    this.xpub = new XpubSocket(options.access(), receiver::subscription, stats);
  }

  /** Binds both endpoints; fails with the bind error. */
  Future<Void> start() {
    ByteBudget budget = NodeBudget.acquire(vertx, NodeBudget.RECEIVE, options.transport().receiveBudgetBytes());
    inFlightBudget = NodeBudget.acquire(vertx, NodeBudget.IN_FLIGHT, options.inFlightBytes().node());
    ByteBudget workerBudget = NodeBudget.acquire(vertx, NodeBudget.WORKERS, options.workers().maxHeldBytes());
    budgetHeld = true;
    // the node's budgets were sized by the bridge that started first: they must hold this one's
    // largest message too, or its clients sending one would be refused (or closed) for ever
    String tooSmall = budget.limit() < options.receiveBudgetNeeded()
        ? "receiveBudgetBytes " + budget.limit() + ", below the " + options.receiveBudgetNeeded() + " it needs"
        : inFlightBudget.limit() < options.maxMessageBytes()
        ? "maxInFlightBytes " + inFlightBudget.limit() + ", below its maxMessageBytes " + options.maxMessageBytes()
        : workerBudget.limit() < options.maxMessageBytes()
        ? "maxWorkerBytes " + workerBudget.limit() + ", below its maxMessageBytes " + options.maxMessageBytes()
        : null;
    if (tooSmall != null) {
      return closeListeners().transform(v -> Future.failedFuture(new IllegalArgumentException("bridge config: "
          + "another bridge of this node, started first, set the node's " + tooSmall + "; give the bridges the same "
          + "budgets, or this one a smaller maxMessageBytes")));
    }
    workers.shareBudget(workerBudget);
    stats.receiveBuffer(budget::used);
    ZmtpSecurity security = security(options.curve());
    var limits = options.transport().limits(options.maxMessageBytes());
    requests = new ZmtpListener(vertx, options.endpoint(), SocketType.ROUTER, security, limits, options.transport(),
        budget, stats, router);
    Future<Void> bound = requests.listen();
    if (options.eventsEndpoint() != null) {
      events = new ZmtpListener(vertx, options.eventsEndpoint(), SocketType.XPUB, security,
          // subscribers send only subscriptions: no need to let them send large messages
          new ZmtpLimits(64 * 1024, 64 * 1024, limits.handshakeBytes(),
              limits.handshakeTimeoutMs(), limits.heartbeatMs()), options.transport(), budget, stats, xpub);
      bound = bound.compose(v -> events.listen());
    }
    long tickMs = Math.max(1, Math.min(options.workers().heartbeatIntervalMs(), options.workers().expiryMs()) / 4);
    workerTimer = vertx.setPeriodic(tickMs, id -> {
      workers.tick(System.nanoTime());
      workers.flush();
    });
    return bound.recover(e -> closeListeners().transform(v -> Future.failedFuture(e)));
  }

  /** The ROUTER's bound TCP port (for {@code tcp://host:*}). */
  int port() {
    return requests == null ? -1 : requests.port();
  }

  /** The XPUB's bound TCP port, or -1. */
  int eventsPort() {
    return events == null ? -1 : events.port();
  }

  /** True while the endpoints are bound and the bridge has not stopped (health checks ask). */
  boolean alive() {
    return !stopped && requests != null && requests.listening() && (options.eventsEndpoint() == null
        || events != null && events.listening());
  }

  /**
   * Stops: new requests get UNAVAILABLE, replies in flight still go out for up to the grace
   * period, then workers are told DISCONNECT and every connection closes.
   */
  Future<Void> stop() {
    closing = true;
    workers.beginClosing();
    workers.flush();
    Promise<Void> done = Promise.promise();
    long deadline = System.nanoTime() + options.shutdownGraceMs() * 1_000_000L;
    waitForReplies(deadline, done);
    return done.future();
  }

  private void waitForReplies(long deadline, Promise<Void> done) {
    if ((inFlight == 0 && !workers.holdRequests()) || System.nanoTime() > deadline) {
      workers.dropAll(true, "the bridge is shutting down");
      workers.flush();
      if (workerTimer >= 0) {
        vertx.cancelTimer(workerTimer);
      }
      stopped = true;
      closeListeners().onComplete(ar -> done.complete());
      return;
    }
    vertx.setTimer(STOP_POLL_MS, id -> waitForReplies(deadline, done));
  }

  private Future<Void> closeListeners() {
    if (budgetHeld) {
      budgetHeld = false;
      NodeBudget.release(vertx, NodeBudget.RECEIVE);
      NodeBudget.release(vertx, NodeBudget.IN_FLIGHT);
      NodeBudget.release(vertx, NodeBudget.WORKERS);
    }
    Future<Void> r = requests == null ? Future.succeededFuture() : requests.close();
    Future<Void> e = events == null ? Future.succeededFuture() : events.close();
    return Future.join(r, e).mapEmpty();
  }

  /** Sends a reply (routed by its identity) or an event (no identity: to matching subscribers). */
  void send(Outbound message) {
    if (message.identity() == null) {
      xpub.publish(message.frames());
      stats.eventPublished();
      return;
    }
    ZmtpPeer origin = message.to();
    // the connection the request came on; when it has closed, a client that reconnected with the
    // same Identity gets the reply, as from a libzmq ROUTER
    ZmtpPeer peer = origin != null && !origin.closed() ? origin : router.peer(message.identity());
    if (peer == null) {
      stats.replyDropped();
      if (message.endsRequest()) {
        release(origin, message.ends());
      }
      return;
    }
    boolean withinLimit = peer.send(message.frames(), message.delimited(),
        message.endsRequest() ? () -> release(origin, message.ends()) : null);
    stats.replied();
    if (!withinLimit) {
      requests.drop(peer, ZmtpException.Reason.DEAD_PEER, "over " + 2 * options.transport().clientOutputBytes()
          + " bytes of replies unread");
    }
  }

  /** A request for a service of external workers. */
  void submit(WorkerJob job) {
    workers.submit(job);
    workers.flush();
  }

  @Override
  public void received(ZmtpPeer from, boolean delimited, List<byte[]> frames, int frameCount, long size,
                       boolean truncated) {
    stats.received();
    byte[] identity = from.identity();
    if (!frames.isEmpty() && Mdp.isWorker(frames.get(0))) {
      byte[] key = from.zmtp().peer().curveKey();
      workers.received(identity, delimited, frames, size, System.nanoTime(), key == null ? null : Z85.encode(key));
      workers.flush();
      return;
    }
    Inbound request = new Inbound(from, identity, delimited, frames);
    if (frameCount > MAX_FRAMES) {
      refuse(request, ErrorCode.BAD_REQUEST, "a message has at most 6 frames after the identity, this one has "
          + frameCount, null);
    } else if (truncated || size > options.maxMessageBytes()) {
      refuse(request, ErrorCode.TOO_LARGE, "the message is " + size + " bytes, over the limit of "
          + options.maxMessageBytes(), new JsonObject().put("limit", options.maxMessageBytes()));
    } else if (closing) {
      refuse(request, ErrorCode.UNAVAILABLE, "the bridge is shutting down; retry on another node", null);
    } else if (admit(request, size)) {
      receiver.request(request);
    }
  }

  @Override
  public void gone(byte[] identity) {
    workers.gone(identity);
    workers.flush();
  }

  /** Counts a request of {@code size} bytes in flight, or answers OVERLOADED when a cap is reached. */
  private boolean admit(Inbound request, long size) {
    ZmtpPeer client = request.from();
    int mine = client.inFlight();
    if (mine >= options.maxInFlightPerClient()) {
      refuse(request, ErrorCode.OVERLOADED, "this client has " + mine + " requests in flight, the most allowed; retry "
          + "when replies arrive", new JsonObject().put("limit", options.maxInFlightPerClient()));
      return false;
    }
    if (inFlight >= options.maxInFlight()) {
      refuse(request, ErrorCode.OVERLOADED, "the bridge has " + inFlight + " requests in flight, the most allowed; "
          + "retry later", new JsonObject().put("limit", options.maxInFlight()));
      return false;
    }
    Failure overBytes = charge(request, size);
    if (overBytes != null) {
      refuse(request, overBytes.code(), overBytes.message(), overBytes.extra());
      return false;
    }
    client.inFlight(mine + 1);
    if (mine == 0) {
      clientsWaiting++;
    }
    inFlight++;
    stats.inFlight(inFlight, clientsWaiting, inFlightBytes);
    return true;
  }

  /**
   * Charges a request {@code bytes} more against the in-flight byte limits: its bytes when it is
   * admitted, its inflated body once that is known. Null when charged; else the OVERLOADED failure
   * naming the limit, and nothing charged.
   */
  Failure charge(Inbound request, long bytes) {
    ZmtpPeer client = request.from();
    InFlightBytes limits = options.inFlightBytes();
    long own = request.charge().bytes() + bytes;
    long cap = Math.min(limits.perClient(), inFlightBudget.limit());
    if (own > cap) {
      // over a limit on its own (a body that inflates to nearly maxMessageBytes, with large headers):
      // waiting would never help, so it is not OVERLOADED
      String field = cap == limits.perClient() ? "maxInFlightBytesPerClient" : "maxInFlightBytes";
      return new Failure(ErrorCode.TOO_LARGE, "this request would hold " + own + " bytes while it waits (its body "
          + "inflated), over the limit of " + cap + " (" + field + ")", new JsonObject().put("limit", cap));
    }
    if (client.inFlightBytes() + bytes > limits.perClient()) {
      return new Failure(ErrorCode.OVERLOADED, "this client's requests in flight hold " + client.inFlightBytes()
          + " bytes; " + bytes + " more would pass the limit of " + limits.perClient() + " bytes per client "
          + "(maxInFlightBytesPerClient); retry when replies arrive and consumers take its sends", new JsonObject().put("limit", limits.perClient()));
    }
    if (!inFlightBudget.tryAcquire(bytes)) {
      return new Failure(ErrorCode.OVERLOADED, "requests in flight on this node hold " + inFlightBudget.used()
          + " bytes; " + bytes + " more would pass the node's limit of " + inFlightBudget.limit()
          + " bytes (maxInFlightBytes); retry later", new JsonObject().put("limit", inFlightBudget.limit()));
    }
    client.inFlightBytes(client.inFlightBytes() + bytes);
    inFlightBytes += bytes;
    request.charge().add(bytes);
    stats.inFlight(inFlight, clientsWaiting, inFlightBytes);
    return null;
  }

  private void refuse(Inbound request, ErrorCode code, String message, JsonObject extra) {
    stats.error(code);
    request.from().send(ErrorReplies.forRequest(request.frames(), code, message, extra), request.delimited(), null);
  }

  /** A request ended: its slot and its charge ({@code ends}) are given back. */
  private void release(ZmtpPeer client, Inbound.Charge ends) {
    giveBack(client, ends);
    int mine = client.inFlight();
    if (mine == 0) {
      return;
    }
    client.inFlight(mine - 1);
    if (mine == 1) {
      clientsWaiting--;
    }
    inFlight--;
    stats.inFlight(inFlight, clientsWaiting, inFlightBytes);
  }

  /** Gives back what {@code charge} holds of {@code client}'s in-flight bytes (a one-way message the store is done with). */
  void giveBack(ZmtpPeer client, Inbound.Charge charge) {
    long bytes = charge.giveBack();
    if (bytes > 0) {
      client.inFlightBytes(client.inFlightBytes() - bytes);
      inFlightBytes -= bytes;
      inFlightBudget.release(bytes);
      stats.inFlight(inFlight, clientsWaiting, inFlightBytes);
    }
  }

  /** To an external worker: like a reply, but not counted as one. */
  private void sendToWorker(byte[] identity, boolean delimited, byte[][] frames) {
    ZmtpPeer peer = router.peer(identity);
    if (peer != null && !peer.send(frames, delimited, null)) {
      requests.drop(peer, ZmtpException.Reason.DEAD_PEER, "a worker that does not read its requests");
    }
  }

  private static ZmtpSecurity security(CurveConfig curve) {
    if (curve == null) {
      return ZmtpSecurity.none();
    }
    Set<String> allowed = curve.clientKeys();
    return new ZmtpSecurity.CurveServer(Z85.decode(curve.publicKey()), Z85.decode(curve.secretKey()),
        key -> allowed.isEmpty() || allowed.contains(Z85.encode(key)));
  }
}
