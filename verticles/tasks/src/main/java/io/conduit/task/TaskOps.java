package io.conduit.task;

import io.conduit.codec.ErrorCode;
import io.conduit.codec.Quoted;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.lang.System.Logger.Level;
import java.util.Comparator;
import java.util.List;

/** The queue's four ops over the cluster records. Event-loop only. */
final class TaskOps {

  private static final System.Logger LOG = System.getLogger(TaskOps.class.getName());

  /** How long an idempotent submit's record waits before it may run, should its submitter die mid-way. */
  private static final long ADMISSION_MS = 10_000;

  private final TaskQueueOptions options;
  private final TaskHandlers handlers;
  private final TaskRecords records;
  private final TaskEvents events;
  private final TaskRunner runner;

  TaskOps(TaskQueueOptions options, TaskHandlers handlers, TaskRecords records, TaskEvents events, TaskRunner runner) {
    this.options = options;
    this.handlers = handlers;
    this.records = records;
    this.events = events;
    this.runner = runner;
  }

  static String id(JsonObject request) {
    if (!(request.getValue("id") instanceof String id) || id.isBlank()) {
      throw new IllegalArgumentException(request.getString("op") + ": 'id' is required: the id submit returned");
    }
    return id;
  }

  Future<JsonObject> submit(SubmitRequest request) {
    if (!handlers.knows(request.task())) {
      throw new TaskException(ErrorCode.BAD_REQUEST, "unknown task " + Quoted.text(request.task()) + "; this queue runs: "
          + String.join(", ", handlers.names().stream().sorted().toList()));
    }
    TaskHandler handler;
    try {
      handler = handlers.create(request.task());
    } catch (IllegalStateException e) {
      throw new TaskException(ErrorCode.INTERNAL, e.getMessage() + "; nothing was submitted");
    }
    try {
      handler.validate(request.args());
    } catch (IllegalArgumentException e) {
      throw new TaskException(ErrorCode.BAD_REQUEST, "task '" + request.task() + "': " + e.getMessage());
    } catch (RuntimeException | LinkageError | AssertionError e) {
      // a handler's own fault (a NullPointerException on arguments it did not expect): the caller
      // is told at once, naming it, instead of waiting for a reply that never comes
      LOG.log(Level.ERROR, "task '" + request.task() + "': its handler's validate failed", e);
      throw new TaskException(ErrorCode.INTERNAL, "task '" + request.task() + "': its handler's validate failed with "
          + e + "; nothing was submitted");
    }
    long now = System.currentTimeMillis();
    String id = TaskIds.next(now);
    if (request.idempotencyKey() == null) {
      TaskRecord record = TaskRecord.submitted(id, request, now, now);
      return records.create(record).map(v -> admitted(record));
    }
    // Stored first, not yet runnable; runnable once the key is ours, removed if the key names a live task.
    TaskRecord record = TaskRecord.submitted(id, request, now, now + ADMISSION_MS);
    return records.create(record).compose(v -> claimKey(request.idempotencyKey(), id)).compose(owner -> {
      if (!owner.equals(id)) {
        return records.remove(record).map(removed -> new JsonObject().put("id", owner).put("duplicate", true));
      }
      return records.update(id, r -> r.state() == TaskState.PENDING ? r.availableFrom(System.currentTimeMillis())
          : null).map(c -> admitted(c.record() == null ? record : c.record()));
    });
  }

  /** Binds the key to {@code id}, unless it names a task that still exists: completes with the key's task. */
  private Future<String> claimKey(String key, String id) {
    return records.bindKey(key, id).compose(previous -> {
      if (previous == null) {
        return Future.succeededFuture(id);
      }
      return records.get(previous).compose(existing -> {
        if (existing != null && !existing.expired(System.currentTimeMillis())) {
          return Future.succeededFuture(previous);
        }
        return records.rebindKey(key, previous, id).compose(moved -> moved ? Future.succeededFuture(id)
            : claimKey(key, id));
      });
    });
  }

  private JsonObject admitted(TaskRecord record) {
    events.changed(record);
    runner.offer(record.id(), record.task(), record.availableAt());
    return new JsonObject().put("id", record.id());
  }

  Future<JsonObject> status(String id) {
    return records.get(id).map(r -> {
      if (r == null || r.expired(System.currentTimeMillis())) {
        throw notFound(id);
      }
      return r.toStatus();
    });
  }

  Future<JsonObject> cancel(String id) {
    return records.update(id, r -> {
      long now = System.currentTimeMillis();
      if (r.expired(now) || r.state().finished() || r.cancelRequested()) {
        return null;
      }
      return r.state().queued() ? r.revoked(now) : r.withCancelRequested();
    }).map(c -> {
      TaskRecord r = c.record();
      if (r == null || r.expired(System.currentTimeMillis())) {
        throw notFound(id);
      }
      if (!c.changed() && r.state().finished()) {
        throw new TaskException(ErrorCode.CONFLICT, "task " + id + " already finished: " + r.state());
      }
      if (c.changed()) {
        if (r.state().running()) {
          // The node running it stops the handler at once; its lease renewal would notice too.
          runner.cancelLocal(id);
          events.bus().publish(options.cancelAddress(), id);
        }
        events.changed(r);
      }
      return r.toStatus();
    });
  }

  Future<JsonObject> list(ListRequest request) {
    return records.all().map(all -> {
      long now = System.currentTimeMillis();
      List<TaskRecord> page = all.stream()
          .filter(r -> !r.expired(now))
          .filter(r -> request.state() == null || r.state() == request.state())
          .filter(r -> request.cursor() == null || beyond(cursorOf(r).compareTo(request.cursor()), request))
          .sorted(request.newestFirst() ? Comparator.comparing(TaskOps::cursorOf).reversed()
              : Comparator.comparing(TaskOps::cursorOf))
          .limit(request.limit() + 1L)
          .toList();
      JsonArray tasks = new JsonArray();
      page.stream().limit(request.limit()).forEach(r -> tasks.add(r.toStatus()));
      String next = page.size() > request.limit() ? cursorOf(page.get(request.limit() - 1)) : null;
      return new JsonObject().put("tasks", tasks).put("cursor", next);
    });
  }

  /** Whether a record that compares so with the cursor comes after it in the page order. */
  private static boolean beyond(int comparison, ListRequest request) {
    return request.newestFirst() ? comparison < 0 : comparison > 0;
  }

  /**
   * Submission order, as text that sorts the same way: zero-padded time, then the id, which counts
   * up within a millisecond on the submitting node ({@link TaskIds}).
   */
  private static String cursorOf(TaskRecord r) {
    return String.format("%019d:%s", r.submittedAt(), r.id());
  }

  private static TaskException notFound(String id) {
    return new TaskException(ErrorCode.NOT_FOUND, "no task " + id + " (never submitted, or finished and expired)");
  }
}
