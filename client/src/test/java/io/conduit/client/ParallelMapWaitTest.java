package io.conduit.client;

import io.conduit.codec.ErrorCode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What {@link ParallelMap} does when a result never comes: the client broken, as the map sees it. */
@Timeout(30)
class ParallelMapWaitTest {

  @Test
  void anOrderedMapThatGaveUpOnAnItemWaitsForThatSameItemWhenAskedAgain() {
    CompletableFuture<Object> never = new CompletableFuture<>();
    ParallelMap.Sender sender = (address, item, headers, timeout) ->
        (Integer) item == 0 ? never : CompletableFuture.completedFuture((Integer) item * 10);
    ParallelMap results = new ParallelMap(sender, "x", List.of(0, 1, 2).iterator(),
        MapOptions.defaults().withOrdered(true).withTimeout(Duration.ofMillis(10)), Duration.ofSeconds(1),
        Duration.ofMillis(50));
    for (int attempt = 0; attempt < 2; attempt++) {
      assertTrue(results.hasNext());
      ConduitException e = assertThrows(ConduitException.class, results::next);
      assertEquals(ErrorCode.TIMEOUT, e.code());
    }
    never.complete(0);
    for (int i = 0; i < 3; i++) {
      MapResult r = results.next();
      assertEquals(i, r.index());
      assertEquals(i * 10, r.value());
    }
    assertFalse(results.hasNext());
  }

  @Test
  void anUnorderedMapThatGaveUpStillHandsOutEveryResultOnce() {
    CompletableFuture<Object> never = new CompletableFuture<>();
    ParallelMap.Sender sender = (address, item, headers, timeout) ->
        (Integer) item == 0 ? never : CompletableFuture.completedFuture((Integer) item * 10);
    ParallelMap results = new ParallelMap(sender, "x", List.of(0, 1).iterator(),
        MapOptions.defaults().withTimeout(Duration.ofMillis(10)), Duration.ofSeconds(1), Duration.ofMillis(50));
    assertEquals(1, results.next().index());
    assertEquals(ErrorCode.TIMEOUT, assertThrows(ConduitException.class, results::next).code());
    never.complete(0);
    assertEquals(0, results.next().index());
    assertFalse(results.hasNext());
  }
}
