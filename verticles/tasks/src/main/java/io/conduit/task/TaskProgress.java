package io.conduit.task;

import io.vertx.core.json.JsonObject;

/**
 * How far a task has come, as its handler last reported it.
 *
 * @param current steps done
 * @param total   steps in all (0 when unknown)
 * @param message what it is doing, for people (may be empty)
 * @param report  which report of its attempt this is (1, 2, ...; 0 for none): the order of the
 *                reports, which {@code current} is not when a task counts its phases from 1 again
 */
public record TaskProgress(long current, long total, String message, long report) {

  public static final TaskProgress NONE = new TaskProgress(0, 0, "", 0);

  public TaskProgress {
    message = message == null ? "" : message;
  }

  /** A report with no place in a sequence (0). */
  public TaskProgress(long current, long total, String message) {
    this(current, total, message, 0);
  }

  public JsonObject toJson() {
    JsonObject json = new JsonObject().put("current", current).put("total", total).put("message", message);
    return report == 0 ? json : json.put("report", report);
  }

  public static TaskProgress fromJson(JsonObject json) {
    if (json == null) {
      return NONE;
    }
    return new TaskProgress(json.getLong("current", 0L), json.getLong("total", 0L), json.getString("message", ""),
        json.getLong("report", 0L));
  }
}
