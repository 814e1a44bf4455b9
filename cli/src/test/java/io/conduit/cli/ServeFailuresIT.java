package io.conduit.cli;

import io.conduit.cluster.TestClusters;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code conduit serve} as a user runs it: bad input is one clear line on stderr, a non-zero exit
 * and no process left behind; a good start stops cleanly on SIGTERM with exit 0.
 */
class ServeFailuresIT {

  @TempDir
  Path dir;

  private String bridgeArgs() {
    return "tcp://127.0.0.1:" + TestClusters.freePort();
  }

  private void assertOneLineFailure(ConduitProcess p, String expected) {
    assertFalse(p.isAlive());
    assertTrue(p.exitCode() != 0, "exit code " + p.exitCode());
    String all = p.stderr().strip();
    // the services that started before the failing one may have said so (INFO lines, as on a
    // good start); the failure itself is one line, the last, without a stack trace
    String err = String.join("\n", all.lines().filter(l -> !l.matches("\\d\\d:\\d\\d:\\d\\d INFO .*")).toList());
    assertTrue(err.contains(expected), "stderr: " + all);
    assertEquals(1, err.lines().count(), "one line on stderr besides start-up INFO lines, got:\n" + all);
    assertTrue(all.endsWith(err), "the failure is the last line:\n" + all);
    assertFalse(all.contains("\tat "), "no stack trace without --verbose:\n" + all);
  }

  private Path deployment(String json) throws Exception {
    Path f = dir.resolve("deployment.json");
    Files.writeString(f, json);
    return f;
  }

  @Test
  void anUnknownVerticleClassIsNamed() throws Exception {
    Path f = deployment("{\"services\": [{\"name\": \"x\", \"verticle\": \"com.example.Nope\"}]}");
    ConduitProcess p = ConduitProcess.run(dir, "unknown", "serve", "-c", f.toString(), "-a", bridgeArgs());
    assertOneLineFailure(p, "service 'x': verticle class com.example.Nope is not on the classpath");
  }

  @Test
  void anInvalidDeploymentFileNamesTheField() throws Exception {
    Path f = deployment("{\"services\": [{\"name\": \"x\", \"verticle\": \"a.B\", \"instances\": -2}]}");
    ConduitProcess p = ConduitProcess.run(dir, "invalid", "serve", "-c", f.toString());
    assertOneLineFailure(p, "services[0].instances: min must be at least 1");
    Files.writeString(f, "{\"services\": [");
    p = ConduitProcess.run(dir, "broken", "serve", "-c", f.toString());
    assertOneLineFailure(p, "not a JSON object");
  }

