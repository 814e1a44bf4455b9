package io.conduit.cli.bench;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * The web console's own cost, as an operator meets it: a {@code conduit serve} process (memory
 * backend) under a bridge load against {@code echo} ({@code conduit bench}'s load runner), while one
 * REST client requests {@code GET /api/services} back to back. Reports the REST latency under load
 * and idle, and the bridge's throughput with and without the REST client, per run and as medians.
 * <pre>java -cp cli/target/conduit.jar:bench/harness/target/conduit-bench-harness.jar io.conduit.cli.bench.ConsoleOverheadBenchmark [runs=3] [seconds=10]</pre>
 */
public final class ConsoleOverheadBenchmark {

  private ConsoleOverheadBenchmark() {
  }

  public static void main(String[] args) throws Exception {
    int runs = args.length > 0 ? Integer.parseInt(args[0]) : 3;
    int seconds = args.length > 1 ? Integer.parseInt(args[1]) : 10;
    Path dir = Files.createTempDirectory("conduit-console-bench");
    String endpoint = "tcp://127.0.0.1:" + freePort();
    String web = "http://127.0.0.1:" + freePort() + "/";
    Process node = start(dir, endpoint, web);
    List<double[]> results = new ArrayList<>();
    try {
      LoadSpec load = new LoadSpec(endpoint, "echo", 16, 16, 100, 0, Duration.ofSeconds(seconds), false);
      Progress quiet = new Progress(new PrintWriter(new StringWriter()), false);
      // Warm-up of both paths (JIT), not counted.
      LoadRunner.run(new LoadSpec(endpoint, "echo", 16, 16, 100, 0, Duration.ofSeconds(5), false), endpoint, quiet);
      probe(web, Duration.ofSeconds(5));
      for (int run = 1; run <= runs; run++) {
        Percentiles idle = probe(web, Duration.ofSeconds(seconds));
        LoadResult alone = LoadRunner.run(load, endpoint, quiet);
        Percentiles[] underLoad = new Percentiles[1];
        Thread prober = new Thread(() -> underLoad[0] = probeQuietly(web, Duration.ofSeconds(seconds)), "rest-probe");
        prober.start();
        LoadResult withRest = LoadRunner.run(load, endpoint, quiet);
        prober.join(TimeUnit.SECONDS.toMillis(seconds * 3L));
        Percentiles rest = underLoad[0];
        double[] r = {idle.p50() / 1e6, idle.p99() / 1e6, rest.p50() / 1e6, rest.p99() / 1e6, rest.samples() / (double) seconds,
            alone.throughput(), withRest.throughput(), alone.latency().p99() / 1e6, withRest.latency().p99() / 1e6};
        results.add(r);
        System.out.printf("run %d: GET /api/services idle p50 %.2f ms p99 %.2f ms; under bridge load p50 %.2f ms p99 %.2f ms "
                + "(%.0f req/s); bridge %,.0f req/s alone, %,.0f req/s with the REST client (bridge p99 %.2f / %.2f ms)%n",
            run, r[0], r[1], r[2], r[3], r[4], r[5], r[6], r[7], r[8]);
      }
      System.out.printf("median: GET /api/services idle p50 %.2f ms p99 %.2f ms; under load p50 %.2f ms p99 %.2f ms; "
              + "bridge %,.0f req/s alone, %,.0f req/s with the REST client%n",
          median(results, 0), median(results, 1), median(results, 2), median(results, 3), median(results, 5), median(results, 6));
    } finally {
      node.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
    }
  }

  private static Percentiles probeQuietly(String web, Duration duration) {
    try {
      return probe(web, duration);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  /** GET /api/services back to back for {@code duration}; latencies of the 200 answers. */
  private static Percentiles probe(String web, Duration duration) throws Exception {
    HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    HttpRequest request = HttpRequest.newBuilder(URI.create(web + "api/services")).timeout(Duration.ofSeconds(10)).build();
    long[] samples = new long[1 << 20];
    int n = 0;
    long end = System.nanoTime() + duration.toNanos();
    while (System.nanoTime() < end && n < samples.length) {
      long t0 = System.nanoTime();
      HttpResponse<String> r = client.send(request, HttpResponse.BodyHandlers.ofString());
      if (r.statusCode() != 200) {
        throw new IllegalStateException("GET /api/services answered " + r.statusCode() + ": " + r.body());
      }
      samples[n++] = System.nanoTime() - t0;
    }
    return Percentiles.of(Arrays.copyOf(samples, n));
  }

  private static double median(List<double[]> results, int column) {
    double[] values = results.stream().mapToDouble(r -> r[column]).sorted().toArray();
    return values[values.length / 2];
  }

  private static Process start(Path dir, String endpoint, String web) throws Exception {
    Path jar = Path.of(io.conduit.cli.Conduit.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    Path out = dir.resolve("serve.out");
    String hostPort = URI.create(web).getAuthority();
    Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx512m",
        "-jar", jar.toString(), "serve", "-b", "memory", "--data", dir.resolve("data").toString(), "-a", endpoint,
        "--events", "none", "--web", hostPort)
        .directory(dir.toFile()).redirectErrorStream(true).redirectOutput(out.toFile()).start();
    long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
    while (!Files.readString(out).contains("Ready")) {
      if (!p.isAlive() || System.nanoTime() > deadline) {
        p.destroyForcibly();
        throw new IllegalStateException("node did not start:\n" + Files.readString(out));
      }
      LockSupport.parkNanos(10_000_000);
    }
    return p;
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }
}
