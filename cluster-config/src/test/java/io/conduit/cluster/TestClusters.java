package io.conduit.cluster;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Cluster settings for tests: a unique cluster name and a free block of loopback ports, so tests
 * never join each other or the other programs on a shared machine (which use 5701-5703).
 */
public final class TestClusters {

  private TestClusters() {
  }

  /** Settings with a unique name (prefixed by {@code label}) and a free block of 5 ports. */
  public static ClusterSettings settings(String label) {
    return ClusterSettings.defaults()
        .withName(label + "-" + UUID.randomUUID().toString().substring(0, 8))
        .withPort(freeBlock(5))
        .withPortCount(5);
  }

  /** The first of {@code count} consecutive free ports on 127.0.0.1, probed in 20000-30000. */
  public static int freeBlock(int count) {
    for (int attempt = 0; attempt < 200; attempt++) {
      int base = ThreadLocalRandom.current().nextInt(20_000, 30_000 - count);
      if (allFree(base, count)) {
        return base;
      }
    }
    throw new IllegalStateException("no block of " + count + " free ports found on 127.0.0.1");
  }

  /**
   * One free port on 127.0.0.1, probed in 30000-32700: below Linux's ephemeral range (32768 and
   * up), so that no outgoing connection (a cluster member's, a client's) is given it between this
   * probe and the bind of the process it is for, which may be seconds later; and above the blocks
   * of {@link #freeBlock}.
   */
  public static int freePort() {
    for (int attempt = 0; attempt < 200; attempt++) {
      int port = ThreadLocalRandom.current().nextInt(30_000, 32_700);
      if (allFree(port, 1)) {
        return port;
      }
    }
    throw new IllegalStateException("no free port found on 127.0.0.1 in 30000-32700");
  }

  private static boolean allFree(int base, int count) {
    for (int p = base; p < base + count; p++) {
      try (ServerSocket s = new ServerSocket(p, 1, InetAddress.getLoopbackAddress())) {
        s.setReuseAddress(true);
      } catch (IOException e) {
        return false;
      }
    }
    return true;
  }
}
