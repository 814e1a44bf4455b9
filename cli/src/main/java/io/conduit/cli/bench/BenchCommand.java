package io.conduit.cli.bench;

import io.conduit.cli.ConnectOptions;
import io.conduit.client.CurveKeys;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

import java.time.Duration;
import java.util.concurrent.Callable;

/** {@code conduit bench}: load on a bridge address, optionally compared with a raw JeroMQ echo. */
@Command(name = "bench",
    header = "Measure a bridge: requests per second and latency percentiles of CBP/1 clients.",
    sortOptions = false, usageHelpAutoWidth = true,
    description = {"Measure a bridge: N DEALER clients each keep W CBP/1 requests outstanding (or, with --sync,",
        "REQ clients send one at a time) and the summary shows req/s and p50/p99/p99.9 latency.",
        "With --raw the same load also runs against an in-process JeroMQ ROUTER echo, for the ratio."})
public final class BenchCommand implements Callable<Integer> {

  @Option(names = {"-e", "--endpoint"}, paramLabel = "ENDPOINT", description = "Bridge endpoint. Default: ${DEFAULT-VALUE}.")
  String endpoint = "tcp://127.0.0.1:5555";

  @Option(names = "--address", paramLabel = "ADDRESS", description = "Event-bus address to request. Default: ${DEFAULT-VALUE}.")
  String address = "echo";

  @Option(names = "--clients", paramLabel = "N", description = "Client sockets. Default: ${DEFAULT-VALUE}.")
  int clients = 8;

  @Option(names = "--threads", paramLabel = "T",
      description = "Threads driving the sockets; fewer than --clients multiplexes them. Default: one per client.")
  Integer threads;

  @Option(names = "--window", paramLabel = "W", description = "Requests each client keeps outstanding. Default: ${DEFAULT-VALUE}.")
  int window = 1000;

  @Option(names = "--size", paramLabel = "BYTES", description = "Request body size (a JSON string). Default: ${DEFAULT-VALUE}.")
  int size = 100;

  @Option(names = "--body", paramLabel = "JSON",
      description = "Send this JSON as every request's body instead of a string of --size bytes, e.g. a store op.")
  String body;

  @Option(names = "--mix", paramLabel = "WEIGHT:JSON",
      description = {"Send a weighted mix of bodies instead of --body (repeat it), e.g. GrapheekDB's load:",
          "--mix '999:{\"op\":\"addNode\",\"data\":{\"name\":\"x\"}}' --mix '5:{\"op\":\"remove\",...}'"})
  java.util.List<String> mix = new java.util.ArrayList<>();

  @Option(names = "--count", paramLabel = "N",
      description = "Requests in all. Default: " + LoadSpec.DEFAULT_COUNT + " unless --duration is given.")
  Long count;

  @Option(names = "--duration", paramLabel = "SECONDS", description = "Run for this long instead of --count (at most 300).")
  Long durationSeconds;

  @Option(names = "--warmup", paramLabel = "N",
      description = {"Requests sent to each target just before its measured run and not counted, so both are",
          "measured warm (0: none). Default: as many as --count, at most " + LoadSpec.DEFAULT_WARMUP + "."})
  Long warmup;

  @Option(names = "--raw", description = "Also run the load against an in-process JeroMQ ROUTER echo and print the ratio.")
  boolean raw;

  @Option(names = "--sync", description = "REQ sockets, one request at a time (latency mode).")
  boolean sync;

  @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help.")
  boolean help;

  @Mixin
  ConnectOptions connection;

  @Spec
  CommandSpec spec;

