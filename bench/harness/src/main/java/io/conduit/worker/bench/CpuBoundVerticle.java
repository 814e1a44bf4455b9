package io.conduit.worker.bench;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;

/**
 * A service that spends CPU on every request ({@code iterations} rounds of an integer hash) and
 * answers with its deployment id, so a caller sees which instance served it. For benchmarks.
 */
public class CpuBoundVerticle extends VerticleBase {

  @Override
  public Future<?> start() {
    int iterations = config().getInteger("iterations", 200_000);
    String me = deploymentID();
    return vertx.eventBus().consumer(config().getString("address"), m -> {
      long h = m.body().hashCode();
      for (int i = 0; i < iterations; i++) {
        h = h * 6364136223846793005L + 1442695040888963407L;
        h ^= h >>> 29;
      }
      // The hash decides nothing; returning it keeps the JIT from dropping the loop.
      m.reply(h == 42 ? me + "!" : me);
    }).completion();
  }
}
