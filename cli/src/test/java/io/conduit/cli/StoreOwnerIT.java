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
import java.util.List;
import java.util.concurrent.locks.LockSupport;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Two {@code conduit serve --cluster} JVMs with the built-in deployment (each with a document
 * store on its own data) and {@code ackReplicas:0}: one store owns {@code docs} cluster-wide and
 * the other follows it without being waited for, so writes through either bridge reach the same
 * document; when the owner is killed the standby, which may lack acknowledged writes, does not
 * serve (callers hear a retriable {@code UNAVAILABLE}), and the owner's node, started again on its
 * data, owns it again with every acknowledged write. (With the default {@code ackReplicas:1} the
 * standby takes over: {@code StoreFailoverIT}.)
 */
class StoreOwnerIT {

  @TempDir
  Path dir;

  @Test
  void oneOwnerServesBothNodesAndAStaleStandbyNeverServes() throws Exception {
    var cluster = TestClusters.settings("owner");
    int portA = cluster.port();
    int portB = cluster.port() + 1;
    String members = "127.0.0.1:" + portA + ",127.0.0.1:" + portB;
    String bridgeA = "tcp://127.0.0.1:" + TestClusters.freePort();
    String bridgeB = "tcp://127.0.0.1:" + TestClusters.freePort();
    List<ConduitProcess> started = new ArrayList<>();
    try {
      ConduitProcess a = node(started, "a", bridgeA, portA, members, cluster.name());
      a.awaitOutput("Ready", Duration.ofSeconds(90));
      ConduitProcess b = node(started, "b", bridgeB, portB, members, cluster.name());
      b.awaitOutput("Ready", Duration.ofSeconds(90));
      b.awaitLog("document store 'docs': standby, served by node", Duration.ofSeconds(60));

      List<Long> versions = new ArrayList<>();
      try (ConduitClient ca = ConduitClient.connect(bridgeA); ConduitClient cb = ConduitClient.connect(bridgeB)) {
        for (int i = 0; i < 6; i++) {
          ConduitClient c = i % 2 == 0 ? ca : cb;
          versions.add(((JsonObject) c.requestSync("docs", set("k" + i, i), Duration.ofSeconds(10))).getLong("version"));
        }
        assertEquals(List.of(1L, 2L, 3L, 4L, 5L, 6L), versions, "one document behind both bridges");
        assertEquals(6, ((JsonObject) ((JsonObject) cb.requestSync("docs", get(), Duration.ofSeconds(10)))
            .getValue("value")).size());

        a.kill9();
        // B hears that A left, finds its own data is not what A acknowledged, and keeps standing by
        b.awaitLog("is gone, and this node's data is not that owner's", Duration.ofSeconds(60));
        // until the cluster has dropped the dead node's consumer a request may time out; then UNAVAILABLE
        assertEquals(ErrorCode.UNAVAILABLE, awaitRefusal(cb));
      }

      ConduitProcess again = node(started, "a2", bridgeA, portA, members, cluster.name());
      again.awaitOutput("Ready", Duration.ofSeconds(90));
      try (ConduitClient cb = ConduitClient.connect(bridgeB)) {
        JsonObject document = awaitDocument(cb);
        for (int i = 0; i < 6; i++) {
          assertEquals(i, document.getInteger("k" + i), document.encode());
        }
        assertEquals(7L, ((JsonObject) cb.requestSync("docs", set("k6", 6), Duration.ofSeconds(10))).getLong("version"));
      }
    } finally {
      for (ConduitProcess p : started) {
        p.close();
      }
    }
  }

  @Test
  void twoInstancesOfAStoreAreAnOwnerAndAStandbyAndTheBannerSaysSo() throws Exception {
    Path deployment = dir.resolve("two.json");
    java.nio.file.Files.writeString(deployment, "{\"services\": [{\"name\": \"docs\", \"verticle\": "
        + "\"io.conduit.store.doc.DocStoreVerticle\", \"instances\": 2, \"config\": {\"address\": \"docs\", "
        + "\"backend\": \"default\"}}, {\"name\": \"bridge\", \"verticle\": \"io.conduit.bridge.ZmqBridgeVerticle\", "
        + "\"config\": {\"endpoint\": \"tcp://127.0.0.1:" + TestClusters.freePort() + "\", \"eventsEndpoint\": null}}]}");
    try (ConduitProcess p = ConduitProcess.start(dir, "two", "serve", "-c", deployment.toString(),
        "--data", dir.resolve("two-data").toString())) {
      p.awaitOutput("Ready", Duration.ofSeconds(90));
      String banner = p.stdout();
      assertEquals(1, banner.lines().filter(l -> l.contains("document store 'docs': owner (epoch 1)")).count(), banner);
      assertEquals(1, banner.lines().filter(l -> l.contains("document store 'docs': standby, served by node")).count(),
          banner);
    }
  }

  private ConduitProcess node(List<ConduitProcess> started, String name, String bridge, int clusterPort, String members,
                              String clusterName) throws Exception {
    String data = dir.resolve(name.substring(0, 1)).resolve("data").toString(); // a2 restarts on a's data
    ConduitProcess p = ConduitProcess.start(dir, name, "serve", "--cluster", "--cluster-name", clusterName,
        "--cluster-port", Integer.toString(clusterPort), "--members", members, "-a", bridge, "--events", "none",
        "--data", data, "ackReplicas:0");
    started.add(p);
    return p;
  }

  private static JsonObject set(String key, int value) {
    return new JsonObject().put("op", "set").put("path", new JsonArray().add(key)).put("value", value);
  }

  private static JsonObject get() {
    return new JsonObject().put("op", "get").put("path", new JsonArray());
  }

  /** The code a read is refused with once it is refused with anything but a timeout; it must never succeed. */
  private static ErrorCode awaitRefusal(ConduitClient client) {
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (true) {
      try {
        Object served = client.requestSync("docs", get(), Duration.ofSeconds(3));
        throw new AssertionError("the stale standby served: " + served);
      } catch (ConduitException e) {
        if (e.code() != ErrorCode.TIMEOUT || System.nanoTime() > deadline) {
          return e.code();
        }
      }
    }
  }

  /** The document, once the restarted owner serves it (UNAVAILABLE until then). */
  private static JsonObject awaitDocument(ConduitClient client) {
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (true) {
      try {
        return (JsonObject) ((JsonObject) client.requestSync("docs", get(), Duration.ofSeconds(5))).getValue("value");
      } catch (ConduitException e) {
        if (e.code() != ErrorCode.UNAVAILABLE && e.code() != ErrorCode.TIMEOUT || System.nanoTime() > deadline) {
          throw e;
        }
        LockSupport.parkNanos(200_000_000);
      }
    }
  }
}
