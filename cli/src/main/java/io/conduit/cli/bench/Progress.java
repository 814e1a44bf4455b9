package io.conduit.cli.bench;

import java.io.PrintWriter;

/**
 * The progress line on stderr while a load runs: a bar redrawn in place about 5 times a second on
 * a terminal; elsewhere (a pipe, a log file) one plain line every 5 seconds.
 */
public final class Progress {

  private static final int WIDTH = 30;
  private static final long PLAIN_EVERY_NANOS = 5_000_000_000L;

  private final PrintWriter err;
  private final boolean terminal;
  private String target;
  private LoadSpec spec;
  private long lastPlainNanos;
  private boolean drawn;

  public Progress(PrintWriter err, boolean terminal) {
    this.err = err;
    this.terminal = terminal;
  }

  /** Progress for the console: a redrawn bar when stderr is a terminal. */
  public static Progress onConsole(PrintWriter err) {
    return new Progress(err, System.console() != null);
  }

  void start(String name, LoadSpec load) {
    this.target = name;
    this.spec = load;
    this.lastPlainNanos = 0;
  }

  void update(long answered, long elapsedNanos) {
    double fraction = spec.count() > 0 ? (double) answered / spec.count()
        : (double) elapsedNanos / spec.timeLimit().toNanos();
    fraction = Math.max(0, Math.min(1, fraction));
    double rate = elapsedNanos == 0 ? 0 : answered * 1e9 / elapsedNanos;
    String done = spec.count() > 0 ? String.format("%,d/%,d", answered, spec.count())
        : String.format("%.0f/%d s", elapsedNanos / 1e9, spec.timeLimit().toSeconds());
    if (terminal) {
      int filled = (int) Math.round(fraction * WIDTH);
      err.printf("\r%-6s [%s%s] %3.0f%%  %s  %,.0f req/s ", target, "#".repeat(filled), "-".repeat(WIDTH - filled),
          fraction * 100, done, rate);
      err.flush();
      drawn = true;
    } else if (elapsedNanos - lastPlainNanos >= PLAIN_EVERY_NANOS) {
      lastPlainNanos = elapsedNanos;
      err.printf("%s: %3.0f%%  %s  %,.0f req/s%n", target, fraction * 100, done, rate);
      err.flush();
    }
  }

  void finish() {
    if (drawn) {
      err.print("\r" + " ".repeat(WIDTH + 60) + "\r");
      err.flush();
      drawn = false;
    }
  }
}
