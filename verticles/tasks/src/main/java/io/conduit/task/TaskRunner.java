package io.conduit.task;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import io.vertx.core.json.Json;

import java.lang.System.Logger.Level;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * Runs tasks on this node: takes due tasks from {@link ReadyTasks} while a worker is free, leases
 * each with a compare-and-set on its record, runs its handler on the queue's worker pool, renews
 * the lease while it runs, enforces the time limit, and records the outcome only while it still
 * holds the lease (a node that lost its lease cannot overwrite the next attempt). Event-loop only,
 * except the handlers themselves.
 */
final class TaskRunner {

  private static final System.Logger LOG = System.getLogger(TaskRunner.class.getName());

  /** Least time between two progress writes of one task. */
  static final long PROGRESS_WRITE_MS = 200;

  private final Vertx vertx;
  private final Context context;
  private final TaskQueueOptions options;
  private final TaskRecords records;
  private final TaskEvents events;
  private final TaskHandlers handlers;
  private final String worker;
  private final WorkerExecutor pool;
  private final ReadyTasks ready = new ReadyTasks();
  private final Map<String, RunningTask> running = new HashMap<>();
  private int claiming;
  private long wakeTimer = -1;
  private long wakeAt = Long.MAX_VALUE;
  private long renewTimer = -1;
  private boolean stopped;

  TaskRunner(Vertx vertx, Context context, TaskQueueOptions options, TaskRecords records, TaskEvents events,
             TaskHandlers handlers, String worker) {
    this.vertx = vertx;
    this.context = context;
    this.options = options;
    this.records = records;
    this.events = events;
    this.handlers = handlers;
    this.worker = worker;
    // Long tasks are normal here: no blocked-thread warnings before a day has passed.
    this.pool = vertx.createSharedWorkerExecutor("conduit-tasks-" + options.address() + "-" + UUID.randomUUID(),
        options.workers(), 1, TimeUnit.DAYS);
  }

  void start() {
    renewTimer = vertx.setPeriodic(Math.max(10, options.leaseMs() / 3), t -> renewLeases());
  }

  /** Stops taking tasks; running handlers are told to stop and their tasks are left to lease expiry. */
  Future<Void> stop() {
    stopped = true;
    vertx.cancelTimer(renewTimer);
    vertx.cancelTimer(wakeTimer);
    running.values().forEach(r -> r.stop("node stopping"));
    return pool.close();
  }

  /**
   * A task may be waiting: note it and start what can start. Tasks without a handler on this node
   * are left to the nodes that have one (a cluster's nodes may register different handlers).
   */
  void offer(String id, String task, long availableAt) {
    if (!running.containsKey(id) && handlers.knows(task)) {
      ready.add(id, availableAt);
    }
    pump();
  }

  /** The task no longer waits (it started elsewhere, finished, was revoked). */
  void withdraw(String id) {
    ready.remove(id);
  }

  /** Tells the handler of a running task to stop, when it runs here. */
  void cancelLocal(String id) {
    RunningTask r = running.get(id);
    if (r != null) {
      r.stop("cancel");
    }
  }

  /** Starts due tasks while workers are free; sets a timer for the next one due later. */
  void pump() {
    if (stopped) {
      return;
    }
    long now = System.currentTimeMillis();
    while (running.size() + claiming < options.workers()) {
      String id = ready.take(now);
      if (id == null) {
        break;
      }
      claim(id);
    }
    long next = ready.nextDue();
    if (next != Long.MAX_VALUE && next > now && next < wakeAt && running.size() + claiming < options.workers()) {
      vertx.cancelTimer(wakeTimer);
      wakeAt = next;
      wakeTimer = vertx.setTimer(Math.max(1, next - now), t -> {
        wakeAt = Long.MAX_VALUE;
        pump();
      });
    }
  }

  private void claim(String id) {
    claiming++;
    String lease = UUID.randomUUID().toString();
    records.update(id, r -> {
      long now = System.currentTimeMillis();
      return r.state().queued() && r.availableAt() <= now ? r.started(worker, lease, now, now + options.leaseMs()) : null;
    }).onComplete(ar -> {
      claiming--;
      if (ar.succeeded() && ar.result().changed()) {
        run(ar.result().record());
      } else if (ar.failed()) {
        LOG.log(Level.WARNING, "task " + id + ": could not be leased: " + ar.cause().getMessage());
      } else if (ar.result().record() != null && ar.result().record().state().queued()) {
        // Not due yet (a stale hint): keep it for later.
        ready.add(id, ar.result().record().availableAt());
      }
      pump();
    });
  }

