package io.conduit.bridge;

import io.conduit.codec.ErrorCode;
import io.conduit.codec.zmtp.SocketType;
import io.conduit.codec.zmtp.ZmtpException;
import io.vertx.core.json.JsonObject;

import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;

/** What the bridge has done so far, readable from any thread (the web console shows it). */
public final class BridgeStats {

  private final LongAdder received = new LongAdder();
  private final LongAdder replied = new LongAdder();
  private final LongAdder directStoreCalls = new LongAdder();
  private final LongAdder repliesDropped = new LongAdder();
  private final LongAdder eventsPublished = new LongAdder();
  private final LongAdder eventsDropped = new LongAdder();
  private final LongAdder malformedFrames = new LongAdder();
  private final Map<ErrorCode, LongAdder> errors = new EnumMap<>(ErrorCode.class);
  private final Map<ZmtpException.Reason, LongAdder> closed = new EnumMap<>(ZmtpException.Reason.class);
  /** Connections the bridge closed, by reason, in /metrics ({@code conduit_bridge_connections_closed_total}). */
  static final String CLOSED_METER = "conduit.bridge.connections.closed";
  private volatile int subscribers;
  private volatile java.util.function.LongSupplier receiveBuffered = () -> 0;
  private volatile int inFlight;
  private volatile long inFlightBytes;
  private volatile int clientsWithRequests;
  private volatile int connections;
  private volatile int subscribedAddresses;
  private final LongAdder workerRequests = new LongAdder();
  private final LongAdder workerReplies = new LongAdder();
  private final LongAdder workerRetries = new LongAdder();
  private final LongAdder workersLost = new LongAdder();
  private final LongAdder workersRefused = new LongAdder();
  private final LongAdder workerProtocolErrors = new LongAdder();
  private volatile int workers;
  private volatile int workerServices;
  private volatile int workerQueued;

  public BridgeStats() {
    for (ErrorCode c : ErrorCode.values()) {
      errors.put(c, new LongAdder());
    }
    for (ZmtpException.Reason r : ZmtpException.Reason.values()) {
      closed.put(r, new LongAdder());
    }
  }

  void connections(SocketType socket, int n) {
    if (socket == SocketType.XPUB) {
      subscribers = n;
    } else {
      connections = n;
    }
  }

  /** A connection closed by the bridge for a broken protocol or limit; a refused CURVE key also counts as FORBIDDEN. */
  void connectionClosed(ZmtpException.Reason reason) {
    closed.get(reason).increment();
    io.micrometer.core.instrument.Metrics.counter(CLOSED_METER, "reason", reason.name()).increment();
    if (reason == ZmtpException.Reason.MALFORMED || reason == ZmtpException.Reason.FRAME_TOO_LARGE) {
      malformedFrames.increment();
    } else if (reason == ZmtpException.Reason.KEY_REFUSED) {
      error(ErrorCode.FORBIDDEN);
    }
  }

  void receiveBuffer(java.util.function.LongSupplier bytes) {
    receiveBuffered = bytes;
  }

  /** Messages received from clients and workers so far. */
  public long messagesReceived() {
    return received.sum();
  }

  /** Bytes the bridge holds now for partly received messages, all connections together. */
  public long receiveBufferedBytes() {
    return receiveBuffered.getAsLong();
  }

  /** Connections the bridge closed for this reason so far. */
  public long connectionsClosed(ZmtpException.Reason reason) {
    return closed.get(reason).sum();
  }

  /** Client connections (clients and external workers) open on the bridge's request socket now. */
  public int connections() {
    return connections;
  }

  void received() {
    received.increment();
  }

  void replied() {
    replied.increment();
  }

  void directStoreCall() {
    directStoreCalls.increment();
  }

  /** Requests and one-way sends handed straight to a store this node owns, on the event loop that read them (no event bus). */
  public long directStoreCalls() {
    return directStoreCalls.sum();
  }

  void replyDropped() {
    repliesDropped.increment();
  }

  void eventPublished() {
    eventsPublished.increment();
  }

  void eventDropped() {
    eventsDropped.increment();
  }

  void malformedFrame() {
    malformedFrames.increment();
  }

  public long malformedFrames() {
    return malformedFrames.sum();
  }

  void error(ErrorCode code) {
    errors.get(code).increment();
  }

