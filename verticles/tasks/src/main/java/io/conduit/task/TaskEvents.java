package io.conduit.task;

import io.vertx.core.eventbus.EventBus;
import io.vertx.core.json.JsonObject;

/**
 * Publishes every state and progress change on {@code <queue>.events} and
 * {@code <queue>.events.<id>}: the bridge's XPUB forwards them to ZeroMQ subscribers, the REST
 * route streams them as server-sent events, and every node's queue learns of tasks to run.
 */
final class TaskEvents {

  private final EventBus bus;
  private final TaskQueueOptions options;

  TaskEvents(EventBus bus, TaskQueueOptions options) {
    this.bus = bus;
    this.options = options;
  }

  EventBus bus() {
    return bus;
  }

  /** A state change: the task's status as {@code status} would answer it. */
  void changed(TaskRecord record) {
    publish(record.id(), record.toStatus().put("at", System.currentTimeMillis()));
  }

  /** A progress report, straight from the handler (its store write follows, coalesced). */
  void progress(TaskRecord running, TaskProgress progress) {
    publish(running.id(), new JsonObject().put("id", running.id()).put("task", running.task())
        .put("state", TaskState.PROGRESS.name()).put("progress", progress.toJson())
        .put("attempts", running.attempts()).put("at", System.currentTimeMillis()));
  }

  private void publish(String id, JsonObject event) {
    bus.publish(options.eventsAddress(), event);
    bus.publish(options.eventsAddress(id), event);
  }
}
