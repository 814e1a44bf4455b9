package io.conduit.node;

import org.junit.jupiter.api.Test;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** A turn's items: handed on together by one task behind the turn's work, in the order they came. */
class TurnBatchTest {

  /** An event loop's task queue, run by hand. */
  private final ArrayDeque<Runnable> tasks = new ArrayDeque<>();
  private final List<List<String>> handedOn = new ArrayList<>();
  private final TurnBatch<String> batch = new TurnBatch<>(tasks::add, handedOn::add);

  @Test
  void aTurnsItemsAreHandedOnTogetherByOneTaskAfterTheTurn() {
    batch.add("a");
    batch.add("b");
    batch.add("c");
    assertEquals(1, tasks.size(), "one task for the turn, not one per item");
    assertEquals(List.of(), handedOn, "nothing is handed on before the turn's work is done");
    tasks.poll().run();
    assertEquals(List.of(List.of("a", "b", "c")), handedOn);
    batch.add("next turn");
    assertEquals(1, tasks.size(), "the next turn schedules again");
    tasks.poll().run();
    assertEquals(List.of(List.of("a", "b", "c"), List.of("next turn")), handedOn);
  }

  @Test
  void anItemAddedWhileTheTurnIsHandedOnWaitsForATaskOfItsOwn() {
    AtomicReference<TurnBatch<String>> self = new AtomicReference<>();
    List<List<String>> seen = new ArrayList<>();
    self.set(new TurnBatch<>(tasks::add, items -> {
      seen.add(List.copyOf(items));
      if (items.contains("a")) {
        self.get().add("late"); // set off by handing "a" on
      }
    }));
    self.get().add("a");
    self.get().add("b");
    tasks.poll().run();
    assertEquals(List.of(List.of("a", "b")), seen);
    assertEquals(1, tasks.size(), "the late one has a task of its own, behind what the loop has meanwhile");
    tasks.poll().run();
    assertEquals(List.of(List.of("a", "b"), List.of("late")), seen);
  }

  @Test
  void handingOnNowLeavesTheTurnsTaskOnlyWhatCameAfter() {
    batch.add("a");
    batch.handOnNow();
    assertEquals(List.of(List.of("a")), handedOn, "handed on at once");
    batch.add("b");
    assertEquals(1, tasks.size(), "the turn's task was already queued");
    tasks.poll().run();
    assertEquals(List.of(List.of("a"), List.of("b")), handedOn);
    batch.handOnNow();
    assertEquals(2, handedOn.size(), "nothing queued: nothing handed on");
  }

  @Test
  void aLoopThatTakesNoMoreTasksRefusesTheItemAndLeavesNothingBehind() {
    boolean[] refusing = {true};
    TurnBatch<String> closing = new TurnBatch<>(task -> {
      if (refusing[0]) {
        throw new RejectedExecutionException("the loop is shutting down");
      }
      tasks.add(task);
    }, handedOn::add);
    assertThrows(RejectedExecutionException.class, () -> closing.add("refused"));
    refusing[0] = false;
    closing.add("taken");
    assertEquals(1, tasks.size(), "the next item schedules its task");
    tasks.poll().run();
    assertEquals(List.of(List.of("taken")), handedOn);
  }
}
