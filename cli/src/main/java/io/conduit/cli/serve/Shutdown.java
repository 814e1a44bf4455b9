package io.conduit.cli.serve;

import sun.misc.Signal;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Stops the node cleanly on SIGTERM or Ctrl-C: undeploy (stores flush), leave the cluster, exit 0.
 * A signal handler rather than a shutdown hook, so the exit status is 0 and not 143.
 */
final class Shutdown {

  private Shutdown() {
  }

  static void onSignal(Node node) {
    AtomicBoolean started = new AtomicBoolean();
    Runnable stop = () -> {
      if (!started.compareAndSet(false, true)) {
        return;
      }
      System.out.println("Stopping: undeploying services and leaving the cluster...");
      int status = 0;
      try {
        node.stop().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
        System.out.println("Stopped.");
      } catch (Exception e) {
        System.err.println("conduit: clean shutdown did not finish: " + e);
        status = 1;
      }
      // supervised processes still running (the stop ran out of time, or they ignored SIGTERM)
      // must not outlive the node
      ProcessHandle.current().descendants().filter(ProcessHandle::isAlive).forEach(ProcessHandle::destroyForcibly);
      System.out.flush();
      System.exit(status);
    };
    for (String name : new String[] {"TERM", "INT"}) {
      Signal.handle(new Signal(name), signal -> new Thread(stop, "conduit-shutdown").start());
    }
  }
}
