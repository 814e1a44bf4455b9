package io.conduit.process;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;

import java.io.File;
import java.io.IOException;
import java.util.List;

/**
 * One supervised operating-system process of a service: each instance of this verticle starts the
 * command of its {@link ProcessOptions}, logs what it writes (stdout at INFO, stderr at WARNING,
 * under the logger {@code io.conduit.process.<service>}, so the console's and the REST API's logs of
 * the service show it), restarts it with back-off when it exits, and stops it with SIGTERM, then
 * SIGKILL after the grace period. Scaling the service between its {@code min} and {@code max}
 * instances starts and stops processes. A process learns its service's address from
 * {@code CONDUIT_SERVICE} and the node's pid from {@code CONDUIT_PARENT_PID} (a Conduit Python
 * worker exits when that process is gone, so a node killed with SIGKILL leaves no workers behind).
 */
public final class ProcessVerticle extends VerticleBase {

  private static final long FIRST_RESTART_MS = 1000;
  /** A process that ran this long before exiting is restarted after the first back-off again. */
  private static final long STEADY_MS = 30_000;

  private ProcessOptions options;
  private String service;
  private String address;
  private System.Logger log;
  private Context loop;
  private Process process;
  private OutputPump stdout;
  private OutputPump stderr;
  private long startedAtNanos;
  private long restartDelayMs = FIRST_RESTART_MS;
  private long restartTimer = -1;
  private boolean stopping;
  private Promise<Void> exited;

  @Override
  public Future<?> start() {
    try {
      options = ProcessOptions.fromJson(config().getValue("process"));
    } catch (IllegalArgumentException e) {
      return Future.failedFuture(e);
    }
    service = config().getString("service", "process");
    address = config().getString("address", service);
    log = System.getLogger("io.conduit.process." + service);
    loop = context;
    return launch().compose(this::ready);
  }

  /** Starts the process on a worker thread (forking can take a while on a loaded machine). */
  private Future<Process> launch() {
    ProcessBuilder builder = new ProcessBuilder(options.command());
    builder.environment().putAll(options.env());
    builder.environment().put("CONDUIT_SERVICE", address);
    builder.environment().put("CONDUIT_PARENT_PID", Long.toString(ProcessHandle.current().pid()));
    if (options.cwd() != null) {
      builder.directory(new File(options.cwd()));
    }
    return vertx.executeBlocking(builder::start, false).recover(e -> Future.failedFuture(new IllegalStateException(
        "cannot start " + options.command() + ": " + reason(e))))
        .map(started -> {
          process = started;
          startedAtNanos = System.nanoTime();
          exited = Promise.promise();
          String name = "conduit-process-" + service + "-" + started.pid();
          stdout = new OutputPump(started.getInputStream(), name + "-out", (line, done) -> logged(started, line, false, done));
          stderr = new OutputPump(started.getErrorStream(), name + "-err", (line, done) -> logged(started, line, true, done));
          try {
            started.getOutputStream().close(); // nothing is written to a worker's stdin
          } catch (IOException e) {
            // already closed: the process exited at once, which its exit handler reports
          }
          started.onExit().thenAccept(p -> loop.runOnContext(v -> exited(p)));
          log.log(System.Logger.Level.INFO, "service '" + service + "': started process " + started.pid() + " "
              + options.command());
          return started;
        });
  }

  private static String reason(Throwable e) {
    Throwable cause = e instanceof IOException && e.getCause() != null ? e.getCause() : e;
    String message = cause.getMessage();
    // the JDK says "error=2, No such file or directory": the errno adds nothing for a person
    return message == null ? cause.getClass().getSimpleName() : message.replaceFirst("^error=\\d+, ", "");
  }

  /** The start succeeds once the process has run {@code readyAfterMs}; an earlier exit fails it. */
  private Future<Void> ready(Process started) {
    Promise<Void> ready = Promise.promise();
    long timer = vertx.setTimer(Math.max(1, options.readyAfterMs()), id -> ready.tryComplete());
    exited.future().onComplete(ar -> {
      vertx.cancelTimer(timer);
      if (!ready.future().isComplete()) {
        // the output pumps may still hold its last lines: give them a moment, bounded
        vertx.setTimer(100, id -> ready.tryFail(new IllegalStateException("process "
            + started.pid() + " " + options.command() + " exited with status " + started.exitValue()
            + " as it started" + lastOutput())));
      }
    });
    return ready.future();
  }

  private String lastOutput() {
    String out = (stderr.lastLines() + " | " + stdout.lastLines()).replaceAll("^ \\| | \\| $", "").trim();
    return out.isEmpty() || out.equals("|") ? " (no output)" : "; its last output: " + out;
  }

  private void logged(Process from, String line, boolean error, Runnable done) {
    loop.runOnContext(v -> {
      log.log(error ? System.Logger.Level.WARNING : System.Logger.Level.INFO, "[" + from.pid() + "] " + line);
      done.run();
    });
  }

  private void exited(Process p) {
    if (p != process) {
      return;
    }
    exited.tryComplete();
    if (stopping) {
      return;
    }
    long ranMs = (System.nanoTime() - startedAtNanos) / 1_000_000;
    if (ranMs >= STEADY_MS) {
      restartDelayMs = FIRST_RESTART_MS;
    }
    long delay = restartDelayMs;
    restartDelayMs = Math.min(options.restartMaxMs(), restartDelayMs * 2);
    log.log(System.Logger.Level.WARNING, "service '" + service + "': process " + p.pid() + " exited with status "
        + p.exitValue() + " after " + ranMs + " ms; restarting it in " + delay + " ms");
    restartTimer = vertx.setTimer(delay, id -> {
      restartTimer = -1;
      if (!stopping) {
        launch().onFailure(e -> {
          log.log(System.Logger.Level.ERROR, "service '" + service + "': " + e.getMessage() + "; trying again later");
          restartTimer = vertx.setTimer(restartDelayMs, again -> exited(process));
        });
      }
    });
  }

  /** SIGTERM to the process and its children, SIGKILL after the grace period; done once it exited. */
  @Override
  public Future<?> stop() {
    stopping = true;
    if (restartTimer >= 0) {
      vertx.cancelTimer(restartTimer);
    }
    Process p = process;
    if (p == null || !p.isAlive()) {
      return Future.succeededFuture();
    }
    List<ProcessHandle> children = p.descendants().toList();
    children.forEach(ProcessHandle::destroy);
    p.destroy();
    long kill = vertx.setTimer(Math.max(1, options.stopGraceMs()), id -> {
      if (p.isAlive()) {
        log.log(System.Logger.Level.WARNING, "service '" + service + "': process " + p.pid()
            + " still running " + options.stopGraceMs() + " ms after SIGTERM; killing it");
        p.descendants().forEach(ProcessHandle::destroyForcibly);
        children.forEach(ProcessHandle::destroyForcibly);
        p.destroyForcibly();
      }
    });
    return exited.future().onComplete(ar -> {
      vertx.cancelTimer(kill);
      log.log(System.Logger.Level.INFO, "service '" + service + "': process " + p.pid() + " stopped (status "
          + p.exitValue() + ")");
    });
  }

  /** The process running now, or null between a crash and its restart (tests and the banner ask). */
  public ProcessHandle current() {
    Process p = process;
    return p != null && p.isAlive() ? p.toHandle() : null;
  }
}
