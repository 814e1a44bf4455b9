package io.conduit.bridge;

import io.vertx.core.Promise;
import io.vertx.core.Vertx;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Which bridge service holds each endpoint of a Vert.x instance, and with how many instances (a
 * service is known by its config: its instances share it, whether deployed together or one at a
 * time).
 * Vert.x shares one server among every verticle instance that listens on the same address, which
 * is how a bridge runs an instance per event loop; this keeps that sharing to the instances of one
 * bridge (two bridge services with their own allow-lists on one address would get each other's
 * clients at random), and tells an {@code ipc://} listener whether it is the first to bind the
 * socket file (and may take over one left behind) or the last to let go of it (and removes it).
 * Instances run on several event loops: every method is synchronized.
 */
final class SharedEndpoints {

  private record Holder(String service, int instances, Promise<Void> firstBound) {
  }

  /**
   * An instance's hold on an endpoint. The first instance binds it (taking over a stale socket
   * file first) and completes {@code firstBound} once it has tried; the others bind only then, so
   * that none binds the address before the first has cleared it, or has its file removed under it.
   */
  record Claim(boolean first, Promise<Void> firstBound) {
  }

  private static final Map<List<Object>, Holder> HELD = new HashMap<>();

  private SharedEndpoints() {
  }

  /**
   * An instance of {@code service} listens on {@code endpoint}; true when it is the first.
   *
   * @throws IllegalStateException when another service holds the endpoint
   */
  static synchronized Claim claim(Vertx vertx, String endpoint, String service) {
    List<Object> key = List.of(vertx, endpoint);
    Holder h = HELD.get(key);
    if (h != null && !h.service().equals(service)) {
      throw new IllegalStateException(endpoint + " is already served by another bridge service of this node; give "
          + "each bridge service endpoints of its own");
    }
    Promise<Void> firstBound = h == null ? Promise.promise() : h.firstBound();
    HELD.put(key, new Holder(service, h == null ? 1 : h.instances() + 1, firstBound));
    return new Claim(h == null, firstBound);
  }

  /** An instance stopped listening on {@code endpoint}; true when it was the last. */
  static synchronized boolean release(Vertx vertx, String endpoint) {
    List<Object> key = List.of(vertx, endpoint);
    Holder h = HELD.get(key);
    if (h == null || h.instances() <= 1) {
      HELD.remove(key);
      return true;
    }
    HELD.put(key, new Holder(h.service(), h.instances() - 1, h.firstBound()));
    return false;
  }

  /** True while no instance listens on {@code endpoint}. */
  static synchronized boolean unclaimed(Vertx vertx, String endpoint) {
    return !HELD.containsKey(List.of(vertx, endpoint));
  }
}
