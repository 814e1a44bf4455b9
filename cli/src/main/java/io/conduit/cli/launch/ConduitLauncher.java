package io.conduit.cli.launch;

import io.vertx.launcher.application.VertxApplication;

/**
 * The Vert.x application launcher with Conduit's cluster defaults:
 * {@code java -cp conduit.jar io.conduit.cli.launch.ConduitLauncher <verticle> [-cluster] [-instances N] [-conf file]}.
 * {@code java -jar conduit.jar <verticle> ...} does the same.
 */
public final class ConduitLauncher {

  private ConduitLauncher() {
  }

  public static void main(String[] args) {
    int code = launch(args);
    if (code != 0) {
      System.exit(code);
    }
  }

  /** Runs the launcher; returns its exit code (0 while the verticle keeps running). */
  public static int launch(String[] args) {
    return new VertxApplication(args, new ConduitLauncherHooks()).launch();
  }
}
