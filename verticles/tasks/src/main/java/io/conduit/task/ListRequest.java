package io.conduit.task;

import io.conduit.codec.Quoted;
import io.vertx.core.json.JsonObject;

import java.util.Set;

/**
 * A {@code list} request: tasks in submission order (or newest first), optionally of one state, a
 * page at a time.
 *
 * @param state       only tasks in this state, or null for all
 * @param limit       at most this many (1 to 1000)
 * @param cursor      the {@code cursor} of the previous page, or null for the first
 * @param newestFirst the most recently submitted first (what a console shows)
 */
public record ListRequest(TaskState state, int limit, String cursor, boolean newestFirst) {

  static final int MAX_LIMIT = 1000;
  private static final Set<String> FIELDS = Set.of("op", "state", "limit", "cursor", "newestFirst");

  public static ListRequest fromJson(JsonObject json) {
    for (String key : json.fieldNames()) {
      if (!FIELDS.contains(key)) {
        throw new IllegalArgumentException("list: unknown field '" + key + "' (expected state, limit, cursor, newestFirst)");
      }
    }
    Object state = json.getValue("state");
    if (state != null && !(state instanceof String)) {
      throw new IllegalArgumentException("list: 'state' must be a state name, got " + Quoted.json(state));
    }
    Object limit = json.getValue("limit", 100);
    if (!(limit instanceof Integer n) || n < 1 || n > MAX_LIMIT) {
      throw new IllegalArgumentException("list: 'limit' must be a whole number from 1 to " + MAX_LIMIT + ", got "
          + Quoted.json(limit));
    }
    Object cursor = json.getValue("cursor");
    if (cursor != null && !(cursor instanceof String c && c.matches("\\d{1,19}:[^:]+"))) {
      throw new IllegalArgumentException("list: 'cursor' must be the cursor a previous list returned, got " + Quoted.json(cursor));
    }
    Object newest = json.getValue("newestFirst", false);
    if (!(newest instanceof Boolean newestFirst)) {
      throw new IllegalArgumentException("list: 'newestFirst' must be true or false, got " + Quoted.json(newest));
    }
    return new ListRequest(state == null ? null : TaskState.parse((String) state), n, (String) cursor, newestFirst);
  }
}
