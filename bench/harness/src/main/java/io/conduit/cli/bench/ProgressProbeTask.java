package io.conduit.cli.bench;

import io.conduit.task.TaskContext;
import io.conduit.task.TaskHandler;
import io.vertx.core.json.JsonObject;

import java.time.Instant;
import java.util.concurrent.locks.LockSupport;

/**
 * {@code bench.probe} for {@link TaskBenchmark}: reports {@code count} progress steps, one every
 * {@code stepMs}, each with the wall-clock time of the report (epoch microseconds) as its message,
 * so a subscriber on the same machine can measure how long the event took to reach it.
 */
public final class ProgressProbeTask implements TaskHandler {

  @Override
  public Object run(JsonObject args, TaskContext context) {
    int count = args.getInteger("count", 1000);
    long stepNanos = args.getInteger("stepMs", 2) * 1_000_000L;
    for (int i = 1; i <= count && !context.isCancelled(); i++) {
      LockSupport.parkNanos(stepNanos);
      context.progress(i, count, Long.toString(epochMicros()));
    }
    return count;
  }

  static long epochMicros() {
    Instant now = Instant.now();
    return now.getEpochSecond() * 1_000_000 + now.getNano() / 1_000;
  }
}
