package io.conduit.cli.bench;

import org.zeromq.ZContext;

import java.nio.channels.ClosedChannelException;
import java.nio.channels.ClosedSelectorException;

/**
 * JeroMQ contexts for the load generator whose I/O threads do not print stack traces into the
 * report. Closing a context races its I/O threads: one may still signal a mailbox the closing
 * thread has just shut, and JeroMQ's default handler prints that harmless
 * {@code ClosedChannelException} with its whole trace, after the one-line result or error a user
 * (or a script reading stderr) expects. Those races are dropped; any other I/O-thread failure is
 * reported on one line.
 */
final class QuietContext {

  private QuietContext() {
  }

  /** A context with {@code ioThreads} I/O threads; set before any socket starts them. */
  static ZContext create(int ioThreads) {
    ZContext context = new ZContext(ioThreads);
    Thread.UncaughtExceptionHandler handler = QuietContext::report;
    context.setUncaughtExceptionHandler(handler);
    context.setNotificationExceptionHandler(handler);
    return context;
  }

  private static void report(Thread thread, Throwable failure) {
    if (!isCloseRace(failure)) {
      System.err.println("bench: ZeroMQ thread " + thread.getName() + " failed: " + failure);
    }
  }

  static boolean isCloseRace(Throwable failure) {
    for (Throwable t = failure; t != null; t = t.getCause()) {
      if (t instanceof ClosedChannelException || t instanceof ClosedSelectorException) {
        return true;
      }
    }
    return false;
  }
}