  @Override
  public Integer call() {
    LoadSpec load = loadSpec();
    BenchConnection bridgeConnection = bridgeConnection();
    Progress progress = Progress.onConsole(spec.commandLine().getErr());
    long warmupRequests = warmup != null ? warmup : load.count() > 0 ? Math.min(load.count(), LoadSpec.DEFAULT_WARMUP)
        : LoadSpec.DEFAULT_WARMUP;
    LoadResult bridge = warmedRun(load, bridgeConnection, warmupRequests, "bridge", progress);
    LoadResult baseline = null;
    if (raw) {
      try (RawEcho echo = RawEcho.start()) {
        baseline = warmedRun(load.at(echo.endpoint()), BenchConnection.PLAIN, warmupRequests, "raw", progress);
      }
    }
    Report.print(spec.commandLine().getOut(), load, warmupRequests, bridge, baseline);
    return 0;
  }

  /**
   * Runs the load after {@code warmup} requests to the same target. A cold run measures the JIT at
   * work as well: on a small VM its compiler threads also keep the CPUs from idling, which made the
   * first target's latency look better than its steady state (measured: raw echo p50 85-100 µs in
   * a fresh JVM, 130-180 µs once compiled; docs/benchmarks.md, "Warm-up").
   */
  private static LoadResult warmedRun(LoadSpec load, BenchConnection connection, long warmup, String target,
                                      Progress progress) {
    if (warmup > 0) {
      LoadRunner.run(load.warmUp(warmup), connection, target + " warm-up", progress);
    }
    return LoadRunner.run(load, connection, target, progress);
  }

  /** The bridge's CURVE keys and connect wait; --raw's echo speaks no CURVE, so the two do not mix. */
  private BenchConnection bridgeConnection() {
    CurveKeys curve = connection.curve();
    if (curve != null && raw) {
      throw new ParameterException(spec.commandLine(), "--raw compares with a plain echo, which has no CURVE: "
          + "leave out --raw or --server-key");
    }
    return new BenchConnection(curve, connection.connectTimeoutMs());
  }

  private LoadSpec loadSpec() {
    if (count != null && durationSeconds != null) {
      throw new ParameterException(spec.commandLine(), "give --count or --duration, not both");
    }
    if (durationSeconds != null && (durationSeconds < 1 || durationSeconds > LoadSpec.MAX_DURATION.toSeconds())) {
      throw new ParameterException(spec.commandLine(), "--duration must be 1-" + LoadSpec.MAX_DURATION.toSeconds()
          + " seconds, got " + durationSeconds);
    }
    long n = durationSeconds != null ? 0 : count != null ? count : LoadSpec.DEFAULT_COUNT;
    if (warmup != null && (warmup < 0 || warmup > LoadSpec.MAX_WARMUP)) {
      throw new ParameterException(spec.commandLine(), "--warmup must be 0-" + LoadSpec.MAX_WARMUP
          + " requests, got " + warmup);
    }
    if (count != null && count < 1) {
      throw new ParameterException(spec.commandLine(), "--count must be at least 1, got " + count);
    }
    Duration duration = durationSeconds == null ? null : Duration.ofSeconds(durationSeconds);
    try {
      if (body != null) {
        try {
          io.vertx.core.json.Json.decodeValue(body);
        } catch (io.vertx.core.json.DecodeException e) {
          throw new IllegalArgumentException("--body is not valid JSON: " + e.getMessage());
        }
      }
      if (body != null && !mix.isEmpty()) {
        throw new IllegalArgumentException("give --body or --mix, not both");
      }
      java.util.List<LoadSpec.WeightedBody> weighted = new java.util.ArrayList<>();
      for (String m : mix) {
        LoadSpec.WeightedBody b = LoadSpec.WeightedBody.parse(m);
        try {
          io.vertx.core.json.Json.decodeValue(b.json());
        } catch (io.vertx.core.json.DecodeException e) {
          throw new IllegalArgumentException("--mix body is not valid JSON: " + e.getMessage());
        }
        weighted.add(b);
      }
      if (threads != null && threads < 1) {
        throw new IllegalArgumentException("--threads must be at least 1, got " + threads);
      }
      return new LoadSpec(endpoint, address, clients, window, size, n, duration, sync, body, weighted,
          threads == null ? 0 : threads);
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), e.getMessage());
    }
  }
}
