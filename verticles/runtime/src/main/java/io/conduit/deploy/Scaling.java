package io.conduit.deploy;

import io.vertx.core.json.JsonObject;

import java.util.Set;

/**
 * How the scaler moves a service with an instance range, as written in a deployment file:
 * <pre>{@code
 * "instances": {"min": 1, "max": 4},
 * "scaling": {"targetInFlight": 2, "maxQueueDelayMs": 100, "upAfterMs": 2000, "downAfterMs": 30000}
 * }</pre>
 * One more instance when, for {@code upAfterMs} without a break, the requests in flight per instance
 * exceed {@code targetInFlight} or a new request waits longer than {@code maxQueueDelayMs} before an
 * instance starts on it. One instance fewer when, for {@code downAfterMs}, the load would leave the
 * remaining instances at most half of {@code targetInFlight} each, with no queueing. Each field may
 * be left out; the defaults are those of {@link #DEFAULTS}.
 *
 * @param targetInFlight   requests in flight per instance the scaler aims for (more than 0)
 * @param maxQueueDelayMs  the longest a request should wait for an instance to take it (1..60000)
 * @param upAfterMs        how long the load must stay high before one instance is added (0..3600000)
 * @param downAfterMs      how long the load must stay low before one instance is removed (0..3600000)
 */
public record Scaling(double targetInFlight, long maxQueueDelayMs, long upAfterMs, long downAfterMs) {

  /** Up after 2 s of load over 2 in flight per instance (or 100 ms queueing), down after 30 s low. */
  public static final Scaling DEFAULTS = new Scaling(2, 100, 2_000, 30_000);

  private static final Set<String> FIELDS = Set.of("targetInFlight", "maxQueueDelayMs", "upAfterMs", "downAfterMs");
  private static final long MAX_DELAY_MS = 3_600_000;

  public Scaling {
    if (!(targetInFlight > 0) || targetInFlight > 1_000_000) {
      throw new IllegalArgumentException("targetInFlight: must be more than 0 (and at most 1000000), got " + targetInFlight);
    }
    check("maxQueueDelayMs", maxQueueDelayMs, 1, 60_000);
    check("upAfterMs", upAfterMs, 0, MAX_DELAY_MS);
    check("downAfterMs", downAfterMs, 0, MAX_DELAY_MS);
  }

  /**
   * Reads the {@code scaling} object of a service; fields left out keep their default.
   *
   * @param path where the object is, for the message ({@code services[0].scaling})
   * @throws IllegalArgumentException naming the path, the field and the reason
   */
  public static Scaling fromJson(Object value, String path) {
    if (!(value instanceof JsonObject json)) {
      throw new IllegalArgumentException(path + ": must be an object like {\"targetInFlight\": 2, \"upAfterMs\": 2000}, got "
          + value);
    }
    for (String key : json.fieldNames()) {
      if (!FIELDS.contains(key)) {
        throw new IllegalArgumentException(path + "." + key + ": unknown field (expected one of "
            + String.join(", ", FIELDS.stream().sorted().toList()) + ")");
      }
    }
    try {
      return new Scaling(
          number(json, "targetInFlight", DEFAULTS.targetInFlight),
          whole(json, "maxQueueDelayMs", DEFAULTS.maxQueueDelayMs),
          whole(json, "upAfterMs", DEFAULTS.upAfterMs),
          whole(json, "downAfterMs", DEFAULTS.downAfterMs));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(path + "." + e.getMessage(), e);
    }
  }

  private static double number(JsonObject json, String field, double fallback) {
    Object v = json.getValue(field, fallback);
    if (!(v instanceof Number n)) {
      throw new IllegalArgumentException(field + ": must be a number, got " + v);
    }
    return n.doubleValue();
  }

  private static long whole(JsonObject json, String field, long fallback) {
    Object v = json.getValue(field, fallback);
    if (!(v instanceof Integer || v instanceof Long)) {
      throw new IllegalArgumentException(field + ": must be a whole number of milliseconds, got " + v);
    }
    return ((Number) v).longValue();
  }

  private static void check(String field, long value, long min, long max) {
    if (value < min || value > max) {
      throw new IllegalArgumentException(field + ": must be " + min + ".." + max + " ms, got " + value);
    }
  }
}
