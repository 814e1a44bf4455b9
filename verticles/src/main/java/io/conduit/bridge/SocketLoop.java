package io.conduit.bridge;

import io.conduit.codec.ErrorCode;
import io.conduit.codec.mdp.Mdp;
import io.vertx.core.json.JsonObject;
import org.zeromq.SocketType;
import org.zeromq.ZContext;
import org.zeromq.ZMQ;
import org.zeromq.ZMQException;
import zmq.Msg;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The one thread that owns every ZeroMQ socket of the bridge (sockets are not thread-safe). It
 * reads requests in batches and hands each batch to the event loop in one call; replies come back
 * through a lock-free queue and a wake-up: an empty message from an inproc DEALER (the "waker")
 * into the ROUTER, sent only when the queue goes from idle to busy. Load shedding (size, in-flight
 * caps, shutdown) is decided here, before anything reaches the event loop, so memory stays bounded
 * under overload.
 */
final class SocketLoop implements Runnable {

  /** What the socket thread hands to the event loop. Both calls must return at once. */
  interface Receiver {
    void requests(List<Inbound> batch);

    void subscription(String topic, boolean subscribed);

    void workerEvents(List<WorkerEvent> events);
  }

  private static final System.Logger LOG = System.getLogger(SocketLoop.class.getName());
  private static final byte[] EMPTY = new byte[0];
  private static final int BATCH = 256;
  private static final int MAX_FRAMES = 64;
  private static final int MAX_QUEUED_EVENTS = 100_000;
  private static final String ZAP_ENDPOINT = "inproc://zeromq.zap.01";
  /** The longest the events, monitor and ZAP sockets wait to be looked at while the bridge is idle. */
  private static final int OTHER_SOCKETS_WAIT_MS = 10;

  private final BridgeOptions options;
  private final Receiver receiver;
  private final BridgeStats stats;
  private final Queue<Outbound> outbound = new ConcurrentLinkedQueue<>();
  private final Queue<WorkerJob> workerJobs = new ConcurrentLinkedQueue<>();
  private final AtomicInteger queuedEvents = new AtomicInteger();
  private final AtomicBoolean wakePending = new AtomicBoolean();
  private final AtomicBoolean transportFailed = new AtomicBoolean();
  /** Guards {@link #waker}, the one socket other threads touch (only to send a wake-up). */
  private final Object wakeLock = new Object();
  /** The waker's ROUTER identity: 16 random bytes, never one of JeroMQ's 5-byte generated ones. */
  private final byte[] wakerIdentity = new byte[16];
  private final CompletableFuture<Void> started = new CompletableFuture<>();
  private final CompletableFuture<Void> stopped = new CompletableFuture<>();
  private volatile boolean stopRequested;
  private volatile Thread thread;

  /** Makes each loop's inproc endpoints (monitor, waker) unique in the process. */
  private static final java.util.concurrent.atomic.AtomicLong INPROC_IDS = new java.util.concurrent.atomic.AtomicLong();

  // Socket-thread state only.
  private final Map<String, Integer> inFlightByClient = new HashMap<>();
  private int inFlight;
  private boolean closing;
  private long closingDeadline;
  private ZContext context;
  private ZMQ.Socket router;
  private ZMQ.Socket xpub;
  private ZMQ.Socket zap;
  private ZMQ.Socket monitor;
  private ZMQ.Socket waker;
  /** The identity frame a blocking wait received, for {@link #readRequests} to take first. */
  private byte[] waitedIdentity;
  private int connections;
  private final MajordomoWorkers workers;

  SocketLoop(BridgeOptions options, Receiver receiver, BridgeStats stats) {
    this.options = options;
    this.receiver = receiver;
    this.stats = stats;
    this.workers = new MajordomoWorkers(options, this::sendToWorker, receiver::workerEvents, stats);
    new java.security.SecureRandom().nextBytes(wakerIdentity);
  }

  /** Starts the thread; completes when the sockets are bound, or fails with the bind error. */
  CompletableFuture<Void> start() {
    Thread t = new Thread(this, "conduit-bridge-zmq");
    t.setDaemon(true);
    thread = t;
    t.start();
    return started;
  }

  /** True while the socket thread runs (health checks ask). */
  boolean alive() {
    Thread t = thread;
    return t != null && t.isAlive();
  }

  /**
   * Asks the thread to stop: new requests get UNAVAILABLE, in-flight replies still go out for up
   * to the grace period, then the sockets and context close. Never interrupts the thread (JeroMQ
   * is not interrupt-safe).
   */
  CompletableFuture<Void> stop() {
    stopRequested = true;
    wakeUp();
    return stopped;
  }