  void inFlight(int requests, int clients, long bytes) {
    inFlight = requests;
    clientsWithRequests = clients;
    inFlightBytes = bytes;
  }

  void subscribedAddresses(int count) {
    subscribedAddresses = count;
  }

  void workers(int registered) {
    workers = registered;
  }

  void workerServices(int withConsumer) {
    workerServices = withConsumer;
  }

  void workerQueued(int requests) {
    workerQueued = requests;
  }

  void workerRequested() {
    workerRequests.increment();
  }

  void workerReplied() {
    workerReplies.increment();
  }

  void workerRetried() {
    workerRetries.increment();
  }

  void workerLost() {
    workersLost.increment();
  }

  void workerRefused() {
    workersRefused.increment();
  }

  void workerProtocolError() {
    workerProtocolErrors.increment();
  }

  /** External Majordomo workers registered now. */
  public int workers() {
    return workers;
  }

  /** Services that external Majordomo workers serve now (their event-bus consumer is registered). */
  public int workerServices() {
    return workerServices;
  }

  /** Requests waiting for a free external worker now. */
  public int workerQueued() {
    return workerQueued;
  }

  /** Requests handed to external workers so far (a retry counts again). */
  public long workerRequests() {
    return workerRequests.sum();
  }

  /** Requests retried on another worker after theirs was lost. */
  public long workerRetries() {
    return workerRetries.sum();
  }

  /** Workers dropped so far: silent past the liveness window, DISCONNECT, protocol errors. */
  public long workersLost() {
    return workersLost.sum();
  }

  /** READY commands refused (service not permitted). */
  public long workersRefused() {
    return workersRefused.sum();
  }

  /** Worker messages that broke MDP/0.1 (answered with DISCONNECT). */
  public long workerProtocolErrors() {
    return workerProtocolErrors.sum();
  }

  /** Replies sent to clients so far. */
  public long repliesSent() {
    return replied.sum();
  }

  /** Replies whose client had gone before they could be sent. */
  public long repliesDropped() {
    return repliesDropped.sum();
  }

  /** Events sent to subscribers so far. */
  public long eventsPublished() {
    return eventsPublished.sum();
  }

  /** Events a subscriber missed because it did not read them in time. */
  public long eventsDropped() {
    return eventsDropped.sum();
  }

  public long errors(ErrorCode code) {
    return errors.get(code).sum();
  }

  public int inFlight() {
    return inFlight;
  }

  /** What the requests in flight are charged against the in-flight byte limits (their bytes, inflated). */
  public long inFlightBytes() {
    return inFlightBytes;
  }

  /** A snapshot for REST and the console. */
  public JsonObject toJson() {
    JsonObject byCode = new JsonObject();
    errors.forEach((code, n) -> {
      if (n.sum() > 0) {
        byCode.put(code.name(), n.sum());
      }
    });
    return new JsonObject()
        .put("received", received.sum())
        .put("replied", replied.sum())
        .put("directStoreCalls", directStoreCalls.sum())
        .put("repliesDropped", repliesDropped.sum())
        .put("clientsConnected", connections)
        .put("subscribersConnected", subscribers)
        .put("receiveBufferedBytes", receiveBuffered.getAsLong())
        .put("inFlight", inFlight)
        .put("inFlightBytes", inFlightBytes)
        .put("clientsWithRequestsInFlight", clientsWithRequests)
        .put("subscribedAddresses", subscribedAddresses)
        .put("eventsPublished", eventsPublished.sum())
        .put("eventsDropped", eventsDropped.sum())
        .put("malformedFrames", malformedFrames.sum())
        .put("workers", new JsonObject()
            .put("registered", workers)
            .put("services", workerServices)
            .put("queued", workerQueued)
            .put("requests", workerRequests.sum())
            .put("replies", workerReplies.sum())
            .put("retries", workerRetries.sum())
            .put("lost", workersLost.sum())
            .put("refused", workersRefused.sum())
            .put("protocolErrors", workerProtocolErrors.sum()))
        .put("errors", byCode)
        .put("connectionsClosed", closedByReason());
  }

  private JsonObject closedByReason() {
    JsonObject byReason = new JsonObject();
    closed.forEach((reason, n) -> {
      if (n.sum() > 0) {
        byReason.put(reason.name(), n.sum());
      }
    });
    return byReason;
  }
}
