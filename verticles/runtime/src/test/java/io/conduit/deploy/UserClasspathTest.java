package io.conduit.deploy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The user's classpath: what it takes, what it refuses, and what a missing class's message names. */
class UserClasspathTest {

  @TempDir
  Path dir;

  @Test
  void foldersJarsAndTheJarsOfLibInOrder() throws Exception {
    Path classes = Files.createDirectories(dir.resolve("classes"));
    Path lib = Files.createDirectories(dir.resolve("lib"));
    Files.writeString(lib.resolve("b.jar"), "");
    Files.writeString(lib.resolve("a.jar"), "");
    Files.writeString(lib.resolve("notes.txt"), "");
    try (UserClasspath cp = UserClasspath.of(List.of(classes), lib, getClass().getClassLoader())) {
      assertEquals(List.of(classes, lib.resolve("a.jar"), lib.resolve("b.jar")), cp.entries());
      assertTrue(UserClasspath.searched(cp).contains(classes + ":" + lib.resolve("a.jar")), UserClasspath.searched(cp));
    }
  }

  @Test
  void aMissingEntryOrAFileThatIsNoJarIsRefusedByName() throws Exception {
    Path nowhere = dir.resolve("nowhere");
    IllegalArgumentException missing = assertThrows(IllegalArgumentException.class,
        () -> UserClasspath.of(List.of(nowhere), null, getClass().getClassLoader()));
    assertEquals("classpath entry " + nowhere + " does not exist", missing.getMessage());
    Path text = Files.writeString(dir.resolve("notes.txt"), "");
    IllegalArgumentException notJar = assertThrows(IllegalArgumentException.class,
        () -> UserClasspath.of(List.of(text), null, getClass().getClassLoader()));
    assertEquals("classpath entry " + text + " is neither a folder of classes nor a .jar", notJar.getMessage());
  }

  @Test
  void withoutAUserClasspathTheMessageSaysHowToGiveOne() {
    assertTrue(UserClasspath.searched(getClass().getClassLoader()).endsWith("; add yours with --classpath)"));
  }
}
