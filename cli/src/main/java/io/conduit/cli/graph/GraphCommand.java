package io.conduit.cli.graph;

import io.conduit.client.ConduitClient;
import io.conduit.client.StoreException;
import io.conduit.client.graph.Graph;
import io.conduit.client.graph.io.GraphCounts;
import io.conduit.client.graph.io.GraphExport;
import io.conduit.client.graph.io.GraphFormat;
import io.conduit.client.graph.io.GraphImport;
import io.conduit.cli.CliFailure;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;

/**
 * {@code conduit graph export|import FILE --format graphml|graphson|json}: a graph store to a file and
 * back, through a bridge (docs/graph.md, "Dump and load"). Failures print {@code ERROR <CODE>:
 * <message>} and exit 1; bad arguments (an unknown format, a missing file) exit 2.
 */
@Command(name = "graph",
    header = "Export a graph store to a GraphML, GraphSON or JSON lines file, or import one.",
    usageHelpAutoWidth = true, mixinStandardHelpOptions = true,
    description = {"Export a Conduit graph store to a file, or import a file into one, keeping the ids.",
        "Failures print 'ERROR <CODE>: <message>' on stderr and exit 1; bad arguments exit 2."},
    subcommands = {GraphCommand.Export.class, GraphCommand.Import.class})
public final class GraphCommand implements Runnable {

  @Spec
  CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  /** Runs a subcommand's body with a connected client and the shared error handling. */
  abstract static class FileCommand implements Callable<Integer> {

    @Parameters(index = "0", paramLabel = "FILE", description = "The file.")
    String file;

    @Option(names = {"-f", "--format"}, paramLabel = "FORMAT",
        description = "graphml, graphson or json (JSON lines). Default: from FILE's ending (.graphml, .graphson, "
            + ".jsonl or .ndjson).")
    String format;

    @Mixin
    GraphConnection store;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
      GraphFormat chosen = format();
      Path path = checkedPath();
      PrintWriter err = spec.commandLine().getErr();
      try (ConduitClient client = store.connect()) {
        spec.commandLine().getOut().flush();
        return run(store.graph(client), chosen, path);
      } catch (StoreException e) {
        err.println("ERROR " + e.code() + ": " + file + ": " + e.getMessage());
        err.flush();
        return 1;
      } catch (IOException e) {
        throw new CliFailure(file + ": " + describe(e), e);
      } catch (IllegalArgumentException e) {
        throw new ParameterException(spec.commandLine(), e.getMessage());
      }
    }

    abstract Path checkedPath();

    abstract int run(Graph graph, GraphFormat format, Path path) throws IOException;

    private GraphFormat format() {
      try {
        if (format != null) {
          return GraphFormat.named(format);
        }
        return GraphFormat.ofFileName(file).orElseThrow(() -> new IllegalArgumentException("--format is needed: the "
            + "name '" + file + "' does not say which format (" + GraphFormat.names() + ")"));
      } catch (IllegalArgumentException e) {
        throw new ParameterException(spec.commandLine(), e.getMessage());
      }
    }

    ParameterException usage(String message) {
      return new ParameterException(spec.commandLine(), message);
    }

    private static String describe(IOException e) {
      String name = e.getClass().getSimpleName();
      return e.getMessage() == null ? name : name.equals("IOException") ? e.getMessage() : e.getMessage() + " (" + name + ")";
    }
  }

  @Command(name = "export", usageHelpAutoWidth = true, mixinStandardHelpOptions = true,
      description = {"Write the whole graph store to FILE ('-' for standard output), in id order.",
          "The file appears only once it is complete."})
  static final class Export extends FileCommand {

    @Override
    Path checkedPath() {
      if (file.equals("-")) {
        return null;
      }
      Path path = Path.of(file).toAbsolutePath();
      if (!Files.isDirectory(path.getParent())) {
        throw usage("cannot write " + file + ": there is no directory " + path.getParent());
      }
      if (Files.isDirectory(path)) {
        throw usage("cannot write " + file + ": it is a directory");
      }
      return path;
    }

    @Override
    int run(Graph graph, GraphFormat format, Path path) throws IOException {
      if (path == null) {
        GraphCounts written = GraphExport.write(graph, format, System.out);
        spec.commandLine().getErr().println("exported " + written + " (" + format.id() + ")");
        return 0;
      }
      // written beside the file and moved into place once complete, so a failed export leaves no partial file
      Path partial = Files.createTempFile(path.getParent(), "." + path.getFileName(), ".part");
      try {
        GraphCounts written;
        try (var out = Files.newOutputStream(partial)) {
          written = GraphExport.write(graph, format, out);
        }
        Files.move(partial, path, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
            java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        spec.commandLine().getOut().println("exported " + written + " to " + file + " (" + format.id() + ")");
        return 0;
      } finally {
        Files.deleteIfExists(partial);
      }
    }
  }

  @Command(name = "import", usageHelpAutoWidth = true, mixinStandardHelpOptions = true,
      description = {"Load FILE into the graph store, keeping its ids (an edge without one gets a new one).",
          "The whole file is checked before anything is loaded; it is read three times, so it must be a file."})
  static final class Import extends FileCommand {

    @Override
    Path checkedPath() {
      if (file.equals("-")) {
        throw usage("import reads its file three times (check, nodes, edges), so it cannot read standard input; "
            + "save it to a file first");
      }
      Path path = Path.of(file);
      if (!Files.isRegularFile(path)) {
        throw usage("no such file: " + file);
      }
      if (!Files.isReadable(path)) {
        throw usage("cannot read " + file);
      }
      return path;
    }

    @Override
    int run(Graph graph, GraphFormat format, Path path) throws IOException {
      GraphCounts loaded = GraphImport.load(graph, format, path);
      spec.commandLine().getOut().println("imported " + loaded + " from " + file + " (" + format.id() + ")");
      return 0;
    }
  }
}
