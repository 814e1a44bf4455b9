package io.conduit.bridge;

import io.vertx.core.Vertx;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The deadlines of the bridge's requests in flight, kept without a timer per request: one
 * Vert.x timer at a time, set for the earliest deadline. Requests with the same timeout expire in
 * the order they arrived, so each distinct timeout is a lane, a list in arrival order; adding and
 * removing a request are O(1), and a sweep looks at the head of each lane. Under a steady load
 * with one timeout the timer fires about once per timeout period (by then the head is a recent
 * request) where a timer per request meant a scheduled task, and its cancellation, per request.
 *
 * <p>Lanes are bounded: past {@link #EXACT_LANES} distinct timeouts in flight, a new one is rounded
 * up to 1/16 of itself (a client that computes a fresh timeout per request gets its timeout
 * answered at most 6.25 % later), so a sweep never visits more than a few hundred lanes.
 * Event-loop only.
 */
final class RequestDeadlines {

  /** Distinct timeouts kept exact; past this many in flight, new ones are rounded up. */
  static final int EXACT_LANES = 64;

  /** One request's place in its lane. */
  static final class Entry {
    private final long deadlineNanos;
    private final Runnable expire;
    private Lane lane;
    private Entry prev;
    private Entry next;

    private Entry(long deadlineNanos, Runnable expire) {
      this.deadlineNanos = deadlineNanos;
      this.expire = expire;
    }
  }

  private static final class Lane {
    final long timeoutMs;
    Entry head;
    Entry tail;

    Lane(long timeoutMs) {
      this.timeoutMs = timeoutMs;
    }
  }

  private final Vertx vertx;
  private final Map<Long, Lane> lanes = new HashMap<>();
  private long timerId = -1;
  private long timerDeadlineNanos;
  private int size;
  /**
   * The lane the last request joined and the timeout it asked for: a steady load's timeout, found
   * without boxing it. Always a listed lane: forgotten when the sweep drops it.
   */
  private Lane recent;
  private long recentTimeoutMs;

  RequestDeadlines(Vertx vertx) {
    this.vertx = vertx;
  }

  /** Runs {@code expire} after {@code timeoutMs} unless the entry is removed first. */
  Entry add(long timeoutMs, Runnable expire) {
    long now = System.nanoTime();
    Lane lane = recent != null && recentTimeoutMs == timeoutMs ? recent : lanes.get(timeoutMs);
    if (lane == null) {
      if (lanes.size() >= EXACT_LANES) {
        lanes.values().removeIf(l -> l.head == null); // recent is set again below
      }
      long lanedMs = lanes.size() < EXACT_LANES ? timeoutMs : roundedUp(timeoutMs);
      lane = lanes.computeIfAbsent(lanedMs, Lane::new);
    }
    recent = lane;
    recentTimeoutMs = timeoutMs;
    Entry e = new Entry(now + TimeUnit.MILLISECONDS.toNanos(lane.timeoutMs), expire);
    e.lane = lane;
    e.prev = lane.tail;
    if (lane.tail == null) {
      lane.head = e;
    } else {
      lane.tail.next = e;
    }
    lane.tail = e;
    size++;
    if (timerId < 0 || e.deadlineNanos < timerDeadlineNanos) {
      schedule(e.deadlineNanos, now);
    }
    return e;
  }

  /** Forgets a request that has its outcome; removing it twice does nothing. */
  void remove(Entry e) {
    Lane lane = e.lane;
    if (lane == null) {
      return;
    }
    e.lane = null;
    if (e.prev == null) {
      lane.head = e.next;
    } else {
      e.prev.next = e.next;
    }
    if (e.next == null) {
      lane.tail = e.prev;
    } else {
      e.next.prev = e.prev;
    }
    e.prev = null;
    e.next = null;
    size--;
    // an empty lane stays listed (a sync client empties and refills it with every request); the
    // sweep drops it, and so does add() when the lanes run out
  }

  /** Requests waiting for their outcome. */
  int size() {
    return size;
  }

  /** Distinct timeouts in flight (the sweep visits one head per lane). */
  int lanes() {
    return lanes.size();
  }

  private void schedule(long deadlineNanos, long now) {
    if (timerId >= 0) {
      vertx.cancelTimer(timerId);
    }
    timerDeadlineNanos = deadlineNanos;
    long delayMs = Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadlineNanos - now + 999_999));
    timerId = vertx.setTimer(delayMs, id -> {
      timerId = -1;
      sweep();
    });
  }

  /** Expires every request past its deadline and sets the timer for the next one. */
  void sweep() {
    long now = System.nanoTime();
    long next = Long.MAX_VALUE;
    List<Runnable> expired = new ArrayList<>();
    Iterator<Lane> it = lanes.values().iterator();
    while (it.hasNext()) {
      Lane lane = it.next();
      Entry e = lane.head;
      while (e != null && e.deadlineNanos - now <= 0) {
        Entry after = e.next;
        e.lane = null;
        e.prev = null;
        e.next = null;
        size--;
        expired.add(e.expire);
        e = after;
      }
      lane.head = e;
      if (e == null) {
        lane.tail = null;
        it.remove();
        if (lane == recent) {
          recent = null;
        }
      } else {
        e.prev = null;
        next = Math.min(next, e.deadlineNanos);
      }
    }
    if (next != Long.MAX_VALUE && timerId < 0) {
      schedule(next, now);
    }
    // after the lanes are consistent: an expiry's reply may add or remove requests
    for (Runnable r : expired) {
      r.run();
    }
  }

  /**
   * Expires every request still waiting, deadline or not, and stops the timer: what a stopping
   * bridge does with requests it no longer answers, so that nothing is left registered for them.
   */
  void expireAll() {
    if (timerId >= 0) {
      vertx.cancelTimer(timerId);
      timerId = -1;
    }
    List<Entry> expired = new ArrayList<>(size);
    for (Lane lane : lanes.values()) {
      for (Entry e = lane.head; e != null; ) {
        Entry after = e.next;
        e.lane = null;
        e.prev = null;
        e.next = null;
        expired.add(e);
        e = after;
      }
    }
    lanes.clear();
    recent = null;
    size = 0;
    expired.sort((a, b) -> Long.compare(a.deadlineNanos - b.deadlineNanos, 0)); // in the order they were due
    for (Entry e : expired) {
      e.expire.run(); // an expiry that adds a request (none should, once stopped) gets a lane of its own
    }
  }

  /** {@code ms} rounded up to a multiple of 1/16 of its highest power of two. */
  static long roundedUp(long ms) {
    int shift = Math.max(0, 63 - Long.numberOfLeadingZeros(ms) - 4);
    long step = 1L << shift;
    return (ms + step - 1) & -step;
  }
}
