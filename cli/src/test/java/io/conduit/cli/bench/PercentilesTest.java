package io.conduit.cli.bench;

import org.junit.jupiter.api.Test;

import java.util.stream.LongStream;

import static org.junit.jupiter.api.Assertions.assertEquals;

class PercentilesTest {

  @Test
  void percentilesOfOneToAThousandAreTheNearestRanks() {
    long[] shuffled = LongStream.rangeClosed(1, 1000).map(i -> (i * 7919) % 1000 + 1).toArray();
    assertEquals(new Percentiles(500, 990, 999, 1000, 1000), Percentiles.of(shuffled));
  }

  @Test
  void theTopPercentileOfASmallSampleIsItsMaximum() {
    Percentiles p = Percentiles.of(new long[] {5, 1, 3});
    assertEquals(3, p.p50());
    assertEquals(5, p.p99());
    assertEquals(5, p.p999());
  }

  @Test
  void anEmptySampleHasNoPercentiles() {
    assertEquals(Percentiles.NONE, Percentiles.of(new long[0]));
  }

  @Test
  void aReservoirKeepsAtMostItsCapacityAndAllWhenFewer() {
    LatencySample few = new LatencySample(10);
    few.record(1);
    few.record(2);
    assertEquals(2, few.values().length);
    LatencySample many = new LatencySample(10);
    for (int i = 0; i < 1000; i++) {
      many.record(i);
    }
    assertEquals(10, many.values().length);
  }

  @Test
  void latenciesPrintInMicrosecondsBelowTenMillisecondsAndMillisecondsAbove() {
    assertEquals("250 µs", Report.duration(250_000));
    assertEquals("12.5 ms", Report.duration(12_500_000));
  }
}
