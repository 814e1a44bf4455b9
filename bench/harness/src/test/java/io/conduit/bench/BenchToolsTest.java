package io.conduit.bench;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The benchmark tools' own tests ({@code bench/tests}, pytest from Debian's python3-pytest; the C
 * load generator needs gcc and libzmq3-dev): the figures in docs/benchmarks.md come from these
 * generators and summaries, so they are checked with the rest of the build.
 */
class BenchToolsTest {

  private static final String PYTHON = "/usr/bin/python3";
  private static final long DEADLINE_SECONDS = 300;

  @Test
  void theBenchToolsTestsPass() throws IOException, InterruptedException {
    Path bench = Path.of(System.getProperty("user.dir")).toAbsolutePath().getParent(); // bench/harness -> bench
    assertTrue(Files.isDirectory(bench.resolve("tests")), "no bench/tests beside " + bench.resolve("harness"));
    Path output = Files.createTempFile("conduit-bench-pytest-", ".out");
    ProcessBuilder builder = new ProcessBuilder(List.of(PYTHON, "-m", "pytest", "-q", "-p", "no:cacheprovider",
        "-o", "faulthandler_timeout=120", "tests"))
        .directory(bench.toFile()).redirectErrorStream(true).redirectOutput(output.toFile());
    builder.environment().put("PYTHONDONTWRITEBYTECODE", "1");
    Process pytest = builder.start();
    try {
      boolean exited = pytest.waitFor(DEADLINE_SECONDS, TimeUnit.SECONDS);
      String text = Files.readString(output, StandardCharsets.UTF_8);
      assertTrue(exited, "pytest did not finish within " + DEADLINE_SECONDS + " s:\n" + text);
      assertEquals(0, pytest.exitValue(), "pytest failed:\n" + text);
    } finally {
      pytest.descendants().forEach(ProcessHandle::destroyForcibly);
      pytest.destroyForcibly();
      Files.deleteIfExists(output);
    }
  }
}
