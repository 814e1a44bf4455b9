package io.conduit.client.doc;

import io.conduit.client.ConduitClient;
import io.conduit.client.ConduitException;
import io.conduit.codec.ErrorCode;

import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;

/**
 * Requests through the ZeroMQ bridge. Bytes travel as {@code application/octet-stream} (the client
 * sets it for a Buffer body) and the bridge hands the other headers on as event-bus headers.
 */
record BridgeTransport(ConduitClient client, String address) implements DocTransport {

  BridgeTransport {
    Objects.requireNonNull(client, "client");
  }

  @Override
  public CompletionStage<Object> request(Object body, Map<String, String> headers, Duration timeout) {
    return client.request(address, body, headers, timeout)
        .exceptionallyCompose(e -> CompletableFuture.failedFuture(failure(e)));
  }

  @Override
  public String toString() {
    return "'" + address + "' through the bridge at " + client.endpoint();
  }

  private static DocStoreException failure(Throwable e) {
    Throwable cause = e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
    if (!(cause instanceof ConduitException c)) {
      return DocStoreException.fromTransport(ErrorCode.INTERNAL, "the request failed: " + cause.getMessage(), cause);
    }
    Integer failureCode = c.details().getInteger("failureCode");
    if (failureCode != null) { // the store's own status, whichever code it maps to
      return DocStoreException.fromStore(failureCode, c.getMessage());
    }
    return DocStoreException.fromTransport(c.code(), c.getMessage(), c);
  }
}
