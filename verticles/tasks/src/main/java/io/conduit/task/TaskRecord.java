package io.conduit.task;

import io.vertx.core.json.JsonObject;

/**
 * One task as stored in the cluster map. Immutable: every change makes a new record, written with
 * compare-and-set, so two nodes never overwrite each other's change.
 *
 * @param id             the task's id
 * @param task           the handler's name
 * @param args           the handler's arguments
 * @param state          where it is in its life
 * @param progress       the handler's last progress report
 * @param result         the result (SUCCESS)
 * @param error          the last attempt's error (RETRY, FAILURE)
 * @param attempts       attempts started so far
 * @param maxRetries     attempts allowed after the first
 * @param timeoutMs      time limit of one attempt, 0 for none
 * @param resultTtlMs    how long a finished task is kept
 * @param idempotencyKey the submitter's key, or null
 * @param submittedAt    epoch ms
 * @param startedAt      start of the current (or last) attempt, epoch ms, 0 before the first
 * @param finishedAt     epoch ms, 0 until finished
 * @param availableAt    a queued task runs no earlier than this (back-off), epoch ms
 * @param worker         the node running it (while running), else the last one, or null
 * @param leaseId        the current attempt's lease (while running), else null
 * @param leaseUntil     the lease runs out at this time unless renewed, epoch ms
 * @param cancelRequested cancel was asked for while it ran
 * @param expiresAt      a finished task is removed at this time, epoch ms (0 while unfinished)
 */
