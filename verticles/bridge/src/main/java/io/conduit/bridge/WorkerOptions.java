package io.conduit.bridge;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/**
 * How the bridge treats external Majordomo workers (MDP/0.1), read from the bridge config.
 *
 * @param heartbeatIntervalMs  how often the bridge heartbeats each worker, and the interval workers must keep
 * @param heartbeatLiveness    intervals of silence after which a worker is dead (RFC 7 suggests 3)
 * @param idempotentServices   services whose request may be retried once on another worker when its worker dies
 * @param maxQueuedPerService  requests a service may hold while all its workers are busy; beyond, OVERLOADED
 * @param maxHeldBytes         bytes of request bodies the bridge may hold for workers (waiting for one, or
 *                             with one, kept for a retry); beyond, OVERLOADED; at least maxMessageBytes
 */
public record WorkerOptions(long heartbeatIntervalMs, int heartbeatLiveness, Permissions idempotentServices,
                            int maxQueuedPerService, long maxHeldBytes) {

  static final String[] FIELDS = {"heartbeatIntervalMs", "heartbeatLiveness", "idempotentServices",
      "maxQueuedPerService", "maxWorkerBytes"};
  static final long HELD_DEFAULT = 256L << 20;

  /** The silence, in ms, after which a worker counts as dead. */
  public long expiryMs() {
    return heartbeatIntervalMs * heartbeatLiveness;
  }

  static WorkerOptions fromJson(JsonObject c, int maxMessageBytes) {
    long interval = positive(c, "heartbeatIntervalMs", 2_500);
    int liveness = positive(c, "heartbeatLiveness", 3);
    Object list = c.getValue("idempotentServices", new JsonArray());
    if (!(list instanceof JsonArray a)) {
      throw new IllegalArgumentException("bridge config: idempotentServices must be an array of service names or "
          + "{\"regex\": ...}");
    }
    Permissions idempotent;
    try {
      idempotent = Permissions.parse(a, "idempotentServices");
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("bridge config: " + e.getMessage());
    }
    long held = TransportOptions.holdingLargestMessage(c, "maxWorkerBytes", HELD_DEFAULT, maxMessageBytes,
        "the largest request could never wait for a worker");
    return new WorkerOptions(interval, liveness, idempotent, positive(c, "maxQueuedPerService", 1_000), held);
  }

  private static int positive(JsonObject c, String field, int dflt) {
    Object v = c.getValue(field, dflt);
    if (!(v instanceof Integer i) || i < 1) {
      throw new IllegalArgumentException("bridge config: " + field + " must be a positive whole number, got " + v);
    }
    return i;
  }
}
