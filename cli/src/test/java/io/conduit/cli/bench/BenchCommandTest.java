package io.conduit.cli.bench;

import io.conduit.cli.CliRun;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

@Timeout(60)
class BenchCommandTest {

  private static final Pattern RATE = Pattern.compile("bridge: +[\\d,]+ req/s");

  @Test
  void aRawComparisonRunTerminatesAndPrintsBothRatesAndTheRatio() {
    try (RawEcho target = RawEcho.start()) {
      CliRun run = CliRun.of("bench", "-e", target.endpoint(), "--count", "2000", "--clients", "2", "--window", "50",
          "--raw");
      assertEquals(0, run.exit(), run.err());
      assertTrue(RATE.matcher(run.out()).find(), run.out());
      assertTrue(run.out().contains("raw:"), run.out());
      assertTrue(run.out().contains("(2,000 ok, 0 errors, 0 unanswered"), run.out());
      assertTrue(run.out().contains("bridge/raw: throughput"), run.out());
    }
  }

  @Test
  void aSyncRunSendsOneRequestAtATime() {
    try (RawEcho target = RawEcho.start()) {
      CliRun run = CliRun.of("bench", "-e", target.endpoint(), "--count", "300", "--clients", "2", "--sync");
      assertEquals(0, run.exit(), run.err());
      assertTrue(run.out().contains("REQ clients, one request at a time"), run.out());
      assertTrue(run.out().contains("(300 ok"), run.out());
    }
  }

  @Test
  void fewerThreadsThanClientsMultiplexTheSocketsAndLoseNoReply() {
    try (RawEcho target = RawEcho.start()) {
      CliRun run = CliRun.of("bench", "-e", target.endpoint(), "--count", "3000", "--clients", "50", "--threads", "2",
          "--window", "4");
      assertEquals(0, run.exit(), run.err());
      assertTrue(run.out().contains("50 DEALER clients x 4 outstanding on 2 threads"), run.out());
      assertTrue(run.out().contains("(3,000 ok, 0 errors, 0 unanswered"), run.out());
    }
  }

  @Test
  void multiplexedReqClientsSendOneRequestAtATimeEach() {
    try (RawEcho target = RawEcho.start()) {
      CliRun run = CliRun.of("bench", "-e", target.endpoint(), "--count", "500", "--clients", "10", "--threads", "3",
          "--sync");
      assertEquals(0, run.exit(), run.err());
      assertTrue(run.out().contains("(500 ok, 0 errors, 0 unanswered"), run.out());
    }
  }

  @Test
  void aMultiplexedDurationRunStopsOnTime() {
    try (RawEcho target = RawEcho.start()) {
      long start = System.nanoTime();
      CliRun run = CliRun.of("bench", "-e", target.endpoint(), "--duration", "1", "--clients", "20", "--threads", "2",
          "--window", "2");
      assertEquals(0, run.exit(), run.err());
      assertTrue(RATE.matcher(run.out()).find(), run.out());
      assertTrue(System.nanoTime() - start < 30_000_000_000L, "took too long");
    }
  }

  @Test
  void eachTargetIsWarmedUpWithAsManyRequestsAsItIsMeasuredWithByDefault() {
    try (RawEcho target = RawEcho.start()) {
      CliRun run = CliRun.of("bench", "-e", target.endpoint(), "--count", "300", "--clients", "1", "--sync", "--raw");
      assertEquals(0, run.exit(), run.err());
      assertTrue(run.out().contains("after 300 warm-up requests per target"), run.out());
      // the warm-up requests are not counted
      assertTrue(run.out().contains("(300 ok, 0 errors, 0 unanswered"), run.out());
    }
  }

  @Test
  void warmupZeroMeasuresColdAndAnExplicitWarmupIsReported() {
    try (RawEcho target = RawEcho.start()) {
      CliRun cold = CliRun.of("bench", "-e", target.endpoint(), "--count", "200", "--clients", "1", "--warmup", "0");
      assertEquals(0, cold.exit(), cold.err());
      assertFalse(cold.out().contains("warm-up"), cold.out());
      CliRun warm = CliRun.of("bench", "-e", target.endpoint(), "--count", "200", "--clients", "1", "--warmup", "1000");
      assertEquals(0, warm.exit(), warm.err());
      assertTrue(warm.out().contains("after 1,000 warm-up requests per target"), warm.out());
      assertTrue(warm.out().contains("(200 ok, 0 errors, 0 unanswered"), warm.out());
    }
  }

  @Test
  void aNegativeWarmupIsRefused() {
    CliRun run = CliRun.of("bench", "--count", "10", "--warmup", "-1");
    assertEquals(2, run.exit());
    assertTrue(run.err().contains("--warmup must be 0-10000000 requests, got -1"), run.err());
  }

  @Test
  void threadCountsOutsideOneToClientsAreRefused() {
    CliRun zero = CliRun.of("bench", "--count", "10", "--clients", "4", "--threads", "0");
    assertEquals(2, zero.exit());
    assertTrue(zero.err().contains("--threads must be at least 1, got 0"), zero.err());
    CliRun more = CliRun.of("bench", "--count", "10", "--clients", "4", "--threads", "5");
    assertEquals(2, more.exit());
    assertTrue(more.err().contains("--threads must be 1 to --clients (4), got 5"), more.err());
  }

  @Test
  void noServerAtTheEndpointFailsWithOneLineAndExit1() throws Exception {
    int port;
    try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
      port = probe.getLocalPort();
    }
    CliRun run = CliRun.of("bench", "-e", "tcp://127.0.0.1:" + port, "--count", "10", "--clients", "1");
    assertEquals(1, run.exit());
    assertEquals("bench: no client got a reply from tcp://127.0.0.1:" + port
        + " (no reply to 10 warm-up PINGs in 5000 ms); is a bridge running there?", run.err().strip());
  }

  @Test
  void countAndDurationTogetherAreRefusedAsBadInput() {
    CliRun run = CliRun.of("bench", "--count", "10", "--duration", "5");
    assertEquals(2, run.exit());
    assertTrue(run.err().contains("give --count or --duration, not both"), run.err());
  }

  @Test
  void aDurationOverTheCapIsRefused() {
    CliRun run = CliRun.of("bench", "--duration", "301");
    assertEquals(2, run.exit());
    assertTrue(run.err().contains("--duration must be 1-300 seconds"), run.err());
  }
}
