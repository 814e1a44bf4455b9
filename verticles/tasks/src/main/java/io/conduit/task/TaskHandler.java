package io.conduit.task;

import io.vertx.core.json.JsonObject;

/**
 * The code a task runs, registered by name in the task queue's {@code handlers} config:
 * <pre>{@code
 * "handlers": {"example.count": "io.conduit.builtin.CountTask"}
 * }</pre>
 * A handler class needs a public no-argument constructor; a new instance runs each attempt.
 * {@link #run} is called on a worker thread, so it may block (files, sleeps, training steps).
 * It should call {@link TaskContext#progress} as it goes and return soon after
 * {@link TaskContext#isCancelled()} turns true (its thread is interrupted then too, so a blocking
 * call may end in an {@code InterruptedException}). Delivery is at least once: an attempt may be cut
 * short by a lost node and run again, so side effects must tolerate a repeat.
 */
public interface TaskHandler {

  /**
   * Checks the arguments at submit time, so a bad request is refused (400) before it is queued.
   *
   * @throws IllegalArgumentException naming the argument and what is wrong with it
   */
  default void validate(JsonObject args) {
  }

  /**
   * Runs one attempt of the task.
   *
   * @return the result: any JSON value (JsonObject, JsonArray, String, Number, Boolean or null)
   * @throws Exception to fail the attempt; it is retried with back-off until {@code maxRetries}
   *                   is used up, then the task fails with this exception's message
   */
  Object run(JsonObject args, TaskContext context) throws Exception;
}
