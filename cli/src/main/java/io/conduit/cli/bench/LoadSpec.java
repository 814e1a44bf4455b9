package io.conduit.cli.bench;

import java.time.Duration;

/**
 * One load to generate: {@code clients} sockets, each keeping {@code window} requests outstanding
 * (one at a time with {@code sync} REQ sockets), until {@code count} replies or {@code duration}.
 *
 * @param endpoint  where to send (the bridge, or the in-process raw echo)
 * @param address   event-bus address of each request
 * @param clients   sockets, each on its own thread
 * @param window    requests each DEALER keeps outstanding (1 when sync)
 * @param bodyBytes size of each request body, a JSON string
 * @param count     requests in all, or 0 when the run is bounded by {@code duration}
 * @param duration  how long to run when {@code count} is 0; always capped at {@link #MAX_DURATION}
 * @param sync      REQ sockets, one request at a time (latency mode)
 * @param body      the JSON text of every request body (e.g. a store op), or null for a JSON string of
 *                  {@code bodyBytes}
 */
public record LoadSpec(String endpoint, String address, int clients, int window, int bodyBytes, long count,
                       Duration duration, boolean sync, String body) {

  public static final Duration MAX_DURATION = Duration.ofSeconds(300);
  public static final long DEFAULT_COUNT = 100_000;

  public LoadSpec {
    require(clients >= 1 && clients <= 1024, "--clients must be 1-1024, got " + clients);
    require(window >= 1 && window <= 100_000, "--window must be 1-100000, got " + window);
    require(bodyBytes >= 2 && bodyBytes <= 16 << 20, "--size must be 2 bytes to 16 MiB, got " + bodyBytes);
    require(count >= 0, "--count must be positive, got " + count);
    require(count > 0 || (duration != null && !duration.isZero() && !duration.isNegative()),
        "give a positive --count or --duration");
    require(duration == null || duration.compareTo(MAX_DURATION) <= 0,
        "--duration is at most " + MAX_DURATION.toSeconds() + " seconds, got " + (duration == null ? 0 : duration.toSeconds()));
    if (sync) {
      window = 1;
    }
  }

  public LoadSpec(String endpoint, String address, int clients, int window, int bodyBytes, long count,
                  Duration duration, boolean sync) {
    this(endpoint, address, clients, window, bodyBytes, count, duration, sync, null);
  }

  /** The bytes of each request body. */
  byte[] bodyFrame() {
    return body != null ? body.getBytes(java.nio.charset.StandardCharsets.UTF_8)
        : ('"' + "x".repeat(bodyBytes - 2) + '"').getBytes(java.nio.charset.StandardCharsets.US_ASCII);
  }

  /** The same load against another endpoint. */
  public LoadSpec at(String otherEndpoint) {
    return new LoadSpec(otherEndpoint, address, clients, window, bodyBytes, count, duration, sync, body);
  }

  /** Requests one client sends: its share of {@code count}, or unbounded in duration mode. */
  long quota(int client) {
    if (count == 0) {
      return Long.MAX_VALUE;
    }
    return count / clients + (client < count % clients ? 1 : 0);
  }

  /** How long the run may last: the duration, or the cap for a count-bounded run. */
  Duration timeLimit() {
    return count == 0 ? duration : MAX_DURATION;
  }

  private static void require(boolean ok, String message) {
    if (!ok) {
      throw new IllegalArgumentException(message);
    }
  }
}