  /** Queues a reply or event for the socket thread; callable from any thread, never blocks. */
  void send(Outbound message) {
    if (message.identity() == null) {
      if (queuedEvents.incrementAndGet() > MAX_QUEUED_EVENTS) {
        queuedEvents.decrementAndGet();
        stats.eventDropped();
        return;
      }
    }
    outbound.offer(message);
    if (wakePending.compareAndSet(false, true)) {
      wakeUp();
    }
  }

  /** Queues a request for a service of external workers; callable from any thread, never blocks. */
  void submit(WorkerJob job) {
    workerJobs.offer(job);
    if (wakePending.compareAndSet(false, true)) {
      wakeUp();
    }
  }

  @Override
  public void run() {
    try {
      open();
      started.complete(null);
    } catch (RuntimeException | Error e) {
      closeSockets();
      started.completeExceptionally(e);
      stopped.complete(null);
      return;
    }
    try {
      loop();
    } catch (IOException | RuntimeException | Error e) {
      LOG.log(Level.ERROR, "bridge socket thread failed; the bridge stops serving", e);
    } finally {
      closeSockets();
      stopped.complete(null);
    }
  }

  /**
   * Each turn asks the sockets themselves whether they have input (ZMQ_EVENTS, which also
   * consumes their pending commands) and, when none has and no reply waits, sleeps in a blocking
   * receive on the ROUTER, where requests and wake-ups both arrive. Selecting on the sockets'
   * signalling channels instead does not work with JeroMQ 0.6.0: a non-blocking check leaves
   * signal bytes unread, the channel stays readable for good, and a selector over it never sleeps
   * (measured: ~60 empty wake-ups per request, or, with back-off, 100+ µs added to each).
   */
  private void loop() throws IOException {
    while (true) {
      drainOutbound();
      WorkerJob job;
      while ((job = workerJobs.poll()) != null) {
        workers.submit(job);
      }
      long workerWaitMs = workers.tick(System.nanoTime());
      boolean worked = false;
      if (zap != null && readable(zap)) {
        answerZap();
        worked = true;
      }
      if (waitedIdentity != null || readable(router)) {
        readRequests();
        worked = true;
      }
      if (readable(monitor)) {
        readConnectionEvents();
        worked = true;
      }
      if (xpub != null && readable(xpub)) {
        readSubscriptions();
        worked = true;
      }
      workers.flush();
      if (!worked && outbound.isEmpty() && workerJobs.isEmpty() && !transportFailed.get()
          && !(stopRequested && !closing)) {
        sleep((int) Math.min(OTHER_SOCKETS_WAIT_MS, workerWaitMs));
      }
      if (transportFailed.getAndSet(false)) {
        restartTransport();
      }
      if (stopRequested && !closing) {
        closing = true;
        workers.beginClosing();
        closingDeadline = System.nanoTime() + options.shutdownGraceMs() * 1_000_000L;
      }
      if (closing && ((inFlight == 0 && !workers.holdRequests()) || System.nanoTime() > closingDeadline)) {
        drainOutbound();
        workers.dropAll(true, "the bridge is shutting down");
        workers.flush();
        return;
      }
    }
  }

  /**
   * Waits in the ROUTER's receive until a message (a request, a worker's message or a wake-up)
   * arrives or the timeout passes; its identity frame is kept for {@link #readRequests}. The other
   * sockets (events, monitor, ZAP) are looked at after each wait, at least every
   * {@link #OTHER_SOCKETS_WAIT_MS}.
   */
  private void sleep(int timeoutMs) {
    // Producers send a wake-up only when they set this flag; clearing it here (and looking at the
    // queues once more) means a wake-up lost with a restarted socket cannot leave them silent.
    wakePending.set(false);
    if (!outbound.isEmpty() || !workerJobs.isEmpty()) {
      return;
    }
    router.setReceiveTimeOut(Math.max(1, timeoutMs));
    waitedIdentity = router.recv(0);
  }

  private static boolean readable(ZMQ.Socket socket) {
    return (socket.getEvents() & ZMQ.Poller.POLLIN) != 0;
  }

