package io.conduit.cli.keygen;

import io.conduit.cli.CliRun;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.zeromq.ZMQ;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class KeygenCommandTest {

  @TempDir
  Path dir;

  @Test
  void writesAPublicAndASecretZ85KeyTheSecretReadableByTheOwnerOnly() throws Exception {
    CliRun run = CliRun.of("keygen", "--out", dir.toString(), "--name", "bridge");
    assertEquals(0, run.exit(), run.err());
    String pub = Files.readString(dir.resolve("bridge.pub")).strip();
    String key = Files.readString(dir.resolve("bridge.key")).strip();
    assertEquals(40, pub.length());
    assertEquals(40, key.length());
    assertEquals(32, ZMQ.Curve.z85Decode(pub).length);
    assertEquals(32, ZMQ.Curve.z85Decode(key).length);
    assertNotEquals(pub, key);
    assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("bridge.key"))));
    assertTrue(run.out().contains(pub), run.out());
  }

  @Test
  void refusesToOverwriteExistingKeys() throws Exception {
    assertEquals(0, CliRun.of("keygen", "--out", dir.toString()).exit());
    String before = Files.readString(dir.resolve("server.key"));
    CliRun again = CliRun.of("keygen", "--out", dir.toString());
    assertEquals(1, again.exit());
    assertTrue(again.err().contains("server.pub already exists") && again.err().contains("--force"), again.err());
    assertEquals(before, Files.readString(dir.resolve("server.key")));
  }

  @Test
  void forceReplacesExistingKeys() throws Exception {
    assertEquals(0, CliRun.of("keygen", "--out", dir.toString()).exit());
    String before = Files.readString(dir.resolve("server.key"));
    assertEquals(0, CliRun.of("keygen", "--out", dir.toString(), "--force").exit());
    assertNotEquals(before, Files.readString(dir.resolve("server.key")));
  }

  @Test
  void aNameWithAPathIsRefusedAsBadInput() {
    CliRun run = CliRun.of("keygen", "--out", dir.toString(), "--name", "../x");
    assertEquals(2, run.exit());
    assertTrue(run.err().contains("--name must be a plain file name"), run.err());
  }
}
