package io.conduit.task;

import io.vertx.core.json.JsonObject;

/**
 * How far a task has come, as its handler last reported it.
 *
 * @param current steps done
 * @param total   steps in all (0 when unknown)
 * @param message what it is doing, for people (may be empty)
 */
public record TaskProgress(long current, long total, String message) {

  public static final TaskProgress NONE = new TaskProgress(0, 0, "");

  public TaskProgress {
    message = message == null ? "" : message;
  }

  public JsonObject toJson() {
    return new JsonObject().put("current", current).put("total", total).put("message", message);
  }

  public static TaskProgress fromJson(JsonObject json) {
    if (json == null) {
      return NONE;
    }
    return new TaskProgress(json.getLong("current", 0L), json.getLong("total", 0L), json.getString("message", ""));
  }
}
