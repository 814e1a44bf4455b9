package io.conduit.store.engine;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class WriterPlacementTest {

  private static final long FAST = 10_000;
  private static final long BETWEEN = 55_000;
  private static final long SLOW = 100_000;

  /** A process on the CPUs given, whose calling thread runs where it was last let run. */
  private static final class FakeCpus implements ThreadCpu {
    final long[] process;
    long[] set;
    int current;
    /** How many more placements are accepted; the ones after are refused. */
    int accepts = Integer.MAX_VALUE;
    final List<long[]> applied = new ArrayList<>();

    FakeCpus(long set) {
      this.process = new long[] {set};
      this.set = process.clone();
      this.current = Long.numberOfTrailingZeros(set);
    }

    @Override
    public int current() {
      return current;
    }

    @Override
    public BitSet processCpus() {
      return BitSet.valueOf(process);
    }

    @Override
    public boolean runOnlyOn(BitSet on) {
      long[] cpus = on.toLongArray();
      if (accepts-- <= 0) {
        return false;
      }
      applied.add(cpus.clone());
      set = cpus.clone();
      if (!BitSet.valueOf(set).get(current)) {
        current = Long.numberOfTrailingZeros(set[0]);
      }
      return true;
    }
  }

  private static void groups(WriterPlacement placement, int count, int cpu, long gap, int writers) {
    for (int i = 0; i < count; i++) {
      placement.group(cpu, gap, writers);
    }
  }

  /** A placement on {@code cpus} whose writer 16 clients' writes from CPU 2 have kept there. */
  private static WriterPlacement keptOnTwo(FakeCpus cpus) {
    WriterPlacement placement = new WriterPlacement(WriterPlacement.Mode.FOLLOW, cpus);
    groups(placement, 20, 2, FAST, 8);
    assertEquals(2, placement.keptOn());
    return placement;
  }

  @Test
  void writesThatPileUpSeveralToAGroupKeepTheWriterOnTheCpuTheyCameFrom() {
    FakeCpus cpus = new FakeCpus(0b1111);
    WriterPlacement placement = new WriterPlacement(WriterPlacement.Mode.FOLLOW, cpus);
    assertTrue(placement.wantsSubmitterCpu());
    groups(placement, 20, 2, FAST, 8);
    assertEquals(2, placement.keptOn());
    assertArrayEquals(new long[] {0b0100}, cpus.set);
    assertEquals(1, cpus.applied.size(), "kept once, not again for every group");
    assertFalse(placement.maySpin(), "a writer on the loop's CPU must not spin for the loop");
  }

  @Test
  void aKeptWriterFollowsTheLoopWhenItMoves() {
    FakeCpus cpus = new FakeCpus(0b1111);
    WriterPlacement placement = keptOnTwo(cpus);
    placement.group(3, FAST, 8);
    assertEquals(2, placement.keptOn(), "one group from elsewhere (a snapshot's write) does not move it");
    placement.group(2, FAST, 8);
    placement.group(3, FAST, 8);
    assertEquals(2, placement.keptOn());
    placement.group(3, FAST, 8);
    assertEquals(3, placement.keptOn(), "two groups in a row from CPU 3 do");
    assertArrayEquals(new long[] {0b1000}, cpus.set);
    groups(placement, 2, 1, BETWEEN, 8);
    assertEquals(1, placement.keptOn(), "still kept between the two gaps, so it still follows");
  }

  @Test
  void aCpuOutsideTheProcesssSetIsNotFollowed() {
    FakeCpus cpus = new FakeCpus(0b0011);
    WriterPlacement placement = new WriterPlacement(WriterPlacement.Mode.FOLLOW, cpus);
    groups(placement, 20, 5, FAST, 8);
    assertEquals(-1, placement.keptOn());
    groups(placement, 20, 1, FAST, 8);
    groups(placement, 4, 5, FAST, 8);
    assertEquals(1, placement.keptOn());
    assertTrue(cpus.applied.stream().allMatch(set -> (set[0] & ~0b0011L) == 0), "a set beyond the process's");
  }

  @Test
  void writesOneOrTwoToAGroupLeaveTheWriterWhereTheSchedulerPutsIt() {
    FakeCpus cpus = new FakeCpus(0b1111);
    WriterPlacement placement = new WriterPlacement(WriterPlacement.Mode.FOLLOW, cpus);
    groups(placement, 200, 2, FAST, 1);
    groups(placement, 200, 2, FAST, 2);
    assertEquals(-1, placement.keptOn());
    assertTrue(cpus.applied.isEmpty());
    assertTrue(placement.maySpin());
    groups(placement, 20, 2, FAST, 3);
    assertEquals(2, placement.keptOn(), "three to a group is more than two");
  }

  @Test
  void aSlowerPaceLetsTheWriterGoAndMovesItOffTheLoopsCpuFirst() {
    FakeCpus cpus = new FakeCpus(0b1111);
    WriterPlacement placement = keptOnTwo(cpus);
    placement.group(2, SLOW, 8);
    assertEquals(-1, placement.keptOn());
    assertEquals(3, cpus.applied.size());
    assertArrayEquals(new long[] {0b1011}, cpus.applied.get(1), "off the loop's CPU first");
    assertArrayEquals(new long[] {0b1111}, cpus.applied.get(2), "then free on all of its CPUs");
    assertTrue(cpus.current != 2);
    assertTrue(placement.maySpin());
  }

  @Test
  void fewerWritersPerGroupLetTheWriterGo() {
    FakeCpus cpus = new FakeCpus(0b1111);
    WriterPlacement placement = keptOnTwo(cpus);
    groups(placement, 30, 2, FAST, 1);
    assertEquals(-1, placement.keptOn());
    assertArrayEquals(new long[] {0b1111}, cpus.set);
  }

  @Test
  void twoClientsAfterManyLetTheWriterGo() {
    FakeCpus cpus = new FakeCpus(0b1111);
    WriterPlacement placement = keptOnTwo(cpus);
    groups(placement, 100, 2, FAST, 2);
    assertEquals(-1, placement.keptOn(), "groups of two average two, which is not more than two");
  }

  @Test
  void aWriterLetOffTheLoopsCpuButNotBackOnAllIsNoLongerKept() {
    FakeCpus cpus = new FakeCpus(0b1111);
    WriterPlacement placement = keptOnTwo(cpus);
    cpus.accepts = 1; // off the loop's CPU, then refused
    placement.group(2, SLOW, 8);
    assertEquals(-1, placement.keptOn());
    assertTrue(placement.maySpin());
    assertFalse(placement.wantsSubmitterCpu(), "refused once: the scheduler decides from now on");
  }

  @Test
  void betweenTheTwoGapsTheWriterStaysAsItIs() {
    FakeCpus cpus = new FakeCpus(0b1111);
    WriterPlacement placement = new WriterPlacement(WriterPlacement.Mode.FOLLOW, cpus);
    groups(placement, 20, 2, BETWEEN, 8);
    assertEquals(-1, placement.keptOn(), "a free writer is not kept at this pace");
    groups(placement, 20, 2, FAST, 8);
    groups(placement, 20, 2, BETWEEN, 8);
    assertEquals(2, placement.keptOn(), "a kept writer is not let go at this pace");
  }

  @Test
  void aWriterWithOneCpuIsNotLeftWithNone() {
    FakeCpus cpus = new FakeCpus(0b0001);
    WriterPlacement placement = new WriterPlacement(WriterPlacement.Mode.FOLLOW, cpus);
    groups(placement, 20, 0, FAST, 8);
    placement.group(0, SLOW, 8);
    assertEquals(-1, placement.keptOn());
    for (long[] set : cpus.applied) {
      assertTrue(set.length > 0 && set[0] != 0, "an empty CPU set was applied");
    }
  }

  @Test
  void anyNeverMovesTheWriter() {
    FakeCpus cpus = new FakeCpus(0b1111);
    WriterPlacement placement = new WriterPlacement(WriterPlacement.Mode.ANY, cpus);
    assertFalse(placement.wantsSubmitterCpu());
    groups(placement, 50, 2, FAST, 8);
    assertEquals(-1, placement.keptOn());
    assertTrue(cpus.applied.isEmpty());
  }

  @Test
  void whereCpusAreUnknownTheWriterIsNotMoved() {
    assertFalse(new WriterPlacement(WriterPlacement.Mode.FOLLOW, ThreadCpu.NONE).wantsSubmitterCpu());
    FakeCpus cpus = new FakeCpus(0b1111);
    WriterPlacement placement = new WriterPlacement(WriterPlacement.Mode.FOLLOW, cpus);
    groups(placement, 50, -1, FAST, 8);
    assertEquals(-1, placement.keptOn());
    assertTrue(cpus.applied.isEmpty());
  }

  @Test
  void aRefusedPlacementLeavesTheWriterToTheSchedulerFromThenOn() {
    FakeCpus cpus = new FakeCpus(0b1111);
    cpus.accepts = 0;
    WriterPlacement placement = new WriterPlacement(WriterPlacement.Mode.FOLLOW, cpus);
    groups(placement, 20, 2, FAST, 8);
    assertEquals(-1, placement.keptOn());
    assertFalse(placement.wantsSubmitterCpu(), "submitters need not say their CPU any more");
    cpus.accepts = Integer.MAX_VALUE;
    groups(placement, 20, 2, FAST, 8);
    assertEquals(-1, placement.keptOn());
    assertTrue(cpus.applied.isEmpty());
  }

  @Test
  void theModeIsFollowOrAnyAndFollowByDefault() {
    assertEquals(WriterPlacement.Mode.FOLLOW, WriterPlacement.Mode.parse(null));
    assertEquals(WriterPlacement.Mode.FOLLOW, WriterPlacement.Mode.parse(" Follow "));
    assertEquals(WriterPlacement.Mode.ANY, WriterPlacement.Mode.parse("any"));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> WriterPlacement.Mode.parse("pinned"));
    assertEquals("conduit.engine.writerCpu must be follow or any, not 'pinned'", e.getMessage());
  }
}
