package io.conduit.cli.client;

import io.conduit.cli.CliFailure;
import io.conduit.cli.ConnectOptions;
import io.conduit.client.ClientOptions;
import io.conduit.client.ConduitClient;
import io.conduit.client.ConduitException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.io.PrintStream;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * {@code conduit client}: a pyzdb-style prompt on a document store. Reads statements from the
 * terminal or from standard input (scriptable) and prints what Python's REPL would.
 */
@Command(name = "client",
    header = "A pyzdb-style prompt on a document store: db['x'] = 3, db['l'].append(5), db.undo().",
    usageHelpAutoWidth = true,
    description = {"A prompt on a document store, in pyzdb's Python subset:",
        "  db, db['x'] = 3, db['l'][4], del db['x'], db['l'].append(5), len(db['l']), 'x' in db,",
        "  [v for v in db['l']], db.undo(), db.redo(), db.save(), db.lock(), db.unlock()",
        "At a terminal: line editing, history (~/.conduit_history), Tab completion, help, exit() or Ctrl-D.",
        "Reads standard input when it is not a terminal; exits 1 if any statement failed."})
public final class ClientCommand implements Callable<Integer> {

  private static final long LEASE_MS = 30_000;

  static final String HELP = String.join("\n",
      "Statements, as in pyzdb (values are Python literals and range(n)):",
      "  db                              the whole document",
      "  db['x'] = 3    del db['x']      set or delete a key; paths nest: db['l'][4]['k']",
      "  db['l'].append(5)  .extend([..])  .insert(i, v)  .pop()  .setdefault(k, v)",
      "  len(db['l'])   'x' in db   [v for v in db['l']]   db.keys()",
      "  db.undo()  db.redo()  db.save()  db.lock()  db.unlock()",
      "  help           this text;  exit() or Ctrl-D   leave");

  @Parameters(index = "0", arity = "0..1", paramLabel = "ENDPOINT", description = "Bridge endpoint. Default: ${DEFAULT-VALUE}.")
  String endpoint = "tcp://127.0.0.1:5555";

  @Option(names = "--address", paramLabel = "ADDRESS", description = "Document store address. Default: ${DEFAULT-VALUE}.")
  String address = "docs";

  @Option(names = "--timeout", paramLabel = "MS", description = "Reply timeout per statement. Default: ${DEFAULT-VALUE}.")
  long timeoutMs = 30_000;

  @Mixin
  ConnectOptions connection;

  @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help.")
  boolean help;

  @Spec
  CommandSpec spec;

  private String token;
  private ScheduledFuture<?> renewal;

  @Override
  public Integer call() {
    if (timeoutMs < 1) {
      throw new ParameterException(spec.commandLine(), "--timeout must be at least 1 ms, got " + timeoutMs);
    }
    ConduitClient client = connection.connect(endpoint, ClientOptions.defaults()
        .withTimeout(Duration.ofMillis(timeoutMs)));
    boolean interactive = System.console() != null;
    try (client; Lines lines = interactive ? Lines.terminal() : Lines.of(System.in)) {
      boolean failed = run(client, lines, interactive ? lines.out() : System.out);
      return failed && !interactive ? 1 : 0;
    } catch (IOException e) {
      throw new CliFailure("the terminal failed: " + e.getMessage());
    }
  }

  /** Runs statements until the input ends or says exit; true when any failed. */
  boolean run(ConduitClient client, Lines lines, PrintStream out) {
    ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "conduit-client-lease");
      t.setDaemon(true);
      return t;
    });
    boolean failed = false;
    try {
      while (true) {
        String line = lines.next("> ");
        if (line == null) {
          break;
        }
        String statement = line.strip();
        if (EXITS.contains(statement)) {
          break;
        }
        if (statement.isEmpty() || statement.startsWith("#")) {
          continue;
        }
        if (statement.equals("help") || statement.equals("help()")) {
          out.println(HELP);
          continue;
        }
        try {
          String shown = run(client, timer, ReplParser.parse(statement));
          if (shown != null) {
            out.println(shown);
          }
        } catch (ReplSyntaxException e) {
          out.println("error: " + e.getMessage());
          failed = true;
        } catch (ConduitException e) {
          out.println("error " + e.code() + ": " + e.getMessage());
          failed = true;
        }
        out.flush();
      }
    } finally {
      timer.shutdownNow();
    }
    return failed;
  }

  private static final java.util.Set<String> EXITS = java.util.Set.of("exit", "exit()", "quit", "quit()");

  private String run(ConduitClient client, ScheduledExecutorService timer, ReplStatement statement) {
    JsonObject request = statement.request().copy();
    if (statement.op().equals("lock")) {
      request.put("ttlMs", LEASE_MS);
    } else if (token != null) {
      request.put("token", token);
    }
    Object answer = client.requestSync(address, request, Duration.ofMillis(timeoutMs));
    JsonObject reply = answer instanceof JsonObject o ? o : new JsonObject().put("value", answer);
    switch (statement.op()) {
      case "lock" -> {
        token = reply.getString("token");
        // Keep the lease while this prompt holds the lock; a client that dies simply stops renewing.
        renewal = timer.scheduleAtFixedRate(() -> renew(client), LEASE_MS / 3, LEASE_MS / 3, TimeUnit.MILLISECONDS);
      }
      case "unlock" -> {
        token = null;
        if (renewal != null) {
          renewal.cancel(false);
        }
      }
      default -> { }
    }
    return show(statement.shows(), reply);
  }

  private void renew(ConduitClient client) {
    String held = token;
    if (held != null) {
      client.request(address, new JsonObject().put("op", "renew").put("token", held).put("ttlMs", LEASE_MS));
    }
  }

  /** What the line prints, as Python's REPL would: null for a statement or a method that returns None. */
  static String show(ReplStatement.Shows shows, JsonObject reply) {
    return switch (shows) {
      case NONE -> null;
      case VALUE, RETURNED -> PyRepr.of(reply.getValue("value"));
      case LEN -> String.valueOf(reply.getValue("len"));
      case CONTAINS -> PyRepr.of(reply.getBoolean("contains"));
      case KEYS -> PyRepr.of(reply.getValue("keys"));
      case ITERATION -> {
        Object v = reply.getValue("value");
        if (v instanceof JsonObject o) {
          yield PyRepr.of(new JsonArray(new java.util.ArrayList<>(o.fieldNames())));
        }
        if (v instanceof JsonArray) {
          yield PyRepr.of(v);
        }
        throw new ReplSyntaxException("a " + PyRepr.of(v) + " is not iterable; iterate over a list or a dict");
      }
    };
  }
}
