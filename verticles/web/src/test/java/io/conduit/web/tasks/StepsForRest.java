package io.conduit.web.tasks;

import io.conduit.task.TaskContext;
import io.conduit.task.TaskHandler;
import io.vertx.core.json.JsonObject;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/** {@code {"steps", "stepMs"}}: progress each step, stops when cancelled; result {steps}. */
public final class StepsForRest implements TaskHandler {
  /** Tasks submitted with {@code "gate": true} wait for this before their first step (10 s at most). */
  static final CountDownLatch GATE = new CountDownLatch(1);

  @Override
  public Object run(JsonObject args, TaskContext context) throws InterruptedException {
    if (args.getBoolean("gate", false)) {
      GATE.await(10, TimeUnit.SECONDS);
    }
    int steps = args.getInteger("steps");
    for (int i = 1; i <= steps && !context.isCancelled(); i++) {
      LockSupport.parkNanos(args.getLong("stepMs", 0L) * 1_000_000);
      context.progress(i, steps, "step " + i);
    }
    return new JsonObject().put("steps", steps);
  }
}
