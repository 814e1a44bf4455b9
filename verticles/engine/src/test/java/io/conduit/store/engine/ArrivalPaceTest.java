package io.conduit.store.engine;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ArrivalPaceTest {

  private static final long MICROS = 1_000;

  /** Feeds {@code count} arrivals {@code gap} apart, starting at {@code from}; returns the last one's time. */
  private static long feed(ArrivalPace pace, long from, long gap, int count) {
    long at = from;
    for (int i = 0; i < count; i++) {
      at += gap;
      pace.arrived(at);
    }
    return at;
  }

  @Test
  void withNoHistoryTheWriterParks() {
    ArrivalPace pace = new ArrivalPace();
    assertEquals(0, pace.spinNanos());
    pace.arrived(1_000_000);
    assertEquals(0, pace.spinNanos(), "one arrival says nothing about the pace");
  }

  @Test
  void theMeanGapFollowsThePace() {
    ArrivalPace pace = new ArrivalPace();
    long at = feed(pace, 0, 100 * MICROS, 20);
    assertEquals(100 * MICROS, pace.meanGapNanos());
    feed(pace, at, 10 * MICROS, 40);
    assertTrue(pace.meanGapNanos() < 12 * MICROS, pace.meanGapNanos() + " ns");
  }

  @Test
  void aLoneClientWaitingOnEachWriteIsSpunForUpToTwiceItsGap() {
    ArrivalPace pace = new ArrivalPace();
    feed(pace, 0, 100 * MICROS, 20);
    assertEquals(200 * MICROS, pace.spinNanos());
  }

  @Test
  void batchesFasterThanAWakeUpPileUpSoTheWriterParks() {
    ArrivalPace pace = new ArrivalPace();
    feed(pace, 0, 15 * MICROS, 50);
    assertEquals(0, pace.spinNanos());
  }

  @Test
  void aClientThatWritesRarelyIsNotSpunFor() {
    ArrivalPace pace = new ArrivalPace();
    feed(pace, 0, 2_000 * MICROS, 20);
    assertEquals(0, pace.spinNanos());
    feed(pace, 0, ArrivalPace.SPIN_MAX_NANOS + MICROS, 50);
    assertEquals(0, pace.spinNanos(), "just above the ceiling parks");
  }

  @Test
  void aPauseDoesNotStopTheSpinForLong() {
    ArrivalPace pace = new ArrivalPace();
    long at = feed(pace, 0, 100 * MICROS, 20);
    at = feed(pace, at, 60_000_000_000L, 1); // a minute's pause counts as the longest gap, no more
    assertTrue(pace.spinNanos() > 0, "one pause among steady writes still spins");
    feed(pace, at, 100 * MICROS, 20);
    long spin = pace.spinNanos();
    assertTrue(spin >= 200 * MICROS && spin < 250 * MICROS, "back near the steady pace: " + spin);
  }

  @Test
  void submissionsFromSeveralThreadsOutOfOrderCountAsNoGap() {
    ArrivalPace pace = new ArrivalPace();
    long at = feed(pace, 0, 100 * MICROS, 20);
    pace.arrived(at - 5 * MICROS); // stamped on another thread just before the last one was queued
    assertTrue(pace.spinNanos() > 0 && pace.spinNanos() < 200 * MICROS);
  }

  @Test
  void aBatchJoiningSeveralWritersCountsAsThatManyArrivals() {
    ArrivalPace turns = new ArrivalPace();
    long at = 0;
    for (int i = 0; i < 50; i++) {
      at += 60 * MICROS;
      turns.arrived(at, 5); // a store handing over each turn's five writes together
    }
    assertEquals(0, turns.spinNanos(), "five writes every 60 µs come faster than a wake-up");
    ArrivalPace lone = new ArrivalPace();
    at = 0;
    for (int i = 0; i < 50; i++) {
      at += 60 * MICROS;
      lone.arrived(at, 1);
    }
    assertEquals(120 * MICROS, lone.spinNanos(), "one writer every 60 µs is a client waiting on each write");
  }
}
