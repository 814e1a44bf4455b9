package io.conduit.bridge;

import org.junit.jupiter.api.Test;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** A turn's output: one loop task writes every connection that has some, in the order they wrote. */
class TurnFlushTest {

  /** An event loop's task queue, run by hand. */
  private final ArrayDeque<Runnable> tasks = new ArrayDeque<>();
  private final List<Throwable> faults = new ArrayList<>();
  private final TurnFlush turn = new TurnFlush(tasks::add, faults::add);
  private final List<String> written = new ArrayList<>();

  @Test
  void theConnectionsThatWroteInOneTurnAreFlushedByOneTaskInTheirOrder() {
    turn.later(() -> written.add("a"));
    turn.later(() -> written.add("b"));
    turn.later(() -> written.add("c"));
    assertEquals(1, tasks.size(), "one task for the turn, not one per connection");
    assertEquals(List.of(), written, "nothing is written before the turn's work is done");
    tasks.poll().run();
    assertEquals(List.of("a", "b", "c"), written);
    assertEquals(0, tasks.size());
  }

  @Test
  void aFlushThatThrowsIsReportedAndTheOthersStillRunNowAndLater() {
    turn.later(() -> {
      throw new IllegalStateException("a broken connection");
    });
    turn.later(() -> written.add("b"));
    tasks.poll().run();
    assertEquals(List.of("b"), written);
    assertEquals("a broken connection", faults.get(0).getMessage());
    turn.later(() -> written.add("next turn"));
    assertEquals(1, tasks.size(), "the turn after it schedules again");
    tasks.poll().run();
    assertEquals(List.of("b", "next turn"), written);
  }

  @Test
  void outputWrittenWhileATurnFlushesWaitsForTheNextTask() {
    turn.later(() -> {
      written.add("a");
      turn.later(() -> written.add("late")); // a reply its own write's completion set off
    });
    turn.later(() -> written.add("b"));
    tasks.poll().run();
    assertEquals(List.of("a", "b"), written);
    assertEquals(1, tasks.size(), "the late one has a task of its own, behind what the loop has meanwhile");
    tasks.poll().run();
    assertEquals(List.of("a", "b", "late"), written);
    turn.later(() -> written.add("next turn"));
    assertEquals(1, tasks.size(), "a new turn schedules again");
    tasks.poll().run();
    assertEquals(List.of("a", "b", "late", "next turn"), written);
  }
}
