package io.conduit.cli.client;

import io.conduit.cli.CliFailure;
import io.conduit.client.ConduitClient;
import io.conduit.client.ConduitException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
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
@Command(name = "client", usageHelpAutoWidth = true,
    description = {"A prompt on a document store, in pyzdb's Python subset:",
        "  db, db['x'] = 3, db['l'][4], del db['x'], db['l'].append(5), len(db['l']), 'x' in db,",
        "  [v for v in db['l']], db.undo(), db.redo(), db.save(), db.lock(), db.unlock()",
        "Reads standard input when it is not a terminal; exits 1 if any statement failed."})
public final class ClientCommand implements Callable<Integer> {

  private static final long LEASE_MS = 30_000;

  @Parameters(index = "0", arity = "0..1", paramLabel = "ENDPOINT", description = "Bridge endpoint. Default: ${DEFAULT-VALUE}.")
  String endpoint = "tcp://127.0.0.1:5555";

  @Option(names = "--address", paramLabel = "ADDRESS", description = "Document store address. Default: ${DEFAULT-VALUE}.")
  String address = "docs";

  @Option(names = "--timeout", paramLabel = "MS", description = "Reply timeout per statement. Default: ${DEFAULT-VALUE}.")
  long timeoutMs = 30_000;

  @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help.")
  boolean help;

  private String token;
  private ScheduledFuture<?> renewal;

  @Override
  public Integer call() {
    boolean interactive = System.console() != null;
    PrintStream out = System.out;
    boolean failed = false;
    ConduitClient client;
    try {
      client = ConduitClient.connect(endpoint);
    } catch (ConduitException e) {
      throw new CliFailure("cannot reach " + endpoint + ": " + e.getMessage());
    }
    ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "conduit-client-lease");
      t.setDaemon(true);
      return t;
    });
    try (client; BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8))) {
      while (true) {
        if (interactive) {
          out.print("> ");
          out.flush();
        }
        String line = in.readLine();
        if (line == null || line.strip().equals("exit") || line.strip().equals("quit")) {
          break;
        }
        if (line.isBlank() || line.strip().startsWith("#")) {
          continue;
        }
        try {
          out.println(run(client, timer, ReplParser.parse(line.strip())));
        } catch (ReplSyntaxException e) {
          out.println("error: " + e.getMessage());
          failed = true;
        } catch (ConduitException e) {
          out.println("error " + e.code() + ": " + e.getMessage());
          failed = true;
        }
      }
    } catch (IOException e) {
      throw new CliFailure("reading standard input failed: " + e.getMessage());
    } finally {
      timer.shutdownNow();
    }
    return failed && !interactive ? 1 : 0;
  }

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

  static String show(ReplStatement.Shows shows, JsonObject reply) {
    return switch (shows) {
      case NONE -> "None";
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