public record TaskRecord(String id, String task, JsonObject args, TaskState state, TaskProgress progress, Object result,
                         String error, int attempts, int maxRetries, long timeoutMs, long resultTtlMs,
                         String idempotencyKey, long submittedAt, long startedAt, long finishedAt, long availableAt,
                         String worker, String leaseId, long leaseUntil, boolean cancelRequested, long expiresAt) {

  /** A new task, queued. */
  public static TaskRecord submitted(String id, SubmitRequest r, long now, long availableAt) {
    return new TaskRecord(id, r.task(), r.args(), TaskState.PENDING, TaskProgress.NONE, null, null, 0, r.maxRetries(),
        r.timeoutMs(), r.resultTtlMs(), r.idempotencyKey(), now, 0, 0, availableAt, null, null, 0, false, 0);
  }

  /** Leased to a worker for a new attempt. */
  public TaskRecord started(String worker, String leaseId, long now, long leaseUntil) {
    return new TaskRecord(id, task, args, TaskState.STARTED, progress, null, error, attempts + 1, maxRetries, timeoutMs,
        resultTtlMs, idempotencyKey, submittedAt, now, 0, availableAt, worker, leaseId, leaseUntil, false, 0);
  }

  public TaskRecord withLease(long leaseUntil) {
    return new TaskRecord(id, task, args, state, progress, result, error, attempts, maxRetries, timeoutMs, resultTtlMs,
        idempotencyKey, submittedAt, startedAt, finishedAt, availableAt, worker, leaseId, leaseUntil, cancelRequested,
        expiresAt);
  }

  public TaskRecord withProgress(TaskProgress p) {
    return new TaskRecord(id, task, args, TaskState.PROGRESS, p, result, error, attempts, maxRetries, timeoutMs,
        resultTtlMs, idempotencyKey, submittedAt, startedAt, finishedAt, availableAt, worker, leaseId, leaseUntil,
        cancelRequested, expiresAt);
  }

  public TaskRecord withCancelRequested() {
    return new TaskRecord(id, task, args, state, progress, result, error, attempts, maxRetries, timeoutMs, resultTtlMs,
        idempotencyKey, submittedAt, startedAt, finishedAt, availableAt, worker, leaseId, leaseUntil, true, expiresAt);
  }

  public TaskRecord availableFrom(long at) {
    return new TaskRecord(id, task, args, state, progress, result, error, attempts, maxRetries, timeoutMs, resultTtlMs,
        idempotencyKey, submittedAt, startedAt, finishedAt, at, worker, leaseId, leaseUntil, cancelRequested,
        expiresAt);
  }

  public TaskRecord succeeded(Object value, long now) {
    return finish(TaskState.SUCCESS, value, null, now);
  }

  public TaskRecord failed(String message, long now) {
    return finish(TaskState.FAILURE, null, message, now);
  }

  public TaskRecord revoked(long now) {
    return finish(TaskState.REVOKED, null, error, now);
  }

  /** An attempt ended in {@code message}: RETRY after {@code backoffMs}, or FAILURE when retries are used up. */
  public TaskRecord attemptFailed(String message, long now, long backoffMs) {
    if (attempts > maxRetries) {
      return failed(message, now);
    }
    return new TaskRecord(id, task, args, TaskState.RETRY, progress, null, message, attempts, maxRetries, timeoutMs,
        resultTtlMs, idempotencyKey, submittedAt, startedAt, 0, now + backoffMs, worker, null, 0, false, 0);
  }

  private TaskRecord finish(TaskState end, Object value, String message, long now) {
    return new TaskRecord(id, task, args, end, progress, value, message, attempts, maxRetries, timeoutMs, resultTtlMs,
        idempotencyKey, submittedAt, startedAt, now, availableAt, worker, null, 0, cancelRequested,
        now + resultTtlMs);
  }

  /** True while the lease {@code lease} is the current one: the attempt holding it may still change the task. */
  public boolean heldBy(String lease) {
    return state.running() && lease.equals(leaseId);
  }

  /** Finished and past its time to be kept. */
  public boolean expired(long now) {
    return state.finished() && expiresAt <= now;
  }

  /** What status, list and events show. */
  public JsonObject toStatus() {
    JsonObject s = new JsonObject().put("id", id).put("task", task).put("state", state.name())
        .put("progress", progress.toJson()).put("attempts", attempts).put("maxRetries", maxRetries)
        .put("submittedAt", submittedAt).put("startedAt", startedAt == 0 ? null : startedAt)
        .put("finishedAt", finishedAt == 0 ? null : finishedAt);
    if (state == TaskState.SUCCESS) {
      s.put("result", result);
    }
    if (error != null) {
      s.put("error", error);
    }
    if (state == TaskState.RETRY) {
      s.put("retryAt", availableAt);
    }
    if (cancelRequested) {
      s.put("cancelRequested", true);
    }
    if (worker != null) {
      s.put("worker", worker);
    }
    if (expiresAt != 0) {
      s.put("expiresAt", expiresAt);
    }
    return s;
  }

  /** The stored form. */
  public JsonObject toJson() {
    return new JsonObject().put("id", id).put("task", task).put("args", args).put("state", state.name())
        .put("progress", progress.toJson()).put("result", result).put("error", error).put("attempts", attempts)
        .put("maxRetries", maxRetries).put("timeoutMs", timeoutMs).put("resultTtlMs", resultTtlMs)
        .put("idempotencyKey", idempotencyKey).put("submittedAt", submittedAt).put("startedAt", startedAt)
        .put("finishedAt", finishedAt).put("availableAt", availableAt).put("worker", worker).put("leaseId", leaseId)
        .put("leaseUntil", leaseUntil).put("cancelRequested", cancelRequested).put("expiresAt", expiresAt);
  }

  public static TaskRecord fromJson(JsonObject j) {
    return new TaskRecord(j.getString("id"), j.getString("task"), j.getJsonObject("args", new JsonObject()),
        TaskState.valueOf(j.getString("state")), TaskProgress.fromJson(j.getJsonObject("progress")),
        j.getValue("result"), j.getString("error"), j.getInteger("attempts", 0), j.getInteger("maxRetries", 0),
        j.getLong("timeoutMs", 0L), j.getLong("resultTtlMs", 0L), j.getString("idempotencyKey"),
        j.getLong("submittedAt", 0L), j.getLong("startedAt", 0L), j.getLong("finishedAt", 0L),
        j.getLong("availableAt", 0L), j.getString("worker"), j.getString("leaseId"), j.getLong("leaseUntil", 0L),
        j.getBoolean("cancelRequested", false), j.getLong("expiresAt", 0L));
  }
}
