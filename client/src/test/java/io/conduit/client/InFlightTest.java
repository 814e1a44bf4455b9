package io.conduit.client;

import io.conduit.codec.cbp.Command;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

/** Outstanding requests: an answered one is let go at once, however long its timeout. */
class InFlightTest {

  private final InFlight inFlight = new InFlight();

  @Test
  void callsAnsweredInOrderLeaveNothingBehind() {
    for (long id = 1; id <= 10_000; id++) {
      inFlight.add(call(id, 300_000));
      inFlight.remove(id);
    }

    assertEquals(0, inFlight.size());
    assertEquals(0, inFlight.deadlines());
    assertEquals(InFlight.NONE, inFlight.nextDeadline());
  }

  @Test
  void aSlowCallKeepsOnlyTheDeadlinesOfTheCallsAnsweredAfterItAndTheyGoWithIt() {
    Call slow = call(1, 300_000);
    inFlight.add(slow);
    for (long id = 2; id <= 100; id++) {
      inFlight.add(call(id, 300_000));
      inFlight.remove(id);
    }
    assertEquals(1, inFlight.size());
    assertEquals(slow.deadlineNanos, inFlight.nextDeadline());

    assertSame(slow, inFlight.remove(1));

    assertEquals(0, inFlight.deadlines());
  }

  @Test
  void anExpiredCallIsReturnedOnceAndTheAnsweredOnesAreNot() {
    Call late = call(1, 1);
    inFlight.add(late);
    inFlight.add(call(2, 1));
    inFlight.remove(2);

    List<Call> expired = inFlight.expire(late.deadlineNanos + 1);

    assertEquals(List.of(late), expired);
    assertEquals(0, inFlight.size());
    assertEquals(List.of(), inFlight.expire(late.deadlineNanos + 2));
  }

  private static Call call(long id, long timeoutMs) {
    return new Call(id, Command.REQUEST, "graph", new byte[0][], timeoutMs);
  }
}
