package io.conduit.web;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import java.util.logging.Formatter;
import java.util.logging.LogRecord;

/**
 * The recent log records of each service on one node, in a bounded ring per service. Records are
 * keyed by the service that owns the logging deployment; a record logged before the service's
 * deployment is known (during its {@code start()}) is kept under its deployment id and found
 * through it later.
 */
final class ServiceLogs {

  /** Records kept per service. */
  static final int PER_SERVICE = 500;
  /** Rings kept at most (services plus not-yet-named deployments), so the table stays bounded. */
  static final int MAX_RINGS = 1024;

  private static final Formatter TEXT = new Formatter() {
    @Override
    public String format(LogRecord record) {
      return formatMessage(record);
    }
  };

  private final Function<String, String> serviceOfDeployment;
  private final Map<String, Deque<JsonObject>> rings = new ConcurrentHashMap<>();
  private final AtomicLong sequence = new AtomicLong();

  /** @param serviceOfDeployment the service name of a deployment id, or null when not (yet) known */
  ServiceLogs(Function<String, String> serviceOfDeployment) {
    this.serviceOfDeployment = serviceOfDeployment;
  }

  void add(String deploymentId, LogRecord record) {
    String service = serviceOfDeployment.apply(deploymentId);
    String key = service != null ? service : "deployment:" + deploymentId;
    Deque<JsonObject> ring = rings.get(key);
    if (ring == null) {
      if (rings.size() >= MAX_RINGS) {
        return;
      }
      ring = rings.computeIfAbsent(key, k -> new ArrayDeque<>());
    }
    JsonObject entry = new JsonObject()
        .put("seq", sequence.incrementAndGet())
        .put("at", Instant.ofEpochMilli(record.getMillis()).toString())
        .put("level", record.getLevel().getName())
        .put("logger", record.getLoggerName())
        .put("message", TEXT.formatMessage(record));
    if (record.getThrown() != null) {
      entry.put("thrown", record.getThrown().toString());
    }
    synchronized (ring) {
      ring.addLast(entry);
      while (ring.size() > PER_SERVICE) {
        ring.removeFirst();
      }
    }
  }

  /**
   * The last {@code tail} records of {@code service}, oldest first, including records logged under
   * {@code deploymentIds} (its current deployments) before the service was known by name.
   */
  JsonArray tail(String service, List<String> deploymentIds, int tail) {
    List<JsonObject> all = new ArrayList<>(copy(service));
    for (String id : deploymentIds) {
      all.addAll(copy("deployment:" + id));
    }
    all.sort((a, b) -> Long.compare(a.getLong("seq"), b.getLong("seq")));
    List<JsonObject> last = all.subList(Math.max(0, all.size() - tail), all.size());
    return new JsonArray(new ArrayList<>(last));
  }

  private List<JsonObject> copy(String key) {
    Deque<JsonObject> ring = rings.get(key);
    if (ring == null) {
      return List.of();
    }
    synchronized (ring) {
      return new ArrayList<>(ring);
    }
  }
}
