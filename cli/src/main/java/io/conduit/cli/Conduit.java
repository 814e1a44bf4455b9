package io.conduit.cli;

import io.conduit.cli.bench.BenchCommand;
import io.conduit.cli.call.CallCommand;
import io.conduit.cli.client.ClientCommand;
import io.conduit.cli.graph.GraphCommand;
import io.conduit.cli.keygen.KeygenCommand;
import io.conduit.cli.launch.ConduitLauncher;
import io.conduit.cli.serve.ServeCommand;
import io.conduit.cli.task.TaskCommand;
import io.conduit.codec.ConduitVersion;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.HelpCommand;

import java.util.Arrays;
import java.util.Set;

/**
 * The {@code conduit} command. Subcommands run Conduit's tools; anything else (a verticle class
 * name first) goes to the Vert.x application launcher, so {@code java -jar conduit.jar
 * <verticle> -cluster} works exactly as Vert.x users expect.
 */
@Command(name = "conduit", mixinStandardHelpOptions = true, versionProvider = Conduit.Version.class,
    usageHelpWidth = 110,
    description = "Conduit: stores, pipelines and workers on a Vert.x cluster, reachable over ZeroMQ.",
    subcommands = {ServeCommand.class, ClientCommand.class, CallCommand.class, TaskCommand.class, GraphCommand.class,
        BenchCommand.class, KeygenCommand.class,
        HelpCommand.class},
    footer = {"", "Any other first argument is a verticle to run with the Vert.x launcher:",
        "  conduit <verticle-class> [-cluster] [-instances N] [-conf file.json]"})
public final class Conduit implements Runnable {

  /** Subcommands that leave a node running when they return successfully. */
  private static final Set<String> LONG_RUNNING = Set.of("serve");

  public static void main(String[] args) {
    int code = run(args);
    boolean keepsRunning = code == 0 && args.length > 0 && !helpAsked(args)
        && (LONG_RUNNING.contains(args[0]) || isLauncher(args));
    if (!keepsRunning) {
      System.exit(code);
    }
  }

  /** True when the command line is for the Vert.x launcher (a verticle first), not a subcommand. */
  private static boolean isLauncher(String[] args) {
    return args.length > 0 && !args[0].startsWith("-") && !commandLine().getSubcommands().containsKey(args[0]);
  }

  /** Runs one command line and returns the exit status; a node started by it keeps running. */
  public static int run(String[] args) {
    boolean verbose = Arrays.asList(args).contains("--verbose");
    CliFailure.verbose(verbose);
    Logs.configure(verbose);
    if (isLauncher(args)) {
      String refused = notAVerticle(args[0]);
      if (refused != null) {
        System.err.println("conduit: " + refused);
        return 2;
      }
      return ConduitLauncher.launch(args);
    }
    return commandLine().execute(args);
  }

  /**
   * Why {@code name}, which is no subcommand, cannot be run by the launcher either, or null when it
   * can: a word without a dot is a mistyped command; a class name must be on the classpath.
   * Names with a verticle factory's prefix ({@code js:...}) are left to the launcher.
   */
  static String notAVerticle(String name) {
    String className = name.startsWith("java:") ? name.substring(5) : name;
    if (className.contains(":")) {
      return null;
    }
    if (!className.contains(".")) {
      String near = nearest(className, commandLine().getSubcommands().keySet());
      return "unknown command '" + name + "'" + (near != null ? " (did you mean '" + near + "'?)"
          : "; the commands are " + String.join(", ", commandLine().getSubcommands().keySet()) + " (see 'conduit help')");
    }
    try {
      Class.forName(className, false, Conduit.class.getClassLoader());
      return null;
    } catch (ClassNotFoundException | LinkageError e) {
      return "no verticle class '" + className + "' on the classpath (" + System.getProperty("java.class.path") + ")";
    }
  }

  /** The command closest to {@code typed} by edit distance, if it is close enough to be a typo. */
  private static String nearest(String typed, Set<String> commands) {
    String best = null;
    int bestDistance = Integer.MAX_VALUE;
    for (String c : commands) {
      int d = editDistance(typed.toLowerCase(java.util.Locale.ROOT), c);
      if (d < bestDistance) {
        best = c;
        bestDistance = d;
      }
    }
    return bestDistance <= Math.max(2, typed.length() / 3) ? best : null;
  }

  private static int editDistance(String a, String b) {
    int[] row = new int[b.length() + 1];
    for (int j = 0; j <= b.length(); j++) {
      row[j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      int diagonal = row[0];
      row[0] = i;
      for (int j = 1; j <= b.length(); j++) {
        int above = row[j];
        row[j] = Math.min(Math.min(row[j] + 1, row[j - 1] + 1), diagonal + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1));
        diagonal = above;
      }
    }
    return row[b.length()];
  }

  static CommandLine commandLine() {
    CommandLine cli = new CommandLine(new Conduit());
    cli.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
      CliFailure failure = e instanceof CliFailure c ? c : CliFailure.from(e);
      commandLine.getErr().println(commandLine.getCommandName() + ": " + failure.getMessage());
      if (CliFailure.verbose()) {
        e.printStackTrace(commandLine.getErr());
      }
      return 1;
    });
    cli.setParameterExceptionHandler((e, args) -> {
      CommandLine c = e.getCommandLine();
      c.getErr().println(c.getCommandName() + ": " + e.getMessage() + " (see '" + c.getCommandSpec().qualifiedName()
          + " --help')");
      return 2;
    });
    return cli;
  }

  private static boolean helpAsked(String[] args) {
    return Arrays.asList(args).contains("--help") || Arrays.asList(args).contains("-h");
  }

  @Override
  public void run() {
    new CommandLine(this).usage(System.out);
  }

  /** Prints the version for {@code conduit --version}. */
  public static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      return new String[] {"conduit " + ConduitVersion.get() + " (Vert.x 5, Java " + Runtime.version() + ")"};
    }
  }
}