  private void open() {
    waitedIdentity = null;
    context = new ZContext(1);
    context.setLinger(0);
    // If the I/O thread dies anyway (an Error it cannot survive), rebuild the sockets rather than
    // go silently deaf; a failure it survives is counted and logged.
    context.setUncaughtExceptionHandler((thread, error) -> {
      LOG.log(Level.WARNING, "ZeroMQ I/O thread died (" + error + "); the bridge restarts its sockets");
      transportFailed.set(true);
      wakeUp();
    });
    context.setNotificationExceptionHandler((thread, error) ->
        LOG.log(Level.WARNING, "ZeroMQ I/O thread reported " + error + " on a connection; it goes on serving"));
    if (options.curve() != null) {
      zap = context.createSocket(SocketType.REP);
      bind(zap, ZAP_ENDPOINT);
    }
    router = context.createSocket(SocketType.ROUTER);
    configure(router);
    router.setRouterMandatory(false);
    bind(router, options.endpoint());
    String unique = System.identityHashCode(this) + "-" + INPROC_IDS.incrementAndGet();
    // Wake-ups enter through the ROUTER itself (inproc needs no CURVE handshake), so one blocking
    // receive waits for requests and replies alike.
    String wakeEndpoint = "inproc://conduit-bridge-wake-" + unique;
    bind(router, wakeEndpoint);
    ZMQ.Socket w = context.createSocket(SocketType.DEALER);
    w.setLinger(0);
    w.setIdentity(wakerIdentity);
    w.connect(wakeEndpoint);
    synchronized (wakeLock) {
      waker = w;
    }
    // Connections come and go below the ROUTER's messages: its monitor tells the socket thread.
    String monitorEndpoint = "inproc://conduit-bridge-monitor-" + unique;
    router.monitor(monitorEndpoint, ZMQ.EVENT_ACCEPTED | ZMQ.EVENT_DISCONNECTED);
    monitor = context.createSocket(SocketType.PAIR);
    monitor.connect(monitorEndpoint);
    connections = 0;
    stats.connections(0);
    if (options.eventsEndpoint() != null) {
      xpub = context.createSocket(SocketType.XPUB);
      configure(xpub);
      xpub.setXpubManual(true);
      xpub.setXpubVerbose(true);
      bind(xpub, options.eventsEndpoint());
    }
  }

  private void configure(ZMQ.Socket socket) {
    socket.setLinger(0);
    socket.setMsgAllocator(this::allocate);
    socket.setSndHWM(options.highWaterMark());
    socket.setRcvHWM(options.highWaterMark());
    // A hard transport cap well above the reply-level limit: messages between the two get a
    // TOO_LARGE reply, only absurd ones (a memory attack) cost the sender its connection.
    socket.setMaxMsgSize(Math.max(options.maxMessageBytes() * 4L, 1L << 20));
    if (options.curve() != null) {
      socket.setCurveServer(true);
      socket.setCurvePublicKey(ZMQ.Curve.z85Decode(options.curve().publicKey()));
      socket.setCurveSecretKey(ZMQ.Curve.z85Decode(options.curve().secretKey()));
      socket.setZAPDomain("conduit".getBytes(StandardCharsets.US_ASCII));
    }
  }

  /**
   * JeroMQ 0.6.0 accepts a frame whose 64-bit size is negative (jeromq#1005, CVE-2019-6250 shape)
   * and leaves its I/O thread spinning forever, deaf to every client, with a context that can no
   * longer close. Allocating an empty message for such a size keeps the decoder moving: only the
   * attacker's own connection reads garbage, and it is counted and logged here.
   */
  private Msg allocate(int size) {
    if (size < 0) {
      stats.malformedFrame();
      LOG.log(Level.WARNING, "a peer sent a ZeroMQ frame with a negative size (" + size + "); ignored");
      return new Msg(0);
    }
    return new Msg(size);
  }

  private static void bind(ZMQ.Socket socket, String endpoint) {
    try {
      if (!socket.bind(endpoint)) {
        throw new IllegalStateException("cannot bind " + endpoint + ": " + ZMQ.Error.findByCode(socket.errno()));
      }
    } catch (ZMQException e) {
      String reason = e.getErrorCode() == ZMQ.Error.EADDRINUSE.getCode() ? "address already in use"
          : String.valueOf(ZMQ.Error.findByCode(e.getErrorCode()));
      throw new IllegalStateException("cannot bind " + endpoint + ": " + reason, e);
    }
  }

