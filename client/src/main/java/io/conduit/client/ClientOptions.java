package io.conduit.client;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * How a {@link ConduitClient} talks to the bridge.
 *
 * @param eventsEndpoint where {@link ConduitClient#subscribe} connects its SUB socket; null means
 *                       the bridge's default: for {@code tcp://host:port}, the same host and port + 1
 * @param timeout        reply timeout of requests that name none; also sent to the bridge
 * @param curve          CURVE keys when the bridge requires CURVE, else null
 * @param maxInFlight    requests sent and not yet answered at most; further ones wait in the client,
 *                       in order, until replies make room (keep it at or below the bridge's
 *                       per-client limit to avoid OVERLOADED errors)
 * @param acceptDeflate  let the bridge compress large replies (inflated transparently)
 * @param connectTimeout how long {@code connect} waits for the bridge to answer; null: 10 times
 *                       {@code timeout}, at most 5 s
 */
public record ClientOptions(String eventsEndpoint, Duration timeout, CurveKeys curve, int maxInFlight,
                            boolean acceptDeflate, Duration connectTimeout) {

  public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);
  public static final int DEFAULT_MAX_IN_FLIGHT = 1000;

  private static final Pattern TCP = Pattern.compile("tcp://(.+):(\\d+)");

  public ClientOptions {
    if (timeout == null || timeout.isNegative() || timeout.isZero() || timeout.toMillis() > Integer.MAX_VALUE) {
      throw new IllegalArgumentException("timeout must be between 1 ms and " + Integer.MAX_VALUE + " ms, got " + timeout);
    }
    if (connectTimeout != null && (connectTimeout.isNegative() || connectTimeout.isZero()
        || connectTimeout.toMillis() > Integer.MAX_VALUE)) {
      throw new IllegalArgumentException("connectTimeout must be between 1 ms and " + Integer.MAX_VALUE + " ms, got "
          + connectTimeout);
    }
    if (maxInFlight < 1) {
      throw new IllegalArgumentException("maxInFlight must be at least 1, got " + maxInFlight);
    }
  }

  /** The defaults: derived events endpoint, 30 s timeout, no CURVE, 1,000 in flight, no compression. */
  public static ClientOptions defaults() {
    return new ClientOptions(null, DEFAULT_TIMEOUT, null, DEFAULT_MAX_IN_FLIGHT, false, null);
  }

  public ClientOptions withEventsEndpoint(String endpoint) {
    return new ClientOptions(endpoint, timeout, curve, maxInFlight, acceptDeflate, connectTimeout);
  }

  public ClientOptions withTimeout(Duration value) {
    return new ClientOptions(eventsEndpoint, value, curve, maxInFlight, acceptDeflate, connectTimeout);
  }

  public ClientOptions withCurve(CurveKeys keys) {
    return new ClientOptions(eventsEndpoint, timeout, keys, maxInFlight, acceptDeflate, connectTimeout);
  }

  public ClientOptions withMaxInFlight(int value) {
    return new ClientOptions(eventsEndpoint, timeout, curve, value, acceptDeflate, connectTimeout);
  }

  public ClientOptions withConnectTimeout(Duration value) {
    return new ClientOptions(eventsEndpoint, timeout, curve, maxInFlight, acceptDeflate, value);
  }

  public ClientOptions withAcceptDeflate(boolean value) {
    return new ClientOptions(eventsEndpoint, timeout, curve, maxInFlight, value, connectTimeout);
  }

  /** The events endpoint for a bridge at {@code endpoint}: the one set here, else the derived default, else null. */
  public String eventsEndpointFor(String endpoint) {
    return eventsEndpoint != null ? eventsEndpoint : defaultEventsEndpoint(endpoint);
  }

  /**
   * The bridge's default events endpoint for a request endpoint: {@code tcp://host:port} gives
   * {@code tcp://host:(port+1)}; other transports have no default (null).
   */
  public static String defaultEventsEndpoint(String endpoint) {
    Matcher m = TCP.matcher(endpoint);
    if (!m.matches()) {
      return null;
    }
    int port = Integer.parseInt(m.group(2));
    return port >= 65535 ? null : "tcp://" + m.group(1) + ":" + (port + 1);
  }
}
