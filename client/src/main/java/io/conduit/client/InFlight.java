package io.conduit.client;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * The requests the client has accepted and not yet answered, by id, with their deadlines.
 * Confined to the client's event loop. Deadlines are kept in one FIFO per timeout value: calls
 * with the same timeout expire in the order they were accepted, so no priority queue (and no
 * removal from one) is needed; answered calls are dropped lazily when they reach the head.
 */
final class InFlight {

  /** {@link #nextDeadline} when nothing is outstanding. */
  static final long NONE = Long.MAX_VALUE;

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

  /** Removes and returns every call whose deadline has passed. */
  List<Call> expire(long now) {
    List<Call> expired = null;
    for (ArrayDeque<Call> queue : byTimeout.values()) {
      Call head;
      while ((head = queue.peekFirst()) != null && (!contains(head) || head.deadlineNanos - now <= 0)) {
        queue.pollFirst();
        if (contains(head)) {
          remove(head.id);
          if (expired == null) {
            expired = new ArrayList<>();
          }
          expired.add(head);
        }
      }
    }
    byTimeout.values().removeIf(ArrayDeque::isEmpty);
    return expired == null ? List.of() : expired;
  }

  /** The earliest deadline ({@link System#nanoTime()} scale) of an outstanding call, or {@link #NONE}. */
  long nextDeadline() {
    long next = NONE;
    boolean found = false;
    for (ArrayDeque<Call> queue : byTimeout.values()) {
      for (Iterator<Call> it = queue.iterator(); it.hasNext(); ) {
        Call c = it.next();
        if (contains(c)) {
          next = found && next - c.deadlineNanos < 0 ? next : c.deadlineNanos;
          found = true;
          break;
        }
        it.remove();
      }
    }
    return next;
  }

  /** Removes and returns the calls that were sent (on a connection that is now gone). */
  List<Call> removeSent() {
    List<Call> gone = new ArrayList<>(sent);
    for (Iterator<Call> it = byId.values().iterator(); it.hasNext(); ) {
      Call c = it.next();
      if (c.sent) {
        it.remove();
        gone.add(c);
      }
    }
    sent = 0;
    return gone;
  }

  /** Removes and returns every outstanding call. */
  List<Call> removeAll() {
    List<Call> calls = new ArrayList<>(byId.values());
    byId.clear();
    byTimeout.clear();
    sent = 0;
    return calls;
  }
}
