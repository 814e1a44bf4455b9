package io.conduit.cli;

import io.conduit.client.ConduitClient;
import io.conduit.client.ConduitException;
import io.conduit.cluster.TestClusters;
import io.conduit.codec.ErrorCode;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Supplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Fencing: three {@code conduit serve --cluster} JVMs listing each other in {@code --members}
 * (so the cluster quorum is 2).
 *
 * <p>With memory stores, whose owner acknowledges a write alone, both standbys are killed with
 * SIGKILL: the owner, cut off from the quorum, can no longer renew its lease and stops
 * acknowledging writes within it (callers hear a retriable {@code UNAVAILABLE}); without the fence
 * it would go on acknowledging writes that a majority elsewhere knows nothing of. Once a second node
 * is back the cluster has its quorum again and the store serves.
 *
 * <p>With RocksDB stores and in-sync standbys, the owner's whole JVM is stalled with SIGSTOP (as a
 * very long GC pause would) until a standby has taken over, then let run on: the old owner wakes
 * believing nothing happened, and must neither acknowledge a write nor serve a read of its own; it
 * then finds its way back into the cluster and follows the new owner.
 */
class StoreQuorumIT {

  @TempDir
  Path dir;

  @Test
  void anOwnerCutOffFromTheQuorumStopsAcknowledgingWritesWithinItsLease() throws Exception {
    List<ConduitProcess> started = new ArrayList<>();
    try {
      Three three = startThree("quorum", "n", "memory", started);
      ConduitProcess[] nodes = three.nodes();
      String[] bridges = three.bridges();
      assertTrue(nodes[0].stdout().contains("quorum    : 2 members"), nodes[0].stdout());
      int owner = awaitOwner(nodes);

      try (ConduitClient client = ConduitClient.connect(bridges[owner])) {
        awaitAcknowledged(client, "before");
        for (int i = 0; i < 3; i++) {
          if (i != owner) {
            nodes[i].kill9();
          }
        }
        long killedAt = System.nanoTime();
        // writes go on being acknowledged until the owner notices it lacks the quorum and its lease runs out
        long deadline = killedAt + Duration.ofSeconds(30).toNanos();
        int acknowledged = 0;
        ErrorCode refused = null;
        String why = null;
        for (int i = 0; refused == null && System.nanoTime() < deadline; i++) {
          try {
            client.requestSync("docs", set("k" + i, i), Duration.ofSeconds(5));
            acknowledged++;
            LockSupport.parkNanos(Duration.ofMillis(50).toNanos());
          } catch (ConduitException e) {
            refused = e.code();
            why = e.getMessage();
          }
        }
        long fencedMs = (System.nanoTime() - killedAt) / 1_000_000;
        assertEquals(ErrorCode.UNAVAILABLE, refused, "refused after " + fencedMs + " ms and " + acknowledged
            + " acknowledged writes: " + why + "\nthe owner's log:\n" + nodes[owner].stderr());
        // on loopback the owner hears of the kills at once: fenced within its lease plus a check or two
        assertTrue(fencedMs < 15_000, "still acknowledging writes " + fencedMs + " ms after it lost the quorum");
        nodes[owner].awaitLog("its lease ran out", Duration.ofSeconds(10));

        // and it stays fenced: not one more write is acknowledged while the quorum is missing
        long quiet = System.nanoTime() + Duration.ofSeconds(4).toNanos();
        int more = 0;
        while (System.nanoTime() < quiet) {
          try {
            client.requestSync("docs", set("late", more), Duration.ofSeconds(2));
            throw new AssertionError("a write was acknowledged without the quorum");
          } catch (ConduitException e) {
            assertTrue(e.code() == ErrorCode.UNAVAILABLE || e.code() == ErrorCode.TIMEOUT, e.code() + ": " + e.getMessage());
            more++;
          }
          LockSupport.parkNanos(Duration.ofMillis(200).toNanos());
        }
        System.out.printf("fenced %d ms after both standbys were killed (%d writes acknowledged meanwhile; %d refused "
            + "afterwards)%n", fencedMs, acknowledged, more);

        // a second node back: the quorum is back and the store serves again
        int back = owner == 0 ? 1 : 0;
        node(started, "n" + back + "-again", bridges[back], three.ports()[back], three.members(), three.clusterName(),
            "memory").awaitOutput("Ready", Duration.ofSeconds(90));
        awaitAcknowledged(client, "after");
      }
    } finally {
      for (ConduitProcess p : started) {
        p.close();
      }
    }
  }

