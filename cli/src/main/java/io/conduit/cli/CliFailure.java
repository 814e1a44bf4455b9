package io.conduit.cli;

import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;

/**
 * A failure reported to the user as one line on stderr and a non-zero exit; the stack trace is
 * shown only with {@code --verbose}.
 */
public class CliFailure extends RuntimeException {

  private static volatile boolean verbose;

  public CliFailure(String message) {
    super(message);
  }

  public CliFailure(String message, Throwable cause) {
    super(message, cause);
  }

  public static void verbose(boolean on) {
    verbose = on;
  }

  public static boolean verbose() {
    return verbose;
  }

  /** Wraps what a start-up future failed with into one line a person can act on. */
  public static CliFailure from(Throwable e) {
    Throwable t = e;
    while ((t instanceof ExecutionException || t instanceof CompletionException) && t.getCause() != null) {
      t = t.getCause();
    }
    if (t instanceof CliFailure c) {
      return c;
    }
    if (t instanceof TimeoutException) {
      return new CliFailure("start-up did not finish in time", t);
    }
    return new CliFailure(message(t), t);
  }

  private static String message(Throwable t) {
    String m = t.getMessage();
    for (Throwable c = t; c != null; c = c.getCause()) {
      String cm = c.getMessage();
      if (cm != null && cm.contains("is already in use and auto-increment is disabled")) {
        return "cluster port is already in use (" + cm + "); choose another with --cluster-port";
      }
      if (c instanceof java.net.BindException) {
        return "address already in use: " + (m == null ? cm : m);
      }
    }
    return m == null ? t.getClass().getSimpleName() : m;
  }
}