  private void run(TaskRecord started) {
    events.changed(started);
    RunningTask task = new RunningTask(started, context, events, this::storeProgress);
    running.put(started.id(), task);
    if (started.timeoutMs() > 0) {
      task.timeoutTimer = vertx.setTimer(started.timeoutMs(), t -> timedOut(task));
    }
    pool.<Object>executeBlocking(() -> {
      task.runsOn(Thread.currentThread());
      try {
        return jsonResult(handlers.create(started.task()).run(started.args(), task));
      } finally {
        task.returned();
      }
    }, false)
        .onComplete(ar -> finished(task, ar.succeeded() ? ar.result() : null, ar.cause()));
  }

  /**
   * A result must be storable: a handler returning something that is not JSON fails the task,
   * saying so, without the retries meant for failures that may pass (as Celery does not retry a
   * result it cannot encode).
   */
  private static Object jsonResult(Object result) {
    try {
      Json.encode(result);
      return result;
    } catch (RuntimeException e) {
      throw new ResultNotJson(result);
    }
  }

  /** The handler's result has no JSON form: a bug of the handler's that another attempt would repeat. */
  private static final class ResultNotJson extends IllegalStateException {
    private static final long serialVersionUID = 1L;

    ResultNotJson(Object result) {
      super("the handler's result is not a JSON value (" + result.getClass().getName() + "); return a JsonObject, "
          + "JsonArray, String, Number, Boolean or null (not retried)");
    }
  }

  private void finished(RunningTask task, Object result, Throwable failure) {
    running.remove(task.id());
    vertx.cancelTimer(task.timeoutTimer);
    String lease = task.leaseId();
    String reason = task.stopReason();
    task.takeUnstored();
    TaskProgress last = task.latest();
    records.update(task.id(), current -> {
      if (!current.heldBy(lease)) {
        return null; // timed out, or the lease was lost and the task requeued: this attempt no longer counts
      }
      TaskRecord r = last == null ? current : current.withProgress(last);
      long now = System.currentTimeMillis();
      if (r.cancelRequested() || "cancel".equals(reason)) {
        return r.revoked(now);
      }
      if ("timeout".equals(reason)) {
        return r.failed(timeLimit(r), now);
      }
      if (failure == null && reason == null) {
        return r.succeeded(result, now);
      }
      if (failure instanceof ResultNotJson && reason == null) {
        return r.failed(describe(failure), now);
      }
      String message = failure != null ? describe(failure) : "stopped: " + reason;
      return r.attemptFailed(message, now, options.backoffMs(r.attempts()));
    }).onComplete(ar -> {
      if (ar.failed()) {
        LOG.log(Level.WARNING, "task " + task.id() + ": outcome not recorded (" + ar.cause().getMessage()
            + "); its lease will run out and it will be retried");
      } else if (ar.result().changed()) {
        TaskRecord after = ar.result().record();
        events.changed(after);
        if (after.state() == TaskState.RETRY) {
          offer(after.id(), after.task(), after.availableAt());
        }
      }
      pump();
    });
  }

  private void timedOut(RunningTask task) {
    task.stop("timeout");
    String lease = task.leaseId();
    records.update(task.id(), r -> r.heldBy(lease) ? r.failed(timeLimit(r), System.currentTimeMillis()) : null)
        .onSuccess(c -> {
          if (c.changed()) {
            events.changed(c.record());
          }
        });
  }

  /**
   * Writes the latest progress to the record: one write in flight per task and at most one every
   * {@link #PROGRESS_WRITE_MS} (events carry every report at once; the record is for status reads).
   */
  private void storeProgress(RunningTask task) {
    if (task.writing || !task.hasUnstored() || !running.containsKey(task.id())) {
      return;
    }
    long wait = task.lastWrite + PROGRESS_WRITE_MS - System.currentTimeMillis();
    if (wait > 0) {
      task.writing = true;
      vertx.setTimer(wait, t -> {
        task.writing = false;
        storeProgress(task);
      });
      return;
    }
    TaskProgress p = task.takeUnstored();
    task.writing = true;
    task.lastWrite = System.currentTimeMillis();
    String lease = task.leaseId();
    records.update(task.id(), r -> r.heldBy(lease) ? r.withProgress(p) : null).onComplete(ar -> {
      task.writing = false;
      storeProgress(task);
    });
  }

  /** Renews the lease of every task running here; learns of cancels and of leases lost meanwhile. */
  private void renewLeases() {
    for (RunningTask task : Map.copyOf(running).values()) {
      String lease = task.leaseId();
      records.update(task.id(), r -> r.heldBy(lease) ? r.withLease(System.currentTimeMillis() + options.leaseMs())
          : null).onSuccess(c -> {
            if (!c.changed()) {
              task.stop("lease lost");
            } else if (c.record().cancelRequested()) {
              task.stop("cancel");
            }
          });
    }
  }

  private static String timeLimit(TaskRecord r) {
    return "time limit of " + r.timeoutMs() + " ms exceeded";
  }

  private static String describe(Throwable failure) {
    String m = failure.getMessage();
    return failure.getClass().getSimpleName() + (m == null ? "" : ": " + m);
  }
}
