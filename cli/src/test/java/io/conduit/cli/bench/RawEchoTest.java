package io.conduit.cli.bench;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.PrintWriter;
import java.io.StringWriter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

@Timeout(60)
class RawEchoTest {

  private static final Progress QUIET = new Progress(new PrintWriter(new StringWriter()), false);

  @Test
  void theHandOffEchoAnswersSynchronousClientsLikeTheRawOne() {
    try (RawEcho echo = RawEcho.withHandOffs()) {
      LoadResult result = LoadRunner.run(new LoadSpec(echo.endpoint(), "echo", 2, 1, 100, 400, null, true), "hand-offs",
          QUIET);
      assertEquals(400, result.ok());
      assertEquals(0, result.errorCount());
      assertEquals(0, result.unanswered());
    }
  }

  @Test
  void theHandOffEchoLosesNothingUnderPipelinedLoad() {
    try (RawEcho echo = RawEcho.withHandOffs()) {
      LoadResult result = LoadRunner.run(new LoadSpec(echo.endpoint(), "echo", 4, 200, 100, 20_000, null, false),
          "hand-offs", QUIET);
      assertEquals(20_000, result.ok());
      assertEquals(0, result.errorCount());
      assertEquals(0, result.unanswered());
    }
  }

  @Test
  void closingStopsBothOfTheHandOffEchosThreads() {
    RawEcho echo = RawEcho.withHandOffs();
    echo.close();
    assertTrue(Thread.getAllStackTraces().keySet().stream().map(Thread::getName)
        .noneMatch(n -> n.equals("raw-echo-worker")), "the worker thread is still running after close()");
    assertFalse(Thread.getAllStackTraces().keySet().stream().anyMatch(t -> t.getName().equals("raw-echo") && t.isAlive()),
        "the socket thread is still running after close()");
  }
}
