package io.conduit.cli.bench;

import java.time.Duration;
import java.util.List;

/**
 * One load to generate: {@code clients} sockets, each keeping {@code window} requests outstanding
 * (one at a time with {@code sync} REQ sockets), until {@code count} replies or {@code duration}.
 *
 * @param endpoint  where to send (the bridge, or the in-process raw echo)
 * @param address   event-bus address of each request
 * @param clients   sockets
 * @param window    requests each DEALER keeps outstanding (1 when sync)
 * @param bodyBytes size of each request body, a JSON string
 * @param count     requests in all, or 0 when the run is bounded by {@code duration}
 * @param duration  how long to run when {@code count} is 0 (with a count: the most the run may take);
 *                  always capped at {@link #MAX_DURATION}
 * @param sync      REQ sockets, one request at a time (latency mode)
 * @param body      the JSON text of every request body (e.g. a store op), or null for a JSON string of
 *                  {@code bodyBytes}
 * @param mix       when not empty, bodies sent in proportion to their weights instead of {@code body}
 *                  (e.g. GrapheekDB's addNode 999 : remove 5)
 * @param threads   threads driving the sockets, or 0 for one thread per socket; fewer threads than
 *                  sockets multiplex them (many connections without a thread each)
 */
public record LoadSpec(String endpoint, String address, int clients, int window, int bodyBytes, long count,
                       Duration duration, boolean sync, String body, List<WeightedBody> mix, int threads) {

  /** One body of a mix and its share. */
  public record WeightedBody(int weight, String json) {
    public WeightedBody {
      require(weight >= 1 && weight <= 100_000, "a --mix weight must be 1-100000, got " + weight);
    }

    /** Reads {@code WEIGHT:JSON}, e.g. {@code 999:{"op":"addNode"}}. */
    public static WeightedBody parse(String text) {
      int colon = text.indexOf(':');
      try {
        return new WeightedBody(Integer.parseInt(text.substring(0, Math.max(colon, 0)).trim()), text.substring(colon + 1));
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("--mix takes WEIGHT:JSON, e.g. 999:{\"op\":\"addNode\"}, got " + text);
      }
    }
  }

  public static final Duration MAX_DURATION = Duration.ofSeconds(300);
  public static final long DEFAULT_COUNT = 100_000;
  /** The most requests of the default warm-up: enough for the JIT to compile the request path at both ends. */
  public static final long DEFAULT_WARMUP = 20_000;
  public static final long MAX_WARMUP = 10_000_000;
  /** A warm-up ends after this long even when its requests are not all answered. */
  static final Duration WARMUP_LIMIT = Duration.ofSeconds(30);

  public LoadSpec {
    require(clients >= 1 && clients <= 1024, "--clients must be 1-1024, got " + clients);
    require(window >= 1 && window <= 100_000, "--window must be 1-100000, got " + window);
    require(bodyBytes >= 2 && bodyBytes <= 16 << 20, "--size must be 2 bytes to 16 MiB, got " + bodyBytes);
    require(count >= 0, "--count must be positive, got " + count);
    require(count > 0 || (duration != null && !duration.isZero() && !duration.isNegative()),
        "give a positive --count or --duration");
    require(duration == null || duration.compareTo(MAX_DURATION) <= 0,
        "--duration is at most " + MAX_DURATION.toSeconds() + " seconds, got " + (duration == null ? 0 : duration.toSeconds()));
    require(threads >= 0 && threads <= clients, "--threads must be 1 to --clients (" + clients + "), got " + threads);
    if (sync) {
      window = 1;
    }
    mix = mix == null ? List.of() : List.copyOf(mix);
  }

  public LoadSpec(String endpoint, String address, int clients, int window, int bodyBytes, long count,
                  Duration duration, boolean sync, String body, List<WeightedBody> mix) {
    this(endpoint, address, clients, window, bodyBytes, count, duration, sync, body, mix, 0);
  }

  public LoadSpec(String endpoint, String address, int clients, int window, int bodyBytes, long count,
                  Duration duration, boolean sync) {
    this(endpoint, address, clients, window, bodyBytes, count, duration, sync, null, List.of());
  }

  public LoadSpec(String endpoint, String address, int clients, int window, int bodyBytes, long count,
                  Duration duration, boolean sync, String body) {
    this(endpoint, address, clients, window, bodyBytes, count, duration, sync, body, List.of());
  }

  /**
   * The bodies of successive requests, as a cycle: each mix body as often as its weight, in a fixed
   * shuffled order (so any stretch of requests holds the mix's proportions); one body without a mix.
   */
  List<byte[]> bodyCycle() {
    if (mix.isEmpty()) {
      return List.of(bodyFrame());
    }
    List<byte[]> cycle = new java.util.ArrayList<>();
    for (WeightedBody b : mix) {
      byte[] bytes = b.json().getBytes(java.nio.charset.StandardCharsets.UTF_8);
      for (int i = 0; i < b.weight(); i++) {
        cycle.add(bytes);
      }
    }
    java.util.Collections.shuffle(cycle, new java.util.Random(42));
    return cycle;
  }

  /** The bytes of each request body. */
  byte[] bodyFrame() {
    return body != null ? body.getBytes(java.nio.charset.StandardCharsets.UTF_8)
        : ('"' + "x".repeat(bodyBytes - 2) + '"').getBytes(java.nio.charset.StandardCharsets.US_ASCII);
  }

  /** The same load against another endpoint. */
  public LoadSpec at(String otherEndpoint) {
    return new LoadSpec(otherEndpoint, address, clients, window, bodyBytes, count, duration, sync, body, mix, threads);
  }

  /** The same load for {@code requests} requests, ending after {@link #WARMUP_LIMIT} at the latest: a warm-up. */
  public LoadSpec warmUp(long requests) {
    return new LoadSpec(endpoint, address, clients, window, bodyBytes, requests, WARMUP_LIMIT, sync, body, mix, threads);
  }

  /** Threads the run uses: one per socket unless {@code threads} says fewer. */
  int threadCount() {
    return threads == 0 ? clients : threads;
  }

  /** Requests one client sends: its share of {@code count}, or unbounded in duration mode. */
  long quota(int client) {
    if (count == 0) {
      return Long.MAX_VALUE;
    }
    return count / clients + (client < count % clients ? 1 : 0);
  }

  /** How long the run may last: the duration (with a count, the most it may take), else the cap. */
  Duration timeLimit() {
    return duration != null ? duration : MAX_DURATION;
  }

  private static void require(boolean ok, String message) {
    if (!ok) {
      throw new IllegalArgumentException(message);
    }
  }
}
