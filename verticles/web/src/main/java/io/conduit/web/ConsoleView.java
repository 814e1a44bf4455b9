package io.conduit.web;

import io.vertx.core.json.JsonObject;

import java.util.regex.Pattern;

/**
 * A panel of the web console that a capability contributes beside the built-in node and service
 * views: its title, the {@code /api} path it shows and how often it is read again. The console
 * asks {@code GET /api/views} which panels this node has, so a node without a capability shows no
 * panel for it and a capability of your own (an {@link ApiExtension}) gets one without touching the
 * console's code.
 *
 * @param id        a name for the panel, unique on the node (lower case, digits, dashes)
 * @param title     the panel's heading
 * @param path      what the panel reads: a GET path under {@code /api}, without the leading slash
 * @param renderer  how the console draws it: {@code "tasks"} and {@code "bridge"} (the built-in
 *                  ones), or {@code "json"}, which shows any JSON answer as fields and tables
 * @param refreshMs how often the panel is read again (500 ms to 10 minutes)
 */
public record ConsoleView(String id, String title, String path, String renderer, long refreshMs) {

  private static final Pattern ID = Pattern.compile("[a-z0-9][a-z0-9-]{0,39}");
  private static final Pattern PATH = Pattern.compile("[A-Za-z0-9._~/?&=%-]{1,200}");

  public ConsoleView {
    if (id == null || !ID.matcher(id).matches()) {
      throw new IllegalArgumentException("a console view's id is 1-40 lower-case letters, digits or dashes, not '"
          + id + "'");
    }
    if (title == null || title.isBlank() || title.length() > 60) {
      throw new IllegalArgumentException("console view '" + id + "' needs a title of 1-60 characters");
    }
    if (path == null || path.startsWith("/") || path.contains("..") || !PATH.matcher(path).matches()) {
      throw new IllegalArgumentException("console view '" + id + "' reads a path under /api without the leading "
          + "slash, not '" + path + "'");
    }
    if (!"tasks".equals(renderer) && !"bridge".equals(renderer) && !"json".equals(renderer)) {
      throw new IllegalArgumentException("console view '" + id + "' is drawn as 'tasks', 'bridge' or 'json', not '"
          + renderer + "'");
    }
    if (refreshMs < 500 || refreshMs > 600_000) {
      throw new IllegalArgumentException("console view '" + id + "' refreshes every 500-600000 ms, not " + refreshMs);
    }
  }

  /** A panel that shows any JSON answer of {@code path}, read every {@code refreshMs}. */
  public static ConsoleView json(String id, String title, String path, long refreshMs) {
    return new ConsoleView(id, title, path, "json", refreshMs);
  }

  public JsonObject toJson() {
    return new JsonObject().put("id", id).put("title", title).put("path", path).put("renderer", renderer)
        .put("refreshMs", refreshMs);
  }
}
