package io.conduit.cli;

import io.conduit.client.ConduitClient;
import io.conduit.cluster.TestClusters;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Durability means after kill -9: a {@code conduit serve} JVM (documents on RocksDB, default
 * group commit) receives a stream of writes, is killed mid-stream, restarted on the same data,
 * and every write it acknowledged is there.
 */
class DocStoreCrashIT {

  @TempDir
  Path dir;

  @Test
  void everyAcknowledgedWriteSurvivesKillMinus9() throws Exception {
    String endpoint = "tcp://127.0.0.1:" + TestClusters.freePort();
    Set<Integer> acknowledged = ConcurrentHashMap.newKeySet();
    try (ConduitProcess first = ConduitProcess.start(dir, "first", "serve", "-a", endpoint, "--events", "none")) {
      first.awaitOutput("Ready", Duration.ofSeconds(90));
      ConduitClient client = ConduitClient.connect(endpoint);
      try {
        // 32 writes in flight at a time, so the kill lands among unacknowledged ones too.
        Semaphore window = new Semaphore(32);
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        for (int i = 0; acknowledged.size() < 3_000 && System.nanoTime() < deadline; i++) {
          window.acquire();
          int key = i;
          client.request("docs", new JsonObject().put("op", "set").put("path", new JsonArray().add("k" + key))
                  .put("value", key), java.util.Map.of(), Duration.ofSeconds(10))
              .whenComplete((reply, error) -> {
                if (error == null) {
                  acknowledged.add(key);
                }
                window.release();
              });
        }
        first.kill9();
      } finally {
        client.close();
      }
    }
    assertTrue(acknowledged.size() >= 3_000, "only " + acknowledged.size() + " writes acknowledged in 60 s");

    try (ConduitProcess second = ConduitProcess.start(dir, "second", "serve", "-a", endpoint, "--events", "none");
         ConduitClient client = reconnect(second, endpoint)) {
      JsonObject document = (JsonObject) ((JsonObject) client.requestSync("docs",
          new JsonObject().put("op", "get").put("path", new JsonArray()), Duration.ofSeconds(30))).getValue("value");
      int missing = 0;
      for (int key : acknowledged) {
        if (!Integer.valueOf(key).equals(document.getInteger("k" + key))) {
          missing++;
        }
      }
      assertEquals(0, missing, missing + " of " + acknowledged.size() + " acknowledged writes were lost");
      assertTrue(second.stdout().contains("Ready"));
    }
  }

  private static ConduitClient reconnect(ConduitProcess serve, String endpoint) {
    serve.awaitOutput("Ready", Duration.ofSeconds(90));
    return ConduitClient.connect(endpoint);
  }
}