  @Test
  void anOwnerThatStalledPastItsLeaseWakesUpFencedBesideItsSuccessor() throws Exception {
    List<ConduitProcess> started = new ArrayList<>();
    ConduitProcess stalled = null;
    try {
      Three three = startThree("stall", "s", "rocksdb", started);
      ConduitProcess[] nodes = three.nodes();
      String[] bridges = three.bridges();
      int owner = awaitOwner(nodes);
      awaitInSyncStandbys(nodes[owner], 2);
      int other = (owner + 1) % 3;

      // every acknowledged write, key to value; every version handed out, which two owners would repeat
      Map<String, Integer> acknowledged = new LinkedHashMap<>();
      Set<Long> versions = new HashSet<>();
      try (ConduitClient viaOther = ConduitClient.connect(bridges[other])) {
        for (int i = 0; i < 5; i++) {
          write(viaOther, "before" + i, i, acknowledged, versions);
        }

        stalled = nodes[owner];
        stalled.pause();
        long pausedAt = System.nanoTime();
        // acknowledged once a standby has taken the claim over, after the stalled owner's lease ran out
        writeRetrying(viaOther, "takeover", 1, acknowledged, versions);
        long takeoverMs = (System.nanoTime() - pausedAt) / 1_000_000;
        for (int i = 0; i < 5; i++) {
          writeRetrying(viaOther, "during" + i, i, acknowledged, versions);
        }
        stalled.resume();
        stalled = null;

        // the old owner runs on: for a while, writes and reads through its own bridge and the other's
        int servedByOld = 0;
        int refused = 0;
        try (ConduitClient viaOld = ConduitClient.connect(bridges[owner])) {
          long until = System.nanoTime() + Duration.ofSeconds(6).toNanos();
          for (int i = 0; System.nanoTime() < until; i++) {
            try {
              write(viaOld, "after" + i, i, acknowledged, versions);
              servedByOld++;
            } catch (ConduitException e) {
              assertRetriable(e);
              refused++;
            }
            try {
              JsonObject document = read(viaOld);
              servedByOld++;
              acknowledged.forEach((k, v) -> assertEquals(v, document.getInteger(k),
                  "a read through the old owner's bridge missed the acknowledged '" + k + "': a stale read"));
            } catch (ConduitException e) {
              assertRetriable(e);
              refused++;
            }
            writeRetrying(viaOther, "beside" + i, i, acknowledged, versions);
          }
        }
        System.out.printf("stalled owner: taken over %d ms after SIGSTOP; after SIGCONT %d requests through its "
            + "bridge were served (by the new owner) and %d refused as retriable%n", takeoverMs, servedByOld, refused);

        // the old owner has rejoined the cluster and follows the new owner, whose data it serves through its bridge
        nodes[owner].awaitLog("following it, in sync", Duration.ofSeconds(60));
        try (ConduitClient viaOld = ConduitClient.connect(bridges[owner])) {
          JsonObject throughOld = retrying("a read", () -> read(viaOld));
          acknowledged.forEach((k, v) -> assertEquals(v, throughOld.getInteger(k), "'" + k + "' through the old owner"));
        }
        JsonObject document = read(viaOther);
        acknowledged.forEach((k, v) -> assertEquals(v, document.getInteger(k), "acknowledged '" + k + "' is lost"));
        // stepping down is no storage failure: its last snapshot, refused, is not logged as an error
        assertTrue(nodes[owner].stderr().lines().noneMatch(l -> l.contains("SEVERE") && l.contains("snapshot")),
            nodes[owner].stderr());
      }
    } finally {
      if (stalled != null) {
        stalled.resume(); // so the close below ends a running JVM, not a stopped one
      }
      for (ConduitProcess p : started) {
        p.close();
      }
    }
  }

  /** A write that must be acknowledged, recorded with its version, which no other write may have had. */
  private static void write(ConduitClient client, String key, int value, Map<String, Integer> acknowledged,
                            Set<Long> versions) {
    JsonObject reply = (JsonObject) client.requestSync("docs", set(key, value), Duration.ofSeconds(5));
    acknowledged.put(key, value);
    long version = reply.getLong("version");
    assertTrue(versions.add(version), "version " + version + " was handed out twice: two owners wrote");
  }

