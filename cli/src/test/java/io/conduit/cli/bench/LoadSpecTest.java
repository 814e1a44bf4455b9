package io.conduit.cli.bench;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class LoadSpecTest {

  @Test
  void theCountIsSharedOutOverTheClientsExactly() {
    LoadSpec spec = new LoadSpec("tcp://127.0.0.1:1", "echo", 3, 10, 100, 1000, null, false);
    assertEquals(1000, IntStream.range(0, 3).mapToLong(spec::quota).sum());
  }

  @Test
  void aDurationOverFiveMinutesIsRefused() {
    var e = assertThrows(IllegalArgumentException.class,
        () -> new LoadSpec("tcp://127.0.0.1:1", "echo", 1, 1, 100, 0, Duration.ofSeconds(301), false));
    assertEquals("--duration is at most 300 seconds, got 301", e.getMessage());
  }

  @Test
  void syncModeKeepsOneRequestOutstanding() {
    assertEquals(1, new LoadSpec("tcp://127.0.0.1:1", "echo", 1, 500, 100, 10, null, true).window());
  }

  @Test
  void aMixSendsEachBodyInProportionToItsWeight() {
    LoadSpec spec = new LoadSpec("tcp://127.0.0.1:1", "graph", 1, 10, 100, 1000, null, false, null,
        java.util.List.of(LoadSpec.WeightedBody.parse("999:{\"op\":\"addNode\"}"),
            LoadSpec.WeightedBody.parse("5:{\"op\":\"remove\"}")));
    java.util.List<byte[]> cycle = spec.bodyCycle();
    assertEquals(1004, cycle.size());
    assertEquals(5, cycle.stream().filter(b -> new String(b).contains("remove")).count());
  }

  @Test
  void aMixEntryWithoutAWeightIsRefused() {
    assertThrows(IllegalArgumentException.class, () -> LoadSpec.WeightedBody.parse("{\"op\":\"addNode\"}"));
    assertThrows(IllegalArgumentException.class, () -> LoadSpec.WeightedBody.parse("0:{}"));
  }
}
