package io.conduit.client;

import java.time.Duration;
import java.util.Map;

/**
 * How {@link ConduitClient#map(String, Iterable, MapOptions)} streams items.
 *
 * @param window  requests in flight at most; the next item is sent when a result is taken
 * @param ordered results in input order (a slow item holds back later ones, the window still
 *                bounds what is kept) instead of as they complete
 * @param timeout reply timeout of each item; null means the client's
 * @param headers event-bus headers sent with every item (e.g. {@code op} for a binary service op)
 */
public record MapOptions(int window, boolean ordered, Duration timeout, Map<String, String> headers) {

  public static final int DEFAULT_WINDOW = 100;

  public MapOptions {
    if (window < 1) {
      throw new IllegalArgumentException("window must be at least 1, got " + window);
    }
    if (timeout != null && (timeout.isNegative() || timeout.isZero())) {
      throw new IllegalArgumentException("timeout must be positive, got " + timeout);
    }
    headers = Map.copyOf(headers == null ? Map.of() : headers);
  }

  /** A window of 100, results as they complete, the client's timeout, no headers. */
  public static MapOptions defaults() {
    return new MapOptions(DEFAULT_WINDOW, false, null, Map.of());
  }

  public MapOptions withWindow(int value) {
    return new MapOptions(value, ordered, timeout, headers);
  }

  public MapOptions withOrdered(boolean value) {
    return new MapOptions(window, value, timeout, headers);
  }

  public MapOptions withTimeout(Duration value) {
    return new MapOptions(window, ordered, value, headers);
  }

  public MapOptions withHeaders(Map<String, String> value) {
    return new MapOptions(window, ordered, timeout, value);
  }
}
