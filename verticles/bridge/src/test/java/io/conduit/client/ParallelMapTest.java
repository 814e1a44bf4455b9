package io.conduit.client;

import io.conduit.bridge.ZmqBridgeVerticle;
import io.conduit.cluster.TestClusters;
import io.conduit.codec.ErrorCode;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link ConduitClient#map} against a real bridge and a service that answers item n after
 * {@code (n % 7) * 3} ms (so replies come back out of order), doubling it, and fails negative items.
 */
@ExtendWith(VertxExtension.class)
class ParallelMapTest {

  private final AtomicInteger current = new AtomicInteger();
  private final AtomicInteger most = new AtomicInteger();
  private ConduitClient client;

  @BeforeEach
  void start(Vertx vertx) throws Exception {
    vertx.eventBus().<Integer>consumer("double", m -> {
      int n = m.body();
      most.accumulateAndGet(current.incrementAndGet(), Math::max);
      vertx.setTimer(1 + (Math.abs(n) % 7) * 3L, t -> {
        current.decrementAndGet();
        if (n < 0) {
          m.fail(400, "negative: " + n);
        } else {
          m.reply(2 * n);
        }
      });
    });
    String endpoint = "tcp://127.0.0.1:" + TestClusters.freePort();
    vertx.deployVerticle(new ZmqBridgeVerticle(), new DeploymentOptions()
            .setConfig(new JsonObject().put("endpoint", endpoint).putNull("eventsEndpoint")))
        .toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
    client = ConduitClient.connect(endpoint);
  }

  @AfterEach
  void stop() {
    client.close();
  }

  private static List<Integer> numbers(int count) {
    return IntStream.range(0, count).boxed().toList();
  }

  @Test
  void everyItemGetsExactlyOneResultAsTheyComplete() {
    List<MapResult> results = client.map("double", numbers(500), MapOptions.defaults().withWindow(50)).toList();
    assertEquals(500, results.size());
    Set<Long> indexes = new HashSet<>();
    boolean outOfOrder = false;
    for (int i = 0; i < results.size(); i++) {
      MapResult r = results.get(i);
      assertTrue(r.ok(), String.valueOf(r.error()));
      assertEquals(2 * (Integer) r.item(), r.value());
      assertEquals((long) (Integer) r.item(), r.index());
      indexes.add(r.index());
      outOfOrder |= r.index() != i;
    }
    assertEquals(500, indexes.size());
    assertTrue(outOfOrder, "results came as they completed, not in input order");
  }

  @Test
  void orderedResultsFollowTheInput() {
    List<MapResult> results = client.map("double", numbers(300), MapOptions.defaults().withWindow(40).withOrdered(true))
        .toList();
    for (int i = 0; i < 300; i++) {
      assertEquals(i, results.get(i).index());
      assertEquals(2 * i, results.get(i).value());
    }
  }

  @Test
  void theWindowBoundsRequestsInFlight() {
    long count = client.map("double", numbers(400), MapOptions.defaults().withWindow(8)).count();
    assertEquals(400, count);
    assertTrue(most.get() <= 8, "in flight at once: " + most.get());
  }

  @Test
  void aFailedItemIsReportedAndTheOthersGoOn() {
    List<Object> items = new ArrayList<>(List.of(1, -2, 3, new Object(), 5));
    List<MapResult> results = client.map("double", items, MapOptions.defaults().withOrdered(true)).toList();
    assertEquals(5, results.size());
    assertEquals(List.of(2, 6, 10), List.of(results.get(0).value(), results.get(2).value(), results.get(4).value()));
    MapResult negative = results.get(1);
    assertNull(negative.value());
    assertEquals(ErrorCode.BAD_REQUEST, negative.error().code());
    assertEquals("negative: -2", negative.error().getMessage());
    assertEquals(ErrorCode.BAD_REQUEST, results.get(3).error().code(), "an item that cannot be sent");
  }

  @Test
  void itemsAreTakenLazilyAsTheWindowFrees() {
    AtomicInteger pulled = new AtomicInteger();
    Iterable<Integer> endless = () -> IntStream.iterate(0, i -> i + 1).peek(i -> pulled.incrementAndGet()).iterator();
    List<MapResult> first = client.map("double", endless, MapOptions.defaults().withWindow(10)).limit(25).toList();
    assertEquals(25, first.size());
    assertTrue(pulled.get() <= 25 + 10, "items pulled: " + pulled.get());
  }
}