  /** The same, retried while it is refused as retriable ({@link #retrying}). */
  private static void writeRetrying(ConduitClient client, String key, int value, Map<String, Integer> acknowledged,
                                    Set<Long> versions) {
    retrying(key, () -> {
      write(client, key, value, acknowledged, versions);
      return null;
    });
  }

  private static JsonObject read(ConduitClient client) {
    JsonObject reply = (JsonObject) client.requestSync("docs", new JsonObject().put("op", "get")
        .put("path", new JsonArray()), Duration.ofSeconds(10));
    return reply.getJsonObject("value");
  }

  private static void assertRetriable(ConduitException e) {
    assertTrue(e.code() == ErrorCode.UNAVAILABLE || e.code() == ErrorCode.TIMEOUT, e.code() + ": " + e.getMessage());
  }

  /** Waits until the owner has logged {@code count} standbys in sync. */
  private static void awaitInSyncStandbys(ConduitProcess owner, int count) {
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (owner.stderr().split("is in sync", -1).length - 1 < count) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("fewer than " + count + " standbys in sync:\n" + owner.stderr());
      }
      LockSupport.parkNanos(Duration.ofMillis(200).toNanos());
    }
  }

  /** The node whose document store owns {@code docs} (its log says so). */
  private static int awaitOwner(ConduitProcess[] nodes) {
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (System.nanoTime() < deadline) {
      for (int i = 0; i < nodes.length; i++) {
        if (nodes[i].stderr().contains("document store 'docs': owner")) {
          return i;
        }
      }
      LockSupport.parkNanos(Duration.ofMillis(200).toNanos());
    }
    throw new AssertionError("no node owns docs");
  }

  /** A write, acknowledged once the store serves (UNAVAILABLE or TIMEOUT until then). */
  private static void awaitAcknowledged(ConduitClient client, String key) {
    retrying(key, () -> client.requestSync("docs", set(key, 1), Duration.ofSeconds(5)));
  }

  /**
   * What {@code call} returns once it is no longer refused as retriable (UNAVAILABLE or TIMEOUT: no
   * owner serves yet, or the event bus handed the request to a stalled or departed owner); any other
   * refusal, or 60 s of retriable ones, fails the test.
   */
  private static <T> T retrying(String what, Supplier<T> call) {
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (true) {
      try {
        return call.get();
      } catch (ConduitException e) {
        assertRetriable(e);
        assertTrue(System.nanoTime() < deadline, "'" + what + "' still refused after 60 s: " + e.getMessage());
        LockSupport.parkNanos(Duration.ofMillis(200).toNanos());
      }
    }
  }

  /** Three nodes listing each other, started at once and ready. */
  private record Three(String clusterName, int[] ports, String members, String[] bridges, ConduitProcess[] nodes) {
  }

  private Three startThree(String label, String prefix, String backend, List<ConduitProcess> started) throws Exception {
    var cluster = TestClusters.settings(label);
    int[] ports = {cluster.port(), cluster.port() + 1, cluster.port() + 2};
    String members = "127.0.0.1:" + ports[0] + ",127.0.0.1:" + ports[1] + ",127.0.0.1:" + ports[2];
    String[] bridges = new String[3];
    ConduitProcess[] nodes = new ConduitProcess[3];
    for (int i = 0; i < 3; i++) {
      // below the ephemeral range: the three JVMs start at once, and their outgoing connections take ephemeral ports
      bridges[i] = "tcp://127.0.0.1:" + TestClusters.freeBlock(1);
      nodes[i] = node(started, prefix + i, bridges[i], ports[i], members, cluster.name(), backend);
    }
    for (ConduitProcess n : nodes) {
      n.awaitOutput("Ready", Duration.ofSeconds(90));
    }
    return new Three(cluster.name(), ports, members, bridges, nodes);
  }

  private ConduitProcess node(List<ConduitProcess> started, String name, String bridge, int clusterPort, String members,
                              String clusterName, String backend) throws Exception {
    ConduitProcess p = ConduitProcess.start(dir, name, "serve", "--cluster", "--cluster-name", clusterName,
        "--cluster-port", Integer.toString(clusterPort), "--members", members, "-a", bridge, "--events", "none",
        "-b", backend, "--data", dir.resolve(name).toString());
    started.add(p);
    return p;
  }

  private static JsonObject set(String key, int value) {
    return new JsonObject().put("op", "set").put("path", new JsonArray().add(key)).put("value", value);
  }
}
