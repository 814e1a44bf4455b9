package io.conduit.web;

import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.internal.ContextInternal;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * A java.util.logging handler on the root logger (System.Logger writes there) that hands every
 * record logged on a Vert.x context to that node's {@link ServiceLogs}, tagged with the deployment
 * that logged it. The tag comes from the logging framework's own call, not from parsing text.
 */
final class LogCapture extends Handler {

  private static final LogCapture INSTANCE = new LogCapture();
  private final Map<Vertx, ServiceLogs> nodes = new ConcurrentHashMap<>();

  private LogCapture() {
  }

  /** Captures the records of {@code vertx}'s deployments into {@code logs}; idempotent. */
  static void attach(Vertx vertx, ServiceLogs logs) {
    INSTANCE.nodes.put(vertx, logs);
    Logger root = Logger.getLogger("");
    synchronized (INSTANCE) {
      for (Handler h : root.getHandlers()) {
        if (h == INSTANCE) {
          return;
        }
      }
      root.addHandler(INSTANCE);
    }
  }

  static void detach(Vertx vertx) {
    INSTANCE.nodes.remove(vertx);
  }

  @Override
  public void publish(LogRecord record) {
    Context context = Vertx.currentContext();
    if (!(context instanceof ContextInternal internal) || internal.deployment() == null) {
      return;
    }
    ServiceLogs logs = nodes.get(internal.owner());
    if (logs != null) {
      logs.add(internal.deployment().id(), record);
    }
  }

  @Override
  public void flush() {
  }

  @Override
  public void close() {
  }
}
