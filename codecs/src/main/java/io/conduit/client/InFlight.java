package io.conduit.client;

import io.conduit.codec.ErrorCode;
import io.vertx.core.json.JsonObject;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * The requests the I/O thread has accepted and not yet answered, by id, with their deadlines.
 * Confined to the I/O thread. Deadlines are kept in one FIFO per timeout value: calls with the
 * same timeout expire in the order they were accepted, so no priority queue (and no removal from
 * one) is needed; answered calls are dropped lazily when they reach the head.
 */
final class InFlight {

  private final Map<Long, Call> byId = new HashMap<>();
  private final Map<Long, ArrayDeque<Call>> byTimeout = new HashMap<>();
  private int sent;

  void add(Call call) {
    byId.put(call.id, call);
    byTimeout.computeIfAbsent(call.timeoutMs, t -> new ArrayDeque<>()).addLast(call);
  }

  void markSent(Call call) {
    call.sent = true;
    sent++;
  }

  /** Removes and returns the call with this id, or null when it is not (any longer) outstanding. */
  Call remove(long id) {
    Call call = byId.remove(id);
    if (call != null && call.sent) {
      sent--;
    }
    return call;
  }

  boolean contains(Call call) {
    return byId.get(call.id) == call;
  }

  /** Calls sent and not yet answered. */
  int sent() {
    return sent;
  }

  int size() {
    return byId.size();
  }

  /** Fails every call whose deadline has passed with TIMEOUT. */
  void expire(long now) {
    for (ArrayDeque<Call> queue : byTimeout.values()) {
      Call head;
      while ((head = queue.peekFirst()) != null && (!contains(head) || head.deadlineNanos - now <= 0)) {
        queue.pollFirst();
        if (contains(head)) {
          remove(head.id);
          head.future.completeExceptionally(ConduitException.local(ErrorCode.TIMEOUT, "no reply to "
              + head.describe() + " within " + head.timeoutMs + " ms", new JsonObject().put("timeoutMs", head.timeoutMs)));
        }
      }
    }
    byTimeout.values().removeIf(ArrayDeque::isEmpty);
  }

  /** Milliseconds until the next deadline (at least 1), or -1 when nothing is outstanding. */
  long millisToNextDeadline(long now) {
    long next = Long.MAX_VALUE;
    for (ArrayDeque<Call> queue : byTimeout.values()) {
      for (Iterator<Call> it = queue.iterator(); it.hasNext(); ) {
        Call c = it.next();
        if (contains(c)) {
          next = Math.min(next, c.deadlineNanos - now);
          break;
        }
        it.remove();
      }
    }
    if (next == Long.MAX_VALUE) {
      return -1;
    }
    return Math.max(1, (next + 999_999) / 1_000_000);
  }

  /** Fails every outstanding call and forgets them all. */
  void failAll(ErrorCode code, String message) {
    List<Call> calls = new ArrayList<>(byId.values());
    byId.clear();
    byTimeout.clear();
    sent = 0;
    for (Call c : calls) {
      c.future.completeExceptionally(ConduitException.local(code, message, null));
    }
  }
}
