package io.conduit.cli;

import java.nio.file.Files;
import java.nio.file.Path;

/** Where this checkout's {@code examples/} folder is, for tests that run its files. */
final class ExamplesDir {

  private ExamplesDir() {
  }

  /** examples/ of this checkout: from maven.multiModuleProjectDirectory, else up from the working directory. */
  static Path examples() {
    String root = System.getProperty("maven.multiModuleProjectDirectory");
    if (root != null && Files.isDirectory(Path.of(root, "examples", "python"))) {
      return Path.of(root, "examples").toAbsolutePath();
    }
    for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
      if (Files.isDirectory(dir.resolve("examples").resolve("python"))) {
        return dir.resolve("examples");
      }
    }
    throw new IllegalStateException("examples/python not found above " + Path.of("").toAbsolutePath());
  }

  /** examples/python of this checkout. */
  static Path python() {
    return examples().resolve("python");
  }
}
