package io.conduit.task;

import io.vertx.core.Future;
import io.vertx.core.shareddata.Counter;

import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The periodic scan of the queue's records (by one node of the cluster per period): requeues tasks whose lease ran out
 * (their node died, or lost touch), removes finished tasks past their time to be kept, and tells
 * the runner of every task waiting to run (so tasks whose events this node missed, or whose
 * back-off ended, still start). Event-loop only.
 */
final class Sweeper {

  private static final System.Logger LOG = System.getLogger(Sweeper.class.getName());

  /** How long a queued task of a name this node has no handler for waits, in a cluster, before it is told of. */
  static final long UNHANDLED_AFTER_MS = 60_000;
  /** How often the same count of such tasks is told again. */
  private static final long UNHANDLED_REPEAT_MS = 10 * 60_000;

  private final TaskRecords records;
  private final TaskEvents events;
  private final TaskRunner runner;
  private final TaskHandlers handlers;
  private final TaskQueueOptions options;
  private final Counter lastSweep;
  private final boolean clustered;
  /** Per task name this node has no handler for: the count of such queued tasks last told, and when. */
  private final Map<String, long[]> unhandledTold = new HashMap<>();
  private boolean sweeping;

  /**
   * @param clustered whether other nodes may run tasks this node has no handler for; on a
   *                  standalone node queued tasks of such a name can never run, and the first
   *                  sweep says so
   */
  Sweeper(TaskRecords records, TaskEvents events, TaskRunner runner, TaskHandlers handlers, TaskQueueOptions options,
          Counter lastSweep, boolean clustered) {
    this.lastSweep = lastSweep;
    this.records = records;
    this.events = events;
    this.runner = runner;
    this.handlers = handlers;
    this.options = options;
    this.clustered = clustered;
  }

  /**
   * The periodic sweep: made only when no node of the cluster swept within the last
   * {@code sweepMs} (a shared counter holds the time of the last sweep), so the cluster scans the
   * map once per period however many nodes it has.
   */
  Future<Void> sweepIfDue() {
    if (sweeping) {
      return Future.succeededFuture();
    }
    long now = System.currentTimeMillis();
    return lastSweep.get().compose(last -> {
      if (now - last < options.sweepMs() * 9 / 10) {
        return Future.succeededFuture(false);
      }
      return lastSweep.compareAndSet(last, now);
    }).compose(mine -> mine ? sweep() : Future.succeededFuture());
  }

  /** One scan; a scan still running when the next is due is not doubled. */
  Future<Void> sweep() {
    return sweep(false);
  }

  /**
   * One scan; with {@code runningAreLost}, every running task is taken as a lost attempt whatever
   * its lease says (a standalone node starting up: the process that ran them is gone).
   */
  Future<Void> sweep(boolean runningAreLost) {
    if (sweeping) {
      return Future.succeededFuture();
    }
    sweeping = true;
    return records.all().compose(all -> sweep(all, runningAreLost)).onComplete(ar -> {
      sweeping = false;
      if (ar.failed()) {
        LOG.log(Level.WARNING, "task queue '" + options.address() + "': sweep failed: " + ar.cause().getMessage());
      }
      runner.pump();
    });
  }

  private Future<Void> sweep(List<TaskRecord> all, boolean runningAreLost) {
    long now = System.currentTimeMillis();
    List<Future<?>> changes = new ArrayList<>();
    Map<String, Integer> unhandled = new TreeMap<>();
    for (TaskRecord r : all) {
      if (r.expired(now)) {
        changes.add(expire(r));
      } else if (r.state().running() && (runningAreLost || r.leaseUntil() < now)) {
        changes.add(requeue(r, runningAreLost));
      } else if (r.state().queued()) {
        if (handlers.knows(r.task())) {
          runner.offer(r.id(), r.task(), r.availableAt());
        } else if (!clustered || now - r.availableAt() > UNHANDLED_AFTER_MS) {
          unhandled.merge(r.task(), 1, Integer::sum);
        }
      }
    }
    tellUnhandled(unhandled, now);
    return Future.join(changes).mapEmpty();
  }

  /**
   * Logs the queued tasks of names this node has no handler for (Celery logs "unregistered
   * task"): once per name, again after 10 minutes while they wait or as soon as their count has
   * doubled, so a backlog that changes at every sweep is not told at every sweep. On a standalone
   * node they can never run; in a cluster they have waited a minute for a node that runs them.
   */
  private void tellUnhandled(Map<String, Integer> unhandled, long now) {
    unhandledTold.keySet().retainAll(unhandled.keySet());
    unhandled.forEach((task, count) -> {
      long[] told = unhandledTold.get(task);
      if (told != null && count < 2 * told[0] && now - told[1] < UNHANDLED_REPEAT_MS) {
        return;
      }
      unhandledTold.put(task, new long[] {count, now});
      String runs = handlers.names().isEmpty() ? "none" : String.join(", ", new TreeSet<>(handlers.names()));
      LOG.log(Level.WARNING, "task queue '" + options.address() + "': " + count + " queued task" + (count == 1 ? "" : "s")
          + " of '" + task + "' " + (clustered
              ? "have waited over " + UNHANDLED_AFTER_MS / 1000 + " s, and this node's queue has no handler of that "
                  + "name (it runs: " + runs + "); they run once a node whose queue has one is free"
              : "cannot run: this node's queue has no handler of that name (it runs: " + runs + "); add the handler to "
                  + "the queue's handlers and restart, or cancel them"));
    });
  }

  private Future<?> expire(TaskRecord r) {
    Future<Boolean> removed = records.remove(r);
    return r.idempotencyKey() == null ? removed : removed.compose(v -> records.unbindKey(r.idempotencyKey(), r.id()));
  }

  /** The lease ran out: the attempt is lost; retry (or fail, or finish revoking) as for a failed attempt. */
  private Future<?> requeue(TaskRecord seen, boolean restarted) {
    String lease = seen.leaseId();
    return records.update(seen.id(), r -> {
      long now = System.currentTimeMillis();
      if (!r.heldBy(lease) || (!restarted && r.leaseUntil() >= now)) {
        return null;
      }
      if (r.cancelRequested()) {
        return r.revoked(now);
      }
      return r.attemptFailed(restarted ? "worker " + r.worker() + " was lost: the node stopped while it ran"
          : "worker " + r.worker() + " was lost: its lease ran out " + (now - r.leaseUntil()) + " ms ago", now, 0);
    }).onSuccess(c -> {
      if (c.changed()) {
        LOG.log(Level.INFO, "task " + seen.id() + ": " + (restarted ? "the node restarted while " + seen.worker()
            + " ran it" : "lease of " + seen.worker() + " ran out") + "; now " + c.record().state());
        events.changed(c.record());
        if (c.record().state().queued()) {
          runner.offer(c.record().id(), c.record().task(), c.record().availableAt());
        }
      }
    });
  }
}
