package io.conduit.cli.graph;

import io.conduit.cli.ConnectOptions;
import io.conduit.client.ConduitClient;
import io.conduit.client.graph.Graph;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.time.Duration;

/** Where the graph store is: the bridge endpoint and the store's address (shared by every {@code graph} subcommand). */
public final class GraphConnection {

  @Option(names = {"-e", "--endpoint"}, paramLabel = "ENDPOINT", description = "Bridge endpoint. Default: ${DEFAULT-VALUE}.")
  String endpoint = "tcp://127.0.0.1:5555";

  @Option(names = "--store", paramLabel = "ADDRESS", description = "Graph store address. Default: ${DEFAULT-VALUE}.")
  String store = "graph";

  @Option(names = "--timeout", paramLabel = "MS", description = "Reply timeout of each request in milliseconds. "
      + "Default: ${DEFAULT-VALUE}.")
  long timeoutMs = 30_000;

  @Mixin
  ConnectOptions connection;

  ConduitClient connect() {
    return connection.connect(endpoint, ConnectOptions.withRequestTimeout(timeoutMs));
  }

  Graph graph(ConduitClient client) {
    return Graph.overBridge(client, store).withTimeout(Duration.ofMillis(timeoutMs));
  }
}