  private void readRequests() {
    List<Inbound> batch = null;
    for (int n = 0; n < BATCH; n++) {
      byte[] identity = waitedIdentity != null ? waitedIdentity : router.recv(ZMQ.DONTWAIT);
      waitedIdentity = null;
      if (identity == null) {
        break;
      }
      if (Arrays.equals(identity, wakerIdentity)) {
        while (router.hasReceiveMore()) {
          router.recv(0);
        }
        // reset before the next drain of the queues, so a producer that finds it set has its
        // message picked up by that drain
        wakePending.set(false);
        continue;
      }
      List<byte[]> frames = new ArrayList<>(6);
      long size = 0;
      int count = 0;
      while (router.hasReceiveMore()) {
        byte[] frame = router.recv(0);
        size += frame.length;
        if (++count <= MAX_FRAMES) {
          frames.add(frame);
        }
      }
      stats.received();
      boolean delimited = !frames.isEmpty() && frames.get(0).length == 0;
      if (delimited) {
        frames = frames.subList(1, frames.size());
        count--;
      }
      if (!frames.isEmpty() && Mdp.isWorker(frames.get(0))) {
        workers.received(identity, delimited, frames, size, System.nanoTime());
        continue;
      }
      Inbound request = new Inbound(identity, delimited, frames);
      if (count > MAX_FRAMES) {
        refuse(request, ErrorCode.BAD_REQUEST, "a message has at most 6 frames after the identity, this one has "
            + count, null);
      } else if (size > options.maxMessageBytes()) {
        refuse(request, ErrorCode.TOO_LARGE, "the message is " + size + " bytes, over the limit of "
            + options.maxMessageBytes(), new JsonObject().put("limit", options.maxMessageBytes()));
      } else if (closing) {
        refuse(request, ErrorCode.UNAVAILABLE, "the bridge is shutting down; retry on another node", null);
      } else if (admit(request)) {
        if (batch == null) {
          batch = new ArrayList<>();
        }
        batch.add(request);
      }
    }
    if (batch != null) {
      receiver.requests(batch);
    }
  }

  /** Counts a request in flight, or answers OVERLOADED when a cap is reached. */
  private boolean admit(Inbound request) {
    String client = new String(request.identity(), StandardCharsets.ISO_8859_1);
    int mine = inFlightByClient.getOrDefault(client, 0);
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
    inFlightByClient.put(client, mine + 1);
    inFlight++;
    stats.inFlight(inFlight, inFlightByClient.size());
    return true;
  }

  private void refuse(Inbound request, ErrorCode code, String message, JsonObject extra) {
    stats.error(code);
    sendNow(request.identity(), request.delimited(), ErrorReplies.forRequest(request.frames(), code, message, extra));
  }

  private void release(byte[] identity) {
    String client = new String(identity, StandardCharsets.ISO_8859_1);
    Integer mine = inFlightByClient.get(client);
    if (mine == null) {
      return;
    }
    if (mine <= 1) {
      inFlightByClient.remove(client);
    } else {
      inFlightByClient.put(client, mine - 1);
    }
    inFlight--;
    stats.inFlight(inFlight, inFlightByClient.size());
  }

  private void drainOutbound() {
    Outbound message;
    while ((message = outbound.poll()) != null) {
      if (message.identity() == null) {
        queuedEvents.decrementAndGet();
        if (xpub != null) {
          sendFrames(xpub, message.frames());
        }
      } else {
        if (message.endsRequest()) {
          release(message.identity());
        }
        sendNow(message.identity(), message.delimited(), message.frames());
      }
    }
  }

  private void sendNow(byte[] identity, boolean delimited, byte[][] frames) {
    // Never blocks: a client over its high-water mark, or gone, loses the reply (ROUTER drops it).
    if (!router.send(identity, ZMQ.SNDMORE | ZMQ.DONTWAIT)) {
      stats.replyDropped();
      return;
    }
    if (delimited) {
      router.send(EMPTY, ZMQ.SNDMORE | ZMQ.DONTWAIT);
    }
    sendFrames(router, frames);
    stats.replied();
  }

  /** To an external worker: like a reply, but not counted as one. */
  private void sendToWorker(byte[] identity, boolean delimited, byte[][] frames) {
    if (!router.send(identity, ZMQ.SNDMORE | ZMQ.DONTWAIT)) {
      return;
    }
    if (delimited) {
      router.send(EMPTY, ZMQ.SNDMORE | ZMQ.DONTWAIT);
    }
    sendFrames(router, frames);
  }

  private static void sendFrames(ZMQ.Socket socket, byte[][] frames) {
    int last = frames.length - 1;
    for (int i = 0; i <= last; i++) {
      socket.send(frames[i], (i < last ? ZMQ.SNDMORE : 0) | ZMQ.DONTWAIT);
    }
  }

