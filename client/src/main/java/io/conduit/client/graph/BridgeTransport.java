package io.conduit.client.graph;

import io.conduit.client.ConduitClient;
import io.conduit.client.ConduitException;
import io.conduit.codec.ErrorCode;
import io.conduit.codec.RequestHeaders;
import io.vertx.core.json.JsonObject;

import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;

/** Requests through the ZeroMQ bridge. */
record BridgeTransport(ConduitClient client, String address) implements GraphTransport {

  BridgeTransport {
    Objects.requireNonNull(client, "client");
    Objects.requireNonNull(address, "address");
  }

  @Override
  public CompletionStage<Object> request(JsonObject body, Duration timeout) {
    return client.request(address, body, Map.of(RequestHeaders.TIMEOUT_MS, Long.toString(timeout.toMillis())), timeout)
        .exceptionallyCompose(e -> CompletableFuture.failedFuture(failure(e)));
  }

  private static GraphStoreException failure(Throwable e) {
    Throwable cause = e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
    if (!(cause instanceof ConduitException c)) {
      return GraphStoreException.fromTransport(ErrorCode.INTERNAL, "the request failed: " + cause.getMessage(), cause);
    }
    Integer failureCode = c.details().getInteger("failureCode");
    if (failureCode != null) { // the store's own status, whichever code it maps to
      return GraphStoreException.fromStore(failureCode, c.getMessage());
    }
    return GraphStoreException.fromTransport(c.code(), c.getMessage(), c);
  }
}
