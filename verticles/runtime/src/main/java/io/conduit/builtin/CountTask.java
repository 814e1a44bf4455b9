package io.conduit.builtin;

import io.conduit.task.TaskContext;
import io.conduit.task.TaskHandler;
import io.vertx.core.json.JsonObject;

import java.util.concurrent.locks.LockSupport;

/**
 * {@code example.count}: counts to {@code to}, one step every {@code stepMs}, reporting progress
 * each step; result {@code {"count": to}}. Args: {@code {"to": 10, "stepMs": 100}}.
 */
public final class CountTask implements TaskHandler {

  @Override
  public void validate(JsonObject args) {
    if (!(args.getValue("to") instanceof Integer to) || to < 0) {
      throw new IllegalArgumentException("'to' must be a whole number of at least 0, got " + args.getValue("to"));
    }
    Object stepMs = args.getValue("stepMs", 0);
    if (!(stepMs instanceof Integer ms) || ms < 0 || ms > 60_000) {
      throw new IllegalArgumentException("'stepMs' must be a whole number from 0 to 60000, got " + stepMs);
    }
  }

  @Override
  public Object run(JsonObject args, TaskContext context) {
    int to = args.getInteger("to");
    long stepNanos = args.getInteger("stepMs", 0) * 1_000_000L;
    for (int i = 1; i <= to; i++) {
      if (context.isCancelled()) {
        return null; // the queue records REVOKED (or the time limit) and discards this
      }
      if (stepNanos > 0) {
        LockSupport.parkNanos(stepNanos);
      }
      context.progress(i, to, "counted to " + i);
    }
    return new JsonObject().put("count", to);
  }
}
