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

  /**
   * The built examples (their jar, or their classes folder in a reactor build), which Conduit's
   * jar does not ship: a node gets them with {@code --classpath}, as a user's own code.
   */
  static Path classes() {
    try {
      return Path.of(io.conduit.examples.rpc.RpcService.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    } catch (java.net.URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  /** examples/python of this checkout. */
  static Path python() {
    return examples().resolve("python");
  }
}
