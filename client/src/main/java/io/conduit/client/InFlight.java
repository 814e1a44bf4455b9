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
 * removal from one) is needed. An answered call leaves at once: the queues hold only its id and
 * deadline (dropped when they reach the head), never the call with its request and reply, which a
 * client sending many large requests within one timeout would otherwise keep until the deadline.
 */
final class InFlight {

  /** {@link #nextDeadline} when nothing is outstanding. */
  static final long NONE = Long.MAX_VALUE;

  /** A call's place in its timeout's queue. */
  private record Deadline(long id, long atNanos) {
  }

  private final Map<Long, Call> byId = new HashMap<>();
  private final Map<Long, ArrayDeque<Deadline>> byTimeout = new HashMap<>();
  private int sent;

  void add(Call call) {
    byId.put(call.id, call);
    byTimeout.computeIfAbsent(call.timeoutMs, t -> new ArrayDeque<>()).addLast(new Deadline(call.id, call.deadlineNanos));
  }

  void markSent(Call call) {
    call.sent = true;
    sent++;
  }

  /** Removes and returns the call with this id, or null when it is not (any longer) outstanding. */
  Call remove(long id) {
    Call call = byId.remove(id);
    if (call != null) {
      if (call.sent) {
        sent--;
      }
      dropAnsweredHeads(call.timeoutMs);
    }
    return call;
  }

  /** Drops the deadlines of answered calls from the head of a queue (in order, so nearly always all of them). */
  private void dropAnsweredHeads(long timeoutMs) {
    ArrayDeque<Deadline> queue = byTimeout.get(timeoutMs);
    if (queue == null) {
      return;
    }
    Deadline head;
    while ((head = queue.peekFirst()) != null && !byId.containsKey(head.id())) {
      queue.pollFirst();
    }
    if (queue.isEmpty()) {
      byTimeout.remove(timeoutMs);
    }
  }

  /** Deadlines still queued, answered or not (for tests). */
  int deadlines() {
    return byTimeout.values().stream().mapToInt(ArrayDeque::size).sum();
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
    for (ArrayDeque<Deadline> queue : byTimeout.values()) {
      Deadline head;
      while ((head = queue.peekFirst()) != null && (!byId.containsKey(head.id()) || head.atNanos() - now <= 0)) {
        queue.pollFirst();
        Call call = byId.remove(head.id());
        if (call != null) {
          if (call.sent) {
            sent--;
          }
          if (expired == null) {
            expired = new ArrayList<>();
          }
          expired.add(call);
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
    for (ArrayDeque<Deadline> queue : byTimeout.values()) {
      for (Iterator<Deadline> it = queue.iterator(); it.hasNext(); ) {
        Deadline d = it.next();
        if (byId.containsKey(d.id())) {
          next = found && next - d.atNanos() < 0 ? next : d.atNanos();
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
