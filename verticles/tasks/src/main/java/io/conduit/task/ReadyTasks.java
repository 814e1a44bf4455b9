package io.conduit.task;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

/**
 * This node's view of the tasks waiting for a worker (id and the time each may run), learnt from
 * events and the sweeper's scans. Only a hint: claiming a task is a compare-and-set on its record,
 * so a stale entry costs a failed claim, never a second run. Nodes pick at random among the due
 * tasks so that they rarely race for the same one. Event-loop only.
 */
final class ReadyTasks {

  private static final int PICK_AMONG = 64;

  private final Map<String, Long> due = new HashMap<>();
  private final List<String> order = new ArrayList<>();

  void add(String id, long availableAt) {
    if (due.put(id, availableAt) == null) {
      order.add(id);
    }
  }

  void remove(String id) {
    if (due.remove(id) != null) {
      order.remove(id);
    }
  }

  /** Removes and returns a task due by {@code now}, or null when none is. */
  String take(long now) {
    List<Integer> candidates = new ArrayList<>();
    for (int i = 0; i < order.size() && candidates.size() < PICK_AMONG; i++) {
      if (due.get(order.get(i)) <= now) {
        candidates.add(i);
      }
    }
    if (candidates.isEmpty()) {
      return null;
    }
    int index = candidates.get(ThreadLocalRandom.current().nextInt(candidates.size()));
    String id = order.remove(index);
    due.remove(id);
    return id;
  }

  /** The earliest time a waiting task becomes due, or {@code Long.MAX_VALUE}. */
  long nextDue() {
    long next = Long.MAX_VALUE;
    for (long at : due.values()) {
      next = Math.min(next, at);
    }
    return next;
  }
}
