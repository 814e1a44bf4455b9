package io.conduit.process;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;

import java.io.File;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * One supervised operating-system process of a service: each instance of this verticle starts the
 * command of its {@link ProcessOptions}, logs what it writes (stdout at INFO, stderr at WARNING,
 * under the logger {@code io.conduit.process.<service>}, so the console's and the REST API's logs of
 * the service show it), restarts it with back-off when it exits, and stops it with SIGTERM, then
 * SIGKILL after the grace period — the process and every process it started. Scaling the service
 * between its {@code min} and {@code max} instances starts and stops processes. A process learns
 * its service's address from {@code CONDUIT_SERVICE} and the node's pid from
 * {@code CONDUIT_PARENT_PID} (a Conduit Python worker exits when that process is gone, so a node
 * killed with SIGKILL leaves no workers behind). All state changes run on the verticle's context.
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
  private volatile Process process;
  /** The process and the processes it started, as last seen: all of them are stopped together. */
  private final Set<ProcessHandle> family = new LinkedHashSet<>();
  private OutputPump stdout;
  private OutputPump stderr;
  private long startedAtNanos;
  private long restartDelayMs = FIRST_RESTART_MS;
  private long restartTimer = -1;
  private long watchTimer = -1;
  private boolean ready;
  private boolean stopping;
  /** Completes when the launch in progress (forking on a worker thread) has ended either way. */
  private Future<?> launching = Future.succeededFuture();
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
    return launch().compose(this::whenReady);
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
    Future<Process> launch = vertx.executeBlocking(() -> {
      try {
        return builder.start();
      } catch (IOException | RuntimeException e) {
        // worded here, on the worker thread: it looks at the working directory
        throw new IllegalStateException("cannot start " + options.command() + ": " + reason(e, options.cwd()));
      }
    }, false)
        .compose(started -> {
          if (stopping) {
            // stopped while it was forking: this process belongs to no instance any more
            started.descendants().forEach(ProcessHandle::destroyForcibly);
            started.destroyForcibly();
            return Future.failedFuture("stopped while starting");
          }
          adopt(started);
          return Future.succeededFuture(started);
        });
    launching = launch;
    return launch;
  }

  private void adopt(Process started) {
    process = started;
    family.add(started.toHandle());
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
    if (watchTimer < 0) {
      watchTimer = vertx.setPeriodic(1000, id -> livingFamily());
    }
    log.log(System.Logger.Level.INFO, "service '" + service + "': started process " + started.pid() + " "
        + options.command());
  }

  private static String reason(Throwable e, String cwd) {
    Throwable cause = e instanceof IOException && e.getCause() != null ? e.getCause() : e;
    String message = cause.getMessage();
    if (message == null) {
      return cause.getClass().getSimpleName();
    }
    // the JDK says "error=2, No such file or directory": the errno adds nothing for a person
    message = message.replaceFirst("^error=\\d+, ", "");
    return cwd != null && !new File(cwd).isDirectory() ? message + " (working directory " + cwd + ")" : message;
  }

  /** The start succeeds once the process has run {@code readyAfterMs}; an earlier exit fails it. */
  private Future<Void> whenReady(Process started) {
    Promise<Void> promise = Promise.promise();
    long timer = vertx.setTimer(Math.max(1, options.readyAfterMs()), id -> {
      ready = true;
      promise.tryComplete();
    });
    exited.future().onComplete(ar -> {
      vertx.cancelTimer(timer);
      if (!promise.future().isComplete()) {
        // the output pumps may still hold its last lines: give them a moment, bounded
        vertx.setTimer(100, id -> promise.tryFail(new IllegalStateException("process " + started.pid() + " "
            + options.command() + " exited with status " + started.exitValue() + " as it started" + lastOutput())));
      }
    });
    return promise.future();
  }

  private String lastOutput() {
    List<String> parts = new ArrayList<>();
    for (OutputPump pump : List.of(stderr, stdout)) {
      if (!pump.lastLines().isEmpty()) {
        parts.add(pump.lastLines());
      }
    }
    return parts.isEmpty() ? " (no output)" : "; its last output: " + String.join(" | ", parts);
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
    if (stopping || !ready) {
      return; // stop() or the failing start deals with it
    }
    long ranMs = (System.nanoTime() - startedAtNanos) / 1_000_000;
    if (ranMs >= STEADY_MS) {
      restartDelayMs = FIRST_RESTART_MS;
    }
    log.log(System.Logger.Level.WARNING, "service '" + service + "': process " + p.pid() + " exited with status "
        + p.exitValue() + " after " + ranMs + " ms; restarting it in " + restartDelayMs + " ms");
    // what it started must not outlive it (a wrapper's worker would still serve beside the new one)
    livingFamily().compose(left -> terminate(left, false)).onComplete(ar -> scheduleRestart());
  }

  private void scheduleRestart() {
    if (stopping) {
      return;
    }
    long delay = restartDelayMs;
    restartDelayMs = Math.min(options.restartMaxMs(), restartDelayMs * 2);
    restartTimer = vertx.setTimer(delay, id -> {
      restartTimer = -1;
      if (stopping) {
        return;
      }
      launch().onFailure(e -> {
        if (!stopping) {
          log.log(System.Logger.Level.ERROR, "service '" + service + "': " + e.getMessage() + "; trying again in "
              + restartDelayMs + " ms");
          scheduleRestart();
        }
      });
    });
  }

  /**
   * The recorded processes still alive, plus whatever the living ones started since. Refreshed
   * every second while the process runs ({@link #adopt}), because the children of a process that
   * has exited can no longer be found from it. Walking the process table reads {@code /proc}, so it
   * runs on a worker thread; the record itself changes on the verticle's context.
   */
  private Future<List<ProcessHandle>> livingFamily() {
    List<ProcessHandle> known = List.copyOf(family);
    return vertx.executeBlocking(() -> {
      Set<ProcessHandle> all = new LinkedHashSet<>();
      for (ProcessHandle h : known) {
        if (h.isAlive()) {
          all.add(h);
          h.descendants().forEach(all::add);
        }
      }
      all.removeIf(h -> !h.isAlive());
      return List.copyOf(all);
    }, false).onSuccess(all -> {
      family.clear();
      family.addAll(all);
    });
  }

  /**
   * SIGTERM to every handle; completes once all have exited, after SIGKILL to those still alive
   * at the end of the grace period ({@code logKill}: say so in the service's log).
   */
  private Future<Void> terminate(List<ProcessHandle> handles, boolean logKill) {
    if (handles.isEmpty()) {
      return Future.succeededFuture();
    }
    handles.forEach(ProcessHandle::destroy);
    Promise<Void> all = Promise.promise();
    CompletableFuture.allOf(handles.stream().map(ProcessHandle::onExit).toArray(CompletableFuture[]::new))
        .thenRun(() -> loop.runOnContext(v -> all.tryComplete()));
    long kill = vertx.setTimer(Math.max(1, options.stopGraceMs()), id -> {
      List<ProcessHandle> left = handles.stream().filter(ProcessHandle::isAlive).toList();
      if (!left.isEmpty()) {
        if (logKill) {
          log.log(System.Logger.Level.WARNING, "service '" + service + "': " + left.size() + " process(es) still "
              + "running " + options.stopGraceMs() + " ms after SIGTERM; killing them");
        }
        left.forEach(ProcessHandle::destroyForcibly);
      }
    });
    return all.future().onComplete(ar -> vertx.cancelTimer(kill));
  }

  /** SIGTERM to the process and every process it started, SIGKILL after the grace period. */
  @Override
  public Future<?> stop() {
    stopping = true;
    if (restartTimer >= 0) {
      vertx.cancelTimer(restartTimer);
    }
    if (watchTimer >= 0) {
      vertx.cancelTimer(watchTimer);
    }
    // a launch still forking is undone by itself (it sees stopping); wait for it either way
    return launching.transform(ar -> {
      Process p = process;
      return livingFamily().compose(left -> terminate(left, true)).onComplete(done -> {
        if (p != null) {
          log.log(System.Logger.Level.INFO, "service '" + service + "': process " + p.pid() + " stopped"
              + (p.isAlive() ? "" : " (status " + p.exitValue() + ")"));
        }
      });
    });
  }

  /** The process running now, or null between a crash and its restart (tests and the banner ask). */
  public ProcessHandle current() {
    Process p = process;
    return p != null && p.isAlive() ? p.toHandle() : null;
  }
}
