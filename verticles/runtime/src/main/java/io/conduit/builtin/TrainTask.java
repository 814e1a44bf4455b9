package io.conduit.builtin;

import io.conduit.task.TaskContext;
import io.conduit.task.TaskHandler;
import io.vertx.core.json.JsonObject;

import java.util.concurrent.locks.LockSupport;

/**
 * {@code example.train}: the shape of kge-server's model training, a long task in epochs of
 * steps. Progress is {@code current/total} steps with the epoch and loss in the message; it stops
 * between steps when cancelled. Args (all optional): {@code {"epochs": 3, "stepsPerEpoch": 20,
 * "stepMs": 100}}; result {@code {"epochs", "steps", "loss"}}. The "training" is a loss curve
 * computed from the step number, so runs are repeatable.
 */
public final class TrainTask implements TaskHandler {

  @Override
  public void validate(JsonObject args) {
    positive(args, "epochs", 3, 10_000);
    positive(args, "stepsPerEpoch", 20, 1_000_000);
    Object stepMs = args.getValue("stepMs", 100);
    if (!(stepMs instanceof Integer ms) || ms < 0 || ms > 60_000) {
      throw new IllegalArgumentException("'stepMs' must be a whole number from 0 to 60000, got " + stepMs);
    }
  }

  @Override
  public Object run(JsonObject args, TaskContext context) {
    int epochs = args.getInteger("epochs", 3);
    int steps = args.getInteger("stepsPerEpoch", 20);
    long stepNanos = args.getInteger("stepMs", 100) * 1_000_000L;
    long total = (long) epochs * steps;
    double loss = 0;
    for (long done = 1; done <= total; done++) {
      if (context.isCancelled()) {
        return null;
      }
      LockSupport.parkNanos(stepNanos);
      loss = 2.0 / (1 + 0.05 * done);
      long epoch = (done - 1) / steps + 1;
      context.progress(done, total, String.format("epoch %d/%d, loss %.4f", epoch, epochs, loss));
    }
    return new JsonObject().put("epochs", epochs).put("steps", total).put("loss", Math.round(loss * 10_000) / 10_000.0);
  }

  private static void positive(JsonObject args, String field, int dflt, int max) {
    Object v = args.getValue(field, dflt);
    if (!(v instanceof Integer n) || n < 1 || n > max) {
      throw new IllegalArgumentException("'" + field + "' must be a whole number from 1 to " + max + ", got " + v);
    }
  }
}
