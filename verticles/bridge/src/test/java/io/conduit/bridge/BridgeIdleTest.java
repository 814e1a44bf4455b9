package io.conduit.bridge;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.List;

import static io.conduit.bridge.RawZmqClient.text;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The bridge owns no thread: its ZeroMQ endpoints are spoken on Vert.x event loops, which sleep
 * when there is nothing to do, also after traffic.
 */
@ExtendWith(VertxExtension.class)
class BridgeIdleTest {

  /** Idle event loops wake for timers only (the bridge's housekeeping, once a second). */
  private static final long MAX_IDLE_CPU_NANOS = 50_000_000L;
  private static final long WINDOW_MS = 1000;

  private final BridgeFixture fixture = new BridgeFixture();

  @Test
  void theBridgeHasNoThreadOfItsOwnAndItsEventLoopsSleepWhileIdle(Vertx vertx, VertxTestContext test)
      throws Exception {
    fixture.deployAndWait(vertx, new JsonObject());
    try (RawZmqClient client = RawZmqClient.dealer(fixture.endpoint)) {
      for (int i = 0; i < 500; i++) {
        client.request("echo", "", "\"x" + i + "\"");
        assertEquals("\"x" + i + "\"", text(client.reply().get(4)));
      }
    }
    assertTrue(Thread.getAllStackTraces().keySet().stream().noneMatch(t -> t.getName().startsWith("conduit-bridge")),
        "the bridge started a thread of its own");
    ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    List<Thread> loops = Thread.getAllStackTraces().keySet().stream()
        .filter(t -> t.getName().startsWith("vert.x-eventloop-thread")).toList();
    assertFalse(loops.isEmpty(), "no event loop thread found");
    long before = cpu(threads, loops);
    // a measurement window, not a wait for a condition: how much CPU the loops take doing nothing
    vertx.setTimer(WINDOW_MS, id -> test.verify(() -> {
      long used = cpu(threads, loops) - before;
      assertTrue(used < MAX_IDLE_CPU_NANOS, "idle event loops used " + used / 1_000_000 + " ms of CPU in "
          + WINDOW_MS + " ms");
      test.completeNow();
    }));
  }

  private static long cpu(ThreadMXBean threads, List<Thread> of) {
    long sum = 0;
    for (Thread t : of) {
      sum += Math.max(0, threads.getThreadCpuTime(t.getId()));
    }
    return sum;
  }
}
