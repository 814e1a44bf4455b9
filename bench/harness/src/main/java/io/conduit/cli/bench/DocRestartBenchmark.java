package io.conduit.cli.bench;

import io.conduit.client.ConduitClient;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Restart time of a document store holding many keys, as a user meets it: a {@code conduit serve}
 * process (RocksDB documents) is loaded with N keys, killed with SIGKILL and restarted (the log is
 * replayed), then stopped cleanly and restarted (the snapshot is loaded).
 * <pre>java -cp cli/target/conduit.jar:bench/harness/target/conduit-bench-harness.jar io.conduit.cli.bench.DocRestartBenchmark [keys=1000000] [restarts=3]</pre>
 */
public final class DocRestartBenchmark {

  private static final Pattern RECOVERED = Pattern.compile("recovered version (\\d+) replaying (\\d+) log records in (\\d+) ms");

  private DocRestartBenchmark() {
  }

  public static void main(String[] args) throws Exception {
    int keys = args.length > 0 ? Integer.parseInt(args[0]) : 1_000_000;
    int restarts = args.length > 1 ? Integer.parseInt(args[1]) : 3;
    Path dir = Files.createTempDirectory("conduit-restart-bench");
    String endpoint = "tcp://127.0.0.1:" + freePort();
    Process node = start(dir, endpoint, "load");
    try {
      long t0 = System.nanoTime();
      load(endpoint, keys);
      System.out.printf("loaded %,d keys in %,d ms%n", keys, (System.nanoTime() - t0) / 1_000_000);
      node.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
      for (int i = 1; i <= restarts; i++) {
        node = start(dir, endpoint, "crash-" + i);
        System.out.println("after kill -9: " + report(dir, "crash-" + i));
        node.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
      }
      node = start(dir, endpoint, "snapshot");
      node.destroy();
      node.waitFor(120, TimeUnit.SECONDS);
      for (int i = 1; i <= restarts; i++) {
        node = start(dir, endpoint, "clean-" + i);
        System.out.println("after a clean stop: " + report(dir, "clean-" + i));
        node.destroy();
        node.waitFor(120, TimeUnit.SECONDS);
      }
    } finally {
      node.destroyForcibly();
    }
  }

  /** Starts a node and returns once it printed Ready; the time it took is kept in its output file. */
  private static Process start(Path dir, String endpoint, String name) throws Exception {
    Path jar = Path.of(io.conduit.cli.Conduit.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    Path out = dir.resolve(name + ".out");
    long t0 = System.nanoTime();
    Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx4g",
        "-jar", jar.toString(), "serve", "-a", endpoint, "--events", "none")
        .directory(dir.toFile()).redirectErrorStream(true).redirectOutput(out.toFile()).start();
    long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(10);
    while (!Files.readString(out).contains("Ready")) {
      if (!p.isAlive() || System.nanoTime() > deadline) {
        p.destroyForcibly();
        throw new IllegalStateException("node did not start:\n" + Files.readString(out));
      }
      java.util.concurrent.locks.LockSupport.parkNanos(10_000_000);
    }
    Files.writeString(dir.resolve(name + ".ms"), Long.toString((System.nanoTime() - t0) / 1_000_000));
    return p;
  }

  private static String report(Path dir, String name) throws IOException {
    String out = Files.readString(dir.resolve(name + ".out"));
    Matcher m = RECOVERED.matcher(out);
    String recovered = m.find() ? String.format("store recovered version %s replaying %s records in %s ms", m.group(1),
        m.group(2), m.group(3)) : "no recovery line";
    return recovered + "; process start to Ready " + Files.readString(dir.resolve(name + ".ms")) + " ms";
  }

  /** Sets k0..k(n-1) in batches of 1,000, 8 batches in flight. */
  private static void load(String endpoint, int keys) throws Exception {
    try (ConduitClient client = ConduitClient.connect(endpoint)) {
      List<CompletableFuture<Object>> inFlight = new ArrayList<>();
      for (int start = 0; start < keys; start += 1000) {
        JsonArray ops = new JsonArray();
        for (int k = start; k < Math.min(keys, start + 1000); k++) {
          ops.add(new JsonObject().put("op", "set").put("path", new JsonArray().add("k" + k)).put("value", k));
        }
        inFlight.add(client.request("docs", new JsonObject().put("op", "batch").put("ops", ops), Map.of(),
            Duration.ofSeconds(120)));
        if (inFlight.size() >= 8) {
          inFlight.remove(0).get(120, TimeUnit.SECONDS);
        }
      }
      for (CompletableFuture<Object> f : inFlight) {
        f.get(120, TimeUnit.SECONDS);
      }
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }
}
