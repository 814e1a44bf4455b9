package io.conduit.task;

import io.vertx.core.Future;
import io.vertx.core.shareddata.Counter;

import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.List;

/**
 * The periodic scan of the queue's records (by one node of the cluster per period): requeues tasks whose lease ran out
 * (their node died, or lost touch), removes finished tasks past their time to be kept, and tells
 * the runner of every task waiting to run (so tasks whose events this node missed, or whose
 * back-off ended, still start). Event-loop only.
 */
final class Sweeper {

  private static final System.Logger LOG = System.getLogger(Sweeper.class.getName());

  private final TaskRecords records;
  private final TaskEvents events;
  private final TaskRunner runner;
  private final TaskQueueOptions options;
  private final Counter lastSweep;
  private boolean sweeping;

  Sweeper(TaskRecords records, TaskEvents events, TaskRunner runner, TaskQueueOptions options, Counter lastSweep) {
    this.lastSweep = lastSweep;
    this.records = records;
    this.events = events;
    this.runner = runner;
    this.options = options;
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
    for (TaskRecord r : all) {
      if (r.expired(now)) {
        changes.add(expire(r));
      } else if (r.state().running() && (runningAreLost || r.leaseUntil() < now)) {
        changes.add(requeue(r, runningAreLost));
      } else if (r.state().queued()) {
        runner.offer(r.id(), r.task(), r.availableAt());
      }
    }
    return Future.join(changes).mapEmpty();
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
