package io.conduit.store.doc;

import io.conduit.codec.ErrorCode;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonObject;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.function.ToLongFunction;

/**
 * The store's lock in front of its requests: while a client holds the lease, other clients'
 * requests wait in arrival order (neither lost nor refused) until the lock is released or its lease
 * runs out, or until their own deadline passes. Event-loop only.
 */
final class LockGate {

  /** A request at the gate. */
  record Waiting(Message<Object> message, JsonObject request) {
  }

  /** A request queued behind the lock, with the moment its requester stops waiting. */
  private record Queued(Waiting waiting, long deadline) {
  }

  private final Vertx vertx;
  private final LeaseLock lock = new LeaseLock();
  private final Deque<Queued> waiting = new ArrayDeque<>();
  private final Consumer<Waiting> run;
  private final ToLongFunction<Waiting> waitMs;
  private final BooleanSupplier serving;
  private long expiryTimer = -1;

  /**
   * {@code run} performs a request that may proceed (it may be a lock request itself);
   * {@code waitMs} says how long a request may wait for the lock, asked only when it must;
   * {@code serving} says whether the store may still serve a request that waited (it may have
   * stopped being the owner meanwhile: a request let through now would write on a standby).
   */
  LockGate(Vertx vertx, Consumer<Waiting> run, ToLongFunction<Waiting> waitMs, BooleanSupplier serving) {
    this.vertx = vertx;
    this.run = run;
    this.waitMs = waitMs;
    this.serving = serving;
  }

  /**
   * The store stops serving: every waiting request fails with UNAVAILABLE (nothing was changed,
   * another owner may take it), and nothing waits for the lock's expiry any more.
   */
  void close(String reason) {
    if (expiryTimer >= 0) {
      vertx.cancelTimer(expiryTimer);
      expiryTimer = -1;
    }
    Queued q;
    while ((q = waiting.poll()) != null) {
      q.waiting().message().fail(ErrorCode.UNAVAILABLE.status(), reason);
    }
  }

  /**
   * Runs the request now if the lock admits it, else queues it until its deadline. The holder's
   * own requests never queue; others keep their arrival order even once the lock is free.
   */
  void submit(Waiting request) {
    if (lock.free() && waiting.isEmpty()) {
      run.accept(request); // the common case, decided without reading the clock
      return;
    }
    long now = now();
    String token = request.request().getString("token");
    boolean holder = lock.held(now) && lock.admits(token, now);
    if (holder || waiting.isEmpty() && lock.admits(token, now)) {
      run.accept(request);
      return;
    }
    long wait = waitMs.applyAsLong(request);
    Queued queued = new Queued(request, now + wait);
    waiting.add(queued);
    vertx.setTimer(Math.max(1, wait), id -> {
      if (waiting.remove(queued)) {
        tooLate(request);
      }
    });
  }

  private static void tooLate(Waiting request) {
    request.message().fail(ErrorCode.CONFLICT.status(), "the store stayed locked by another client past this "
        + "request's deadline; nothing was changed");
  }

  /** {@code lock {ttlMs}}: answers the token, or false when another client holds the lock. */
  String acquire(long ttlMs) {
    String token = lock.acquire(ttlMs, now());
    if (token != null) {
      scheduleExpiry();
    }
    return token;
  }

  boolean renew(String token, long ttlMs) {
    boolean ok = lock.renew(token, ttlMs, now());
    if (ok) {
      scheduleExpiry();
    }
    return ok;
  }

  boolean release(String token) {
    boolean ok = lock.release(token, now());
    if (ok) {
      drain();
    }
    return ok;
  }

  boolean held() {
    return lock.held(now());
  }

  /** Lets waiting requests through, in order, until one of them takes the lock. */
  private void drain() {
    while (!waiting.isEmpty() && lock.admits(waiting.peek().waiting().request().getString("token"), now())) {
      Queued next = waiting.poll();
      if (!serving.getAsBoolean()) {
        next.waiting().message().fail(ErrorCode.UNAVAILABLE.status(), "the store stopped being the owner while this "
            + "request waited for its lock; nothing was changed; retry");
      } else if (next.deadline() > now()) {
        run.accept(next.waiting());
      } else {
        // its timer is due but has not run yet (a busy loop): answered here, as it would have been
        tooLate(next.waiting());
      }
    }
  }

  private void scheduleExpiry() {
    if (expiryTimer >= 0) {
      vertx.cancelTimer(expiryTimer);
    }
    expiryTimer = vertx.setTimer(Math.max(1, lock.expiresAt() - now() + 1), id -> {
      expiryTimer = -1;
      if (!lock.held(now())) {
        drain();
      }
    });
  }

  private static long now() {
    return System.currentTimeMillis();
  }
}
