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
 * The socket thread sleeps when there is nothing to do, also after traffic. JeroMQ 0.6.0 can leave
 * a socket's signal channel readable with nothing to read, so a loop that waits by selecting on
 * those channels (or in JeroMQ's Poller) may spin instead of sleeping; the blocking receive the
 * loop sleeps in wakes about every 10 ms when idle (about 14 ms of CPU a second here).
 */
@ExtendWith(VertxExtension.class)
class BridgeIdleTest {

  /** An idle socket thread uses about 1.5 % of a core; a spinning one would use most of one. */
  private static final long MAX_IDLE_CPU_NANOS = 100_000_000L;
  private static final long WINDOW_MS = 1000;

  private final BridgeFixture fixture = new BridgeFixture();

  @Test
  void theSocketThreadSleepsWhileIdleAfterServingTraffic(Vertx vertx, VertxTestContext test) throws Exception {
    fixture.deployAndWait(vertx, new JsonObject());
    try (RawZmqClient client = RawZmqClient.dealer(fixture.endpoint)) {
      for (int i = 0; i < 500; i++) {
        client.request("echo", "", "\"x" + i + "\"");
        assertEquals("\"x" + i + "\"", text(client.reply().get(4)));
      }
    }
    ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    List<Thread> socketThreads = Thread.getAllStackTraces().keySet().stream()
        .filter(t -> t.getName().equals("conduit-bridge-zmq")).toList();
    assertFalse(socketThreads.isEmpty(), "no bridge socket thread found");
    long before = cpu(threads, socketThreads);
    // a measurement window, not a wait for a condition: how much CPU the thread takes doing nothing
    vertx.setTimer(WINDOW_MS, id -> test.verify(() -> {
      long used = cpu(threads, socketThreads) - before;
      assertTrue(used < MAX_IDLE_CPU_NANOS, "the idle socket thread used " + used / 1_000_000 + " ms of CPU in "
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
