package io.conduit.cli.task;

import io.conduit.cli.ConnectOptions;
import io.conduit.client.ClientOptions;
import io.conduit.client.ConduitClient;
import io.conduit.client.ConduitException;
import io.conduit.codec.ErrorCode;
import io.vertx.core.json.JsonObject;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.time.Duration;

/** Where the task queue is: the bridge endpoints and the queue's address (shared by every {@code task} subcommand). */
public final class QueueConnection {

  @Option(names = {"-e", "--endpoint"}, paramLabel = "ENDPOINT", description = "Bridge endpoint. Default: ${DEFAULT-VALUE}.")
  String endpoint = "tcp://127.0.0.1:5555";

  @Option(names = "--events", paramLabel = "ENDPOINT",
      description = "Bridge events endpoint (for watch). Default: the bridge endpoint's port + 1.")
  String events;

  @Option(names = {"-q", "--queue"}, paramLabel = "ADDRESS", description = "Task queue address. Default: ${DEFAULT-VALUE}.")
  String queue = "tasks";

  @Option(names = "--timeout", paramLabel = "MS", description = "Reply timeout in milliseconds. Default: ${DEFAULT-VALUE}.")
  long timeoutMs = 30_000;

  @Mixin
  ConnectOptions connection;

  ConduitClient connect() {
    ClientOptions options = ConnectOptions.withRequestTimeout(timeoutMs);
    if (events != null) {
      options = options.withEventsEndpoint(events);
    }
    return connection.connect(endpoint, options);
  }

  /** One request to the queue; a reply that is not a JSON object is an internal error. */
  JsonObject ask(ConduitClient client, JsonObject request) {
    Object reply = client.requestSync(queue, request, Duration.ofMillis(timeoutMs));
    if (!(reply instanceof JsonObject o)) {
      throw new ConduitException(ErrorCode.INTERNAL, "the task queue answered " + reply + " instead of a JSON object");
    }
    return o;
  }
}