  @Test
  void aPortInUseIsNamed() throws Exception {
    try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      String endpoint = "tcp://127.0.0.1:" + taken.getLocalPort();
      ConduitProcess p = ConduitProcess.run(dir, "port", "serve", "-a", endpoint, "--events", "none");
      assertOneLineFailure(p, "cannot bind " + endpoint + ": address already in use");
    }
  }

  @Test
  void tooManyClusterBackupsAreNamed() throws Exception {
    ConduitProcess p = ConduitProcess.run(dir, "backups", "serve", "--cluster", "--cluster-backups", "9",
        "-a", bridgeArgs(), "--events", "none");
    assertOneLineFailure(p, "cluster backups must be 0-6, got 9");
  }

  @Test
  void aClusterQuorumNoPartOfTheClusterCouldReachIsNamed() throws Exception {
    ConduitProcess p = ConduitProcess.run(dir, "quorum", "serve", "--cluster", "--members", "127.0.0.1:20001",
        "--cluster-quorum", "3", "-a", bridgeArgs(), "--events", "none");
    assertOneLineFailure(p, "cluster quorum 3 is more than the 2 nodes --members lists (with this one)");
    ConduitProcess zero = ConduitProcess.run(dir, "quorum0", "serve", "--cluster", "--cluster-quorum", "0",
        "-a", bridgeArgs(), "--events", "none");
    assertOneLineFailure(zero, "--cluster-quorum must be at least 1, got 0");
  }

  @Test
  void aStoreLeaseOutsideItsRangeIsNamed() throws Exception {
    ConduitProcess p = ConduitProcess.run(dir, "lease", "serve", "--store-lease-ms", "500", "-a", bridgeArgs(),
        "--events", "none");
    assertOneLineFailure(p, "the store lease (conduit.store.leaseMs, --store-lease-ms) must be 2000-600000 milliseconds, "
        + "got '500'");
  }

  @Test
  void anUnreachableClusterMemberIsNamed() throws Exception {
    int nobody = TestClusters.freePort();
    var s = TestClusters.settings("unreachable");
    ConduitProcess p = ConduitProcess.run(dir, "member", "serve", "--cluster", "--cluster-name", s.name(),
        "--cluster-port", Integer.toString(s.port()), "--members", "127.0.0.1:" + nobody,
        "-a", bridgeArgs(), "--events", "none");
    assertOneLineFailure(p, "could not reach any cluster member (127.0.0.1:" + nobody + ")");
  }

  @Test
  void virtualThreadsAreRefusedBelowJava21() throws Exception {
    Path f = deployment("{\"services\": [{\"name\": \"v\", \"verticle\": \"io.conduit.builtin.EchoVerticle\","
        + " \"threading\": \"virtual\"}]}");
    if (Runtime.version().feature() < 21) {
      ConduitProcess p = ConduitProcess.run(dir, "virtual", "serve", "-c", f.toString());
      assertOneLineFailure(p, "threading 'virtual' needs Java 21 or newer");
    } else {
      try (ConduitProcess p = ConduitProcess.start(dir, "virtual", "serve", "-c", f.toString())) {
        p.awaitOutput("Ready", Duration.ofSeconds(60));
      }
    }
  }

  @Test
  void aBadFlagIsNamedWithExitCode2() throws Exception {
    ConduitProcess p = ConduitProcess.run(dir, "flag", "serve", "--backend", "floppy");
    assertOneLineFailure(p, "--backend must be 'memory' or 'rocksdb', got 'floppy'");
    p = ConduitProcess.run(dir, "web", "serve", "--web", "localhost");
    assertOneLineFailure(p, "--web must be HOST:PORT");
    p = ConduitProcess.run(dir, "script", "serve", "-s", "com.example.NoScript");
    assertOneLineFailure(p, "server-script class com.example.NoScript (-s) is not on the classpath");
    p = ConduitProcess.run(dir, "flag2", "serve", "--no-such-flag");
    assertEquals(2, p.exitCode());
    assertTrue(p.stderr().contains("Unknown option: '--no-such-flag'"), p.stderr());
  }

  @Test
  void sigtermStopsTheNodeCleanlyWithExitZero() throws Exception {
    try (ConduitProcess p = ConduitProcess.start(dir, "clean", "serve", "-a", bridgeArgs(), "--events", "none")) {
      p.awaitOutput("Ready", Duration.ofSeconds(60));
      assertTrue(p.stdout().contains("echo"), p.stdout());
      p.terminate();
      assertEquals(0, p.awaitExit(Duration.ofSeconds(30)), p.stdout() + p.stderr());
      assertTrue(p.stdout().contains("Stopped."), p.stdout());
    }
  }

  @Test
  void versionAndHelpAnswer() throws Exception {
    ConduitProcess p = ConduitProcess.run(dir, "version", "--version");
    assertEquals(0, p.exitCode());
    assertTrue(p.stdout().startsWith("conduit " + io.conduit.codec.ConduitVersion.get()), p.stdout());
    p = ConduitProcess.run(dir, "help", "serve", "--help");
    assertEquals(0, p.exitCode());
    assertTrue(p.stdout().contains("--members"), p.stdout());
  }
}
