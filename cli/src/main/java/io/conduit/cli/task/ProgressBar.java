package io.conduit.cli.task;

import io.vertx.core.json.JsonObject;

import java.io.PrintWriter;

/**
 * Draws a task's status as a progress bar: redrawn in place on a terminal, one line per visible
 * change otherwise (logs, pipes, tests).
 */
final class ProgressBar {

  private static final int WIDTH = 30;

  private final PrintWriter out;
  private final boolean terminal;
  private String lastLine = "";

  ProgressBar(PrintWriter out, boolean terminal) {
    this.out = out;
    this.terminal = terminal;
  }

  void show(JsonObject status) {
    String line = line(status);
    if (line.equals(lastLine)) {
      return;
    }
    lastLine = line;
    if (terminal) {
      out.print("\r" + line + "\u001b[K");
    } else {
      out.println(line);
    }
    out.flush();
  }

  /** Ends the in-place line so that what follows starts on its own. */
  void done() {
    if (terminal && !lastLine.isEmpty()) {
      out.println();
      out.flush();
    }
  }

  static String line(JsonObject status) {
    JsonObject p = status.getJsonObject("progress", new JsonObject());
    long current = p.getLong("current", 0L);
    long total = p.getLong("total", 0L);
    String state = status.getString("state", "?");
    StringBuilder b = new StringBuilder();
    if (total > 0) {
      int filled = (int) Math.min(WIDTH, current * WIDTH / total);
      b.append('[').append("#".repeat(filled)).append(".".repeat(WIDTH - filled)).append("] ")
          .append(String.format("%3d%% ", Math.min(100, current * 100 / total))).append(current).append('/').append(total);
    } else {
      b.append('[').append(".".repeat(WIDTH)).append("]");
    }
    b.append(' ').append(state);
    String message = p.getString("message", "");
    if (!message.isEmpty()) {
      b.append("  ").append(message);
    }
    return b.toString();
  }
}