  private void readSubscriptions() {
    byte[] message;
    while ((message = xpub.recv(ZMQ.DONTWAIT)) != null) {
      while (xpub.hasReceiveMore()) {
        xpub.recv(0);
      }
      if (message.length == 0 || (message[0] != 0 && message[0] != 1)) {
        continue;
      }
      boolean subscribe = message[0] == 1;
      String topic = new String(message, 1, message.length - 1, StandardCharsets.UTF_8);
      AccessPolicy.Verdict verdict = subscribe ? options.access().maySubscribe(topic) : AccessPolicy.Verdict.ALLOWED;
      if (!verdict.allowed()) {
        stats.error(ErrorCode.FORBIDDEN);
        LOG.log(Level.INFO, "refused: " + verdict.reason());
        continue;
      }
      // XPUB_MANUAL in JeroMQ 0.6.0 drops the first byte of a manual (un)subscription: pad one.
      byte[] padded = new byte[message.length];
      System.arraycopy(message, 0, padded, 0, message.length);
      if (subscribe) {
        xpub.subscribe(padded);
      } else {
        xpub.unsubscribe(padded);
      }
      receiver.subscription(topic, subscribe);
    }
  }

  /** Counts the ROUTER's client connections (clients and workers) from its monitor's events. */
  private void readConnectionEvents() {
    ZMQ.Event event;
    while ((event = ZMQ.Event.recv(monitor, ZMQ.DONTWAIT)) != null) {
      if (event.getEvent() == ZMQ.EVENT_ACCEPTED) {
        connections++;
      } else if (event.getEvent() == ZMQ.EVENT_DISCONNECTED) {
        connections = Math.max(0, connections - 1);
      }
    }
    stats.connections(connections);
  }

  private void answerZap() {
    List<byte[]> request = new ArrayList<>(8);
    request.add(zap.recv(0));
    while (zap.hasReceiveMore()) {
      request.add(zap.recv(0));
    }
    boolean allowed = false;
    if (request.size() >= 7 && "CURVE".equals(new String(request.get(5), StandardCharsets.US_ASCII))) {
      String key = ZMQ.Curve.z85Encode(request.get(6));
      allowed = options.curve().clientKeys().isEmpty() || options.curve().clientKeys().contains(key);
      if (!allowed) {
        stats.error(ErrorCode.FORBIDDEN);
        LOG.log(Level.INFO, "refused a CURVE client with key " + key + ": not in the client key list");
      }
    }
    byte[] requestId = request.size() > 1 ? request.get(1) : EMPTY;
    zap.send("1.0", ZMQ.SNDMORE);
    zap.send(requestId, ZMQ.SNDMORE);
    zap.send(allowed ? "200" : "400", ZMQ.SNDMORE);
    zap.send(allowed ? "OK" : "client key not allowed", ZMQ.SNDMORE);
    zap.send("", ZMQ.SNDMORE);
    zap.send(EMPTY, 0);
  }

  /** Rebuilds context and sockets after the I/O thread died; clients reconnect by themselves. */
  private void restartTransport() {
    stats.transportRestarted();
    // The workers' connections went with the sockets; they re-register when they miss our heartbeats.
    workers.dropAll(false, "the bridge's sockets restarted");
    workers.flush();
    closeSockets();
    inFlightByClient.clear();
    inFlight = 0;
    stats.inFlight(0, 0);
    open();
    LOG.log(Level.WARNING, "bridge sockets restarted on " + options.endpoint());
  }

  /** Sends the wake-up message; any thread. A bridge closing or restarting needs none. */
  private void wakeUp() {
    synchronized (wakeLock) {
      if (waker != null) {
        waker.send(EMPTY, ZMQ.DONTWAIT);
      }
    }
  }

  private void closeSockets() {
    synchronized (wakeLock) {
      waker = null; // the context closes it; no other thread may send on it from here on
    }
    if (context != null) {
      closeContext(context);
      context = null;
    }
    router = null;
    monitor = null;
    xpub = null;
    zap = null;
  }

  /** Closes a context, giving up after 5 s: a poisoned JeroMQ context can hang in close forever. */
  private static void closeContext(ZContext context) {
    Thread closer = new Thread(context::close, "conduit-bridge-zmq-close");
    closer.setDaemon(true);
    closer.start();
    try {
      closer.join(5_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (closer.isAlive()) {
      LOG.log(Level.WARNING, "the ZeroMQ context did not close within 5 s; abandoned");
    }
  }
}
