package io.conduit.task.http;

import io.conduit.task.TaskContext;
import io.conduit.task.TaskHandler;
import io.vertx.core.json.JsonObject;

import java.util.concurrent.locks.LockSupport;

/** {@code {"steps", "stepMs"}}: progress each step, stops when cancelled; result {steps}. */
public final class StepsForRest implements TaskHandler {
  @Override
  public Object run(JsonObject args, TaskContext context) {
    int steps = args.getInteger("steps");
    for (int i = 1; i <= steps && !context.isCancelled(); i++) {
      LockSupport.parkNanos(args.getLong("stepMs", 0L) * 1_000_000);
      context.progress(i, steps, "step " + i);
    }
    return new JsonObject().put("steps", steps);
  }
}
