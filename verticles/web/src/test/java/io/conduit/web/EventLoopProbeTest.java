package io.conduit.web;

import io.conduit.Conditions;
import io.vertx.core.Vertx;
import io.vertx.core.internal.VertxInternal;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The event-loop probes wake the loops only while someone reads their figures, and a loop kept
 * busy shows at once, not only once a full window of ticks has passed.
 */
@ExtendWith(VertxExtension.class)
@Timeout(30)
class EventLoopProbeTest {

  @Test
  void theProbesRunFromTheFirstReadUntilNobodyHasReadForAWhile(Vertx vertx) {
    EventLoopProbe probe = new EventLoopProbe(300);
    probe.start(vertx);
    assertEquals(0, probe.probing(), "nobody has looked yet");
    int loops = probe.toJson().getInteger("loops");
    assertTrue(loops >= 1);
    assertEquals(loops, probe.probing());
    Conditions.await(5_000, () -> probe.probing() == 0, () -> probe.probing() + " loops still probed");
    probe.toJson();
    assertEquals(loops, probe.probing(), "a new read starts them again");
  }

  @Test
  void aLoopKeptBusyShowsBeforeTheFirstWindowIsFull(Vertx vertx) {
    EventLoopProbe probe = new EventLoopProbe(60_000);
    probe.start(vertx);
    probe.toJson();
    long until = System.nanoTime() + 300_000_000L;
    Conditions.await(5_000, () -> System.nanoTime() > until, () -> "time"); // a few ticks on time first
    // a handler that holds every loop for 400 ms, as a blocking call on an event loop would
    for (int i = 0; i < 8; i++) {
      ((VertxInternal) vertx).createEventLoopContext().runOnContext(v -> {
        long end = System.nanoTime() + 400_000_000L;
        while (System.nanoTime() < end) {
          Thread.onSpinWait();
        }
      });
    }
    // the window is 5 s: within 3 the figures must already say so
    Conditions.await(3_000, () -> probe.toJson().getDouble("maxDelayMs") >= 300, () -> probe.toJson().encode());
    JsonObject figures = probe.toJson();
    assertTrue(figures.getDouble("busy") > 0, figures.encode());
  }
}
