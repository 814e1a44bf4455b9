package io.conduit.cli;

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
 * The Python package's own test suite ({@code client/python/tests}, pytest from Debian's
 * python3-pytest), run against real {@code conduit serve} nodes started from the jar this build
 * made: the client, documents, graphs, tasks and workers as a Python user calls them.
 */
class PythonPackageIT {

  private static final String PYTHON = "/usr/bin/python3";
  private static final long DEADLINE_SECONDS = 600;

  @Test
  void thePythonPackagesTestsPass() throws IOException, InterruptedException {
    Path python = ExamplesDir.examples().getParent().resolve("client").resolve("python");
    Path output = Files.createTempFile("conduit-pytest-", ".out");
    ProcessBuilder builder = new ProcessBuilder(List.of(PYTHON, "-m", "pytest", "-q", "-p", "no:cacheprovider",
        "-o", "faulthandler_timeout=300", "tests"))
        .directory(python.toFile()).redirectErrorStream(true).redirectOutput(output.toFile());
    builder.environment().put("PYTHONDONTWRITEBYTECODE", "1");
    // the suite runs against the jar this build made, never a node or jar named in the caller's shell
    builder.environment().keySet().removeAll(java.util.List.of("CONDUIT_JAR", "CONDUIT_ENDPOINT", "CONDUIT_EVENTS"));
    builder.environment().put("PYTHONPATH", python.resolve("src").toString());
    // the nodes the tests start run on this JVM
    ProcessHandle.current().info().command().ifPresent(java -> builder.environment().put("CONDUIT_TEST_JAVA", java));
    Process pytest = builder.start();
    try {
      boolean exited = pytest.waitFor(DEADLINE_SECONDS, TimeUnit.SECONDS);
      String text = Files.readString(output, StandardCharsets.UTF_8);
      assertTrue(exited, "pytest did not finish within " + DEADLINE_SECONDS + " s:\n" + tail(text));
      assertEquals(0, pytest.exitValue(), "pytest failed:\n" + tail(text));
      System.out.println(tail(text));
    } finally {
      pytest.descendants().forEach(ProcessHandle::destroyForcibly);
      pytest.destroyForcibly();
      Files.deleteIfExists(output);
    }
  }

  private static String tail(String text) {
    List<String> lines = text.lines().toList();
    return String.join("\n", lines.subList(Math.max(0, lines.size() - 200), lines.size()));
  }
}
