package io.conduit.cli.task;

import io.conduit.client.ConduitClient;
import io.conduit.client.ConduitException;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonObject;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.util.concurrent.Callable;

/**
 * {@code conduit task submit|status|cancel|watch|list}: the task queue through a bridge. Failures
 * print {@code ERROR <CODE>: <message>} and exit 1; a watched task that ends in FAILURE or
 * REVOKED exits 1 too.
 */
@Command(name = "task",
    header = "Submit tasks to a task queue, follow their progress, list and cancel them.",
    usageHelpAutoWidth = true, mixinStandardHelpOptions = true,
    description = {"Submit tasks to a Conduit task queue, follow their progress, cancel them.",
        "Failures print 'ERROR <CODE>: <message>' on stderr and exit 1; bad arguments exit 2."},
    subcommands = {TaskCommand.Submit.class, TaskCommand.Status.class, TaskCommand.Cancel.class,
        TaskCommand.Watch.class, TaskCommand.ListTasks.class})
public final class TaskCommand implements Runnable {

  @Spec
  CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  /** Runs one subcommand's body with a connected client and the shared error handling. */
  abstract static class QueueCommand implements Callable<Integer> {

    @Mixin
    QueueConnection queue;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
      PrintWriter out = spec.commandLine().getOut();
      PrintWriter err = spec.commandLine().getErr();
      try (ConduitClient client = queue.connect()) {
        int code = run(client, out);
        out.flush();
        return code;
      } catch (ConduitException e) {
        out.flush();
        err.println("ERROR " + e.code() + ": " + e.getMessage()); // the queue's own code (404 NOT_FOUND ...)
        err.flush();
        return 1;
      } catch (IllegalArgumentException e) {
        throw new ParameterException(spec.commandLine(), e.getMessage());
      }
    }

    abstract int run(ConduitClient client, PrintWriter out) throws Exception;

    /** Exit status for a final state: 0 only for SUCCESS. */
    static int exitFor(JsonObject status, PrintWriter out) {
      String state = status.getString("state");
      switch (state) {
        case "SUCCESS" -> out.println("SUCCESS " + Json.encode(status.getValue("result")));
        case "FAILURE" -> out.println("FAILURE " + status.getString("error", ""));
        default -> out.println(state);
      }
      return "SUCCESS".equals(state) ? 0 : 1;
    }
  }

  @Command(name = "submit", usageHelpAutoWidth = true, mixinStandardHelpOptions = true,
      description = "Submit a task and print its id (with --watch, follow it to the end).")
  static final class Submit extends QueueCommand {

    @Parameters(index = "0", paramLabel = "TASK", description = "Registered task name, e.g. example.count.")
    String task;

    @Parameters(index = "1", arity = "0..1", paramLabel = "ARGS", description = "Arguments as a JSON object, e.g. '{\"to\": 10}'.")
    String args;

    @Option(names = "--key", paramLabel = "KEY", description = "Idempotency key: a repeat with the same key gets the same task.")
    String key;

    @Option(names = "--max-retries", paramLabel = "N", description = "Retries after a failed attempt.")
    Integer maxRetries;

    @Option(names = "--time-limit", paramLabel = "MS", description = "Time limit of one attempt in milliseconds.")
    Long timeLimitMs;

    @Option(names = "--result-ttl", paramLabel = "MS", description = "How long the finished task is kept, in milliseconds.")
    Long resultTtlMs;

    @Option(names = {"-w", "--watch"}, description = "Follow the task with a live progress bar until it ends.")
    boolean watch;

    @Override
    int run(ConduitClient client, PrintWriter out) throws Exception {
      JsonObject request = new JsonObject().put("op", "submit").put("task", task).put("args", parseArgs())
          .put("idempotencyKey", key).put("maxRetries", maxRetries).put("timeoutMs", timeLimitMs)
          .put("resultTtlMs", resultTtlMs);
      request.getMap().values().removeIf(v -> v == null);
      String id = queue.ask(client, request).getString("id");
      out.println(id);
      out.flush();
      if (!watch) {
        return 0;
      }
      return exitFor(TaskWatch.follow(client, queue, id, out, System.console() != null), out);
    }

    private JsonObject parseArgs() {
      if (args == null) {
        return new JsonObject();
      }
      try {
        if (Json.decodeValue(args) instanceof JsonObject o) {
          return o;
        }
      } catch (DecodeException e) {
        // reported below
      }
      throw new IllegalArgumentException("ARGS must be a JSON object, e.g. '{\"to\": 10}', got " + args);
    }
  }

  @Command(name = "status", usageHelpAutoWidth = true, mixinStandardHelpOptions = true,
      description = "Print a task's state, progress, result or error.")
  static final class Status extends QueueCommand {

    @Parameters(index = "0", paramLabel = "ID", description = "The id submit printed.")
    String id;

    @Override
    int run(ConduitClient client, PrintWriter out) {
      out.println(queue.ask(client, TaskWatch.statusRequest(id)).encodePrettily());
      return 0;
    }
  }

  @Command(name = "cancel", usageHelpAutoWidth = true, mixinStandardHelpOptions = true,
      description = "Cancel a task: a queued one is REVOKED at once, a running one is told to stop.")
  static final class Cancel extends QueueCommand {

    @Parameters(index = "0", paramLabel = "ID", description = "The id submit printed.")
    String id;

    @Override
    int run(ConduitClient client, PrintWriter out) {
      JsonObject status = queue.ask(client, new JsonObject().put("op", "cancel").put("id", id));
      out.println(status.getBoolean("cancelRequested", false) && !"REVOKED".equals(status.getString("state"))
          ? "cancel requested; the task stops at its next check" : status.getString("state"));
      return 0;
    }
  }

  @Command(name = "watch", usageHelpAutoWidth = true, mixinStandardHelpOptions = true,
      description = "Follow a task with a live progress bar until it ends; exit 0 only on SUCCESS.")
  static final class Watch extends QueueCommand {

    @Parameters(index = "0", paramLabel = "ID", description = "The id submit printed.")
    String id;

    @Override
    int run(ConduitClient client, PrintWriter out) throws Exception {
      return exitFor(TaskWatch.follow(client, queue, id, out, System.console() != null), out);
    }
  }

  @Command(name = "list", usageHelpAutoWidth = true, mixinStandardHelpOptions = true,
      description = "List tasks in submission order: id, state, progress, task.")
  static final class ListTasks extends QueueCommand {

    @Option(names = "--state", paramLabel = "STATE", description = "Only tasks in this state (PENDING, STARTED, ...).")
    String state;

    @Option(names = "--limit", paramLabel = "N", description = "At most N tasks. Default: ${DEFAULT-VALUE}.")
    int limit = 100;

    @Override
    int run(ConduitClient client, PrintWriter out) {
      JsonObject reply = queue.ask(client, new JsonObject().put("op", "list").put("limit", limit)
          .put("state", state));
      reply.getJsonArray("tasks").forEach(t -> {
        JsonObject s = (JsonObject) t;
        JsonObject p = s.getJsonObject("progress");
        out.printf("%-36s  %-8s  %s/%s  %s%n", s.getString("id"), s.getString("state"), p.getLong("current"),
            p.getLong("total"), s.getString("task"));
      });
      return 0;
    }
  }
}
