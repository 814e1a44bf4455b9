package io.conduit.process;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * How one supervised process of a service runs: the {@code "process"} object of a deployment-file
 * entry.
 * <pre>{@code
 * "process": {"command": ["python3", "-m", "conduit.worker", "shop:worker", "--service", "py.upper"],
 *             "env": {"PYTHONPATH": "src"}, "cwd": "app", "stopGraceMs": 10000}
 * }</pre>
 *
 * @param command       the program and its arguments (no shell: each element is one argument)
 * @param env           variables added to the node's environment for the process
 * @param cwd           the working directory: in a deployment file, relative to the file's folder, which
 *                      is also the default ({@code DeploymentPlan.withProcessesIn}); null for the node's own
 * @param stopGraceMs   how long a stopping process has after SIGTERM before it is killed
 * @param readyAfterMs  a process still running this long after it started has started; one that
 *                      exits sooner fails its instance's start (so a typo is an error, not a restart loop)
 * @param restartMaxMs  the longest wait before restarting a process that exited (the wait doubles
 *                      from 1 s up to this after each quick exit)
 */
public record ProcessOptions(List<String> command, Map<String, String> env, String cwd, long stopGraceMs,
                             long readyAfterMs, long restartMaxMs) {

  public static final long DEFAULT_STOP_GRACE_MS = 10_000;
  public static final long DEFAULT_READY_AFTER_MS = 500;
  public static final long DEFAULT_RESTART_MAX_MS = 30_000;
  private static final Set<String> FIELDS = Set.of("command", "env", "cwd", "stopGraceMs", "readyAfterMs",
      "restartMaxMs");

  public ProcessOptions {
    command = List.copyOf(command);
    env = Map.copyOf(env);
  }

  /** Reads and checks a {@code "process"} object; the message names the field and what it must be. */
  public static ProcessOptions fromJson(Object value) {
    if (!(value instanceof JsonObject json)) {
      throw new IllegalArgumentException("process: must be an object with a \"command\" list, got " + value);
    }
    for (String key : json.fieldNames()) {
      if (!FIELDS.contains(key)) {
        throw new IllegalArgumentException("process." + key + ": unknown field (expected one of "
            + String.join(", ", new TreeSet<>(FIELDS)) + ")");
      }
    }
    if (!(json.getValue("command") instanceof JsonArray list) || list.isEmpty()) {
      throw new IllegalArgumentException("process.command: required, a non-empty list of strings "
          + "(the program, then its arguments)");
    }
    List<String> command = new ArrayList<>();
    for (int i = 0; i < list.size(); i++) {
      if (!(list.getValue(i) instanceof String arg) || (i == 0 && arg.isBlank())) {
        throw new IllegalArgumentException("process.command[" + i + "]: must be a " + (i == 0 ? "non-empty " : "")
            + "string, got " + list.getValue(i));
      }
      command.add(arg);
    }
    Map<String, String> env = new LinkedHashMap<>();
    Object envValue = json.getValue("env", new JsonObject());
    if (!(envValue instanceof JsonObject envJson)) {
      throw new IllegalArgumentException("process.env: must be an object of names to string values, got " + envValue);
    }
    for (String name : envJson.fieldNames()) {
      if (name.isEmpty() || name.contains("=") || !(envJson.getValue(name) instanceof String v)) {
        throw new IllegalArgumentException("process.env." + name + ": must be a string value under a name without '='");
      }
      env.put(name, v);
    }
    Object cwd = json.getValue("cwd");
    if (cwd != null && (!(cwd instanceof String c) || c.isBlank())) {
      throw new IllegalArgumentException("process.cwd: must be a non-empty string (a directory), got " + cwd);
    }
    return new ProcessOptions(command, env, (String) cwd,
        millis(json, "stopGraceMs", DEFAULT_STOP_GRACE_MS, 0, 600_000),
        millis(json, "readyAfterMs", DEFAULT_READY_AFTER_MS, 0, 60_000),
        millis(json, "restartMaxMs", DEFAULT_RESTART_MAX_MS, 1_000, 3_600_000));
  }

  private static long millis(JsonObject json, String field, long fallback, long min, long max) {
    Object v = json.getValue(field, fallback);
    if (!(v instanceof Integer || v instanceof Long) || ((Number) v).longValue() < min || ((Number) v).longValue() > max) {
      throw new IllegalArgumentException("process." + field + ": must be a whole number of milliseconds from " + min
          + " to " + max + ", got " + v);
    }
    return ((Number) v).longValue();
  }

  public JsonObject toJson() {
    JsonObject json = new JsonObject().put("command", new JsonArray(new ArrayList<>(command)))
        .put("env", new JsonObject(new LinkedHashMap<>(env)))
        .put("stopGraceMs", stopGraceMs).put("readyAfterMs", readyAfterMs).put("restartMaxMs", restartMaxMs);
    if (cwd != null) {
      json.put("cwd", cwd);
    }
    return json;
  }
}
