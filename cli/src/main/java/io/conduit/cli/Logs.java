package io.conduit.cli;

import java.util.logging.ConsoleHandler;
import java.util.logging.Formatter;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * Console logging for the {@code conduit} command: one line per record, Conduit's own records at
 * INFO, framework chatter (Hazelcast, Netty, Vert.x internals) only at WARNING unless verbose.
 * Applies only when the user has not configured java.util.logging.
 */
public final class Logs {

  // Held strongly: java.util.logging forgets the level of a logger nobody references.
  private static final java.util.List<Logger> HELD = new java.util.ArrayList<>();
  private static final String[] FRAMEWORK = {"com.hazelcast", "io.netty", "io.vertx", "io.micrometer"};

  static {
    for (String name : FRAMEWORK) {
      HELD.add(Logger.getLogger(name));
    }
    HELD.add(Logger.getLogger("com.hazelcast.cp"));
  }

  private Logs() {
  }

  public static void configure(boolean verbose) {
    if (System.getProperty("java.util.logging.config.file") != null) {
      return;
    }
    Logger root = Logger.getLogger("");
    for (var h : root.getHandlers()) {
      root.removeHandler(h);
    }
    ConsoleHandler console = new ConsoleHandler();
    console.setLevel(Level.ALL);
    console.setFormatter(new OneLine());
    root.addHandler(console);
    root.setLevel(Level.INFO);
    Level framework = verbose ? Level.INFO : Level.WARNING;
    for (String name : FRAMEWORK) {
      Logger.getLogger(name).setLevel(framework);
    }
    // Vert.x's cluster locks use Hazelcast's CP structures in their documented unsafe mode.
    Logger.getLogger("com.hazelcast.cp").setLevel(verbose ? Level.INFO : Level.SEVERE);
  }

  /**
   * Silences framework logging while a node starts, so a failed start-up reads as the one line
   * Conduit prints about it; {@link #afterStartup()} restores the normal levels.
   */
  public static void duringStartup() {
    if (!CliFailure.verbose() && System.getProperty("java.util.logging.config.file") == null) {
      for (String name : FRAMEWORK) {
        Logger.getLogger(name).setLevel(Level.OFF);
      }
    }
  }

  public static void afterStartup() {
    if (!CliFailure.verbose() && System.getProperty("java.util.logging.config.file") == null) {
      for (String name : FRAMEWORK) {
        Logger.getLogger(name).setLevel(Level.WARNING);
      }
    }
  }

  private static final class OneLine extends Formatter {
    @Override
    public String format(LogRecord r) {
      String text = String.format("%1$tT %2$-7s %3$s: %4$s%n", r.getMillis(), r.getLevel().getName(),
          shortName(r.getLoggerName()), formatMessage(r));
      if (r.getThrown() != null && Logs.verboseTraces()) {
        var out = new java.io.StringWriter();
        r.getThrown().printStackTrace(new java.io.PrintWriter(out));
        text += out;
      } else if (r.getThrown() != null) {
        text = text.stripTrailing() + " (" + r.getThrown() + ")" + System.lineSeparator();
      }
      return text;
    }

    private static String shortName(String logger) {
      if (logger == null) {
        return "";
      }
      int dot = logger.lastIndexOf('.');
      return dot < 0 ? logger : logger.substring(dot + 1);
    }
  }

  static boolean verboseTraces() {
    return CliFailure.verbose();
  }
}
