package io.conduit.bridge;

import io.conduit.codec.ErrorCode;
import io.vertx.core.json.JsonObject;

import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;

/** What the bridge has done so far, readable from any thread (the web console shows it). */
public final class BridgeStats {

  private final LongAdder received = new LongAdder();
  private final LongAdder replied = new LongAdder();
  private final LongAdder repliesDropped = new LongAdder();
  private final LongAdder eventsPublished = new LongAdder();
  private final LongAdder eventsDropped = new LongAdder();
  private final LongAdder transportRestarts = new LongAdder();
  private final LongAdder malformedFrames = new LongAdder();
  private final Map<ErrorCode, LongAdder> errors = new EnumMap<>(ErrorCode.class);
  private volatile int inFlight;
  private volatile int clientsWithRequests;
  private volatile int subscribedAddresses;

  public BridgeStats() {
    for (ErrorCode c : ErrorCode.values()) {
      errors.put(c, new LongAdder());
    }
  }

  void received() {
    received.increment();
  }

  void replied() {
    replied.increment();
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

  void transportRestarted() {
    transportRestarts.increment();
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

  void inFlight(int requests, int clients) {
    inFlight = requests;
    clientsWithRequests = clients;
  }

  void subscribedAddresses(int count) {
    subscribedAddresses = count;
  }

  public long transportRestarts() {
    return transportRestarts.sum();
  }

  public long errors(ErrorCode code) {
    return errors.get(code).sum();
  }

  public int inFlight() {
    return inFlight;
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
        .put("repliesDropped", repliesDropped.sum())
        .put("inFlight", inFlight)
        .put("clientsWithRequestsInFlight", clientsWithRequests)
        .put("subscribedAddresses", subscribedAddresses)
        .put("eventsPublished", eventsPublished.sum())
        .put("eventsDropped", eventsDropped.sum())
        .put("transportRestarts", transportRestarts.sum())
        .put("malformedFrames", malformedFrames.sum())
        .put("errors", byCode);
  }
}
