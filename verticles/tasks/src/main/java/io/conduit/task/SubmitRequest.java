package io.conduit.task;

import io.conduit.codec.Quoted;
import io.vertx.core.json.JsonObject;

import java.util.Set;

/**
 * A {@code submit} request, validated once at the edge.
 *
 * @param task           handler name
 * @param args           handler arguments ({} when absent)
 * @param idempotencyKey submits with the same key get the same task (null: none)
 * @param maxRetries     attempts allowed after the first
 * @param timeoutMs      time limit of one attempt (0: none)
 * @param resultTtlMs    how long the finished task is kept
 */
public record SubmitRequest(String task, JsonObject args, String idempotencyKey, int maxRetries, long timeoutMs,
                            long resultTtlMs) {

  static final Set<String> FIELDS = Set.of("op", "task", "args", "idempotencyKey", "maxRetries", "timeoutMs",
      "resultTtlMs");
  static final int MAX_KEY_LENGTH = 200;
  static final int MAX_RETRIES = 100;

  /** Parses a request; defaults come from the queue's options. */
  public static SubmitRequest fromJson(JsonObject json, TaskQueueOptions defaults) {
    for (String key : json.fieldNames()) {
      if (!FIELDS.contains(key)) {
        throw new IllegalArgumentException("submit: unknown field " + Quoted.text(key) + " (expected task, args, idempotencyKey, "
            + "maxRetries, timeoutMs, resultTtlMs)");
      }
    }
    if (!(json.getValue("task") instanceof String task) || task.isBlank()) {
      throw new IllegalArgumentException("submit: 'task' is required: the name of a registered task, e.g. "
          + "\"example.count\"");
    }
    Object args = json.getValue("args", new JsonObject());
    if (!(args instanceof JsonObject argObject)) {
      throw new IllegalArgumentException("submit: 'args' must be a JSON object, got " + Quoted.json(args));
    }
    Object key = json.getValue("idempotencyKey");
    if (key != null && (!(key instanceof String k) || k.isEmpty() || k.length() > MAX_KEY_LENGTH)) {
      throw new IllegalArgumentException("submit: 'idempotencyKey' must be a string of 1 to " + MAX_KEY_LENGTH
          + " characters, got " + Quoted.json(key));
    }
    long retries = number(json, "maxRetries", defaults.maxRetries(), 0, MAX_RETRIES);
    long timeout = number(json, "timeoutMs", defaults.timeoutMs(), 0, Long.MAX_VALUE / 4);
    long ttl = number(json, "resultTtlMs", defaults.resultTtlMs(), 1, Long.MAX_VALUE / 4);
    return new SubmitRequest(task, argObject, (String) key, (int) retries, timeout, ttl);
  }

  private static long number(JsonObject json, String field, long dflt, long min, long max) {
    Object v = json.getValue(field);
    if (v == null) {
      return dflt;
    }
    if (!(v instanceof Integer || v instanceof Long) || ((Number) v).longValue() < min
        || ((Number) v).longValue() > max) {
      throw new IllegalArgumentException("submit: '" + field + "' must be a whole number from " + min
          + (max < Long.MAX_VALUE / 4 ? " to " + max : " up") + ", got " + Quoted.json(v));
    }
    return ((Number) v).longValue();
  }
}
