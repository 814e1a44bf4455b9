package io.conduit.task;

import org.junit.jupiter.api.Test;

import java.util.HashSet;
import java.util.Set;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TaskIdsTest {

  @Test
  void idsSubmittedInOneMillisecondSortInSubmissionOrderPastTheCounter() {
    long now = System.currentTimeMillis() + 60_000; // ahead of any other test's clock in this JVM
    String previous = "";
    Set<String> seen = new HashSet<>();
    for (int i = 0; i < 10_000; i++) { // past 4,096, where the counter borrows the next millisecond
      String id = TaskIds.next(now);
      assertTrue(id.compareTo(previous) > 0, id + " after " + previous);
      assertTrue(seen.add(id), id);
      previous = id;
    }
  }

  @Test
  void theyAreVersion7UuidsCarryingTheirMillisecondAndKeepGrowingWhenTheClockStepsBack() {
    long now = System.currentTimeMillis() + 120_000;
    String first = TaskIds.next(now);
    UUID uuid = UUID.fromString(first);
    assertEquals(7, uuid.version());
    assertEquals(2, uuid.variant());
    assertEquals(now, uuid.getMostSignificantBits() >>> 16);
    String later = TaskIds.next(now + 1);
    String stepBack = TaskIds.next(now - 5_000);
    assertTrue(later.compareTo(first) > 0);
    assertTrue(stepBack.compareTo(later) > 0, "a clock stepping back keeps the order of this node's ids");
  }
}
