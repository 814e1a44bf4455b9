package io.conduit.client.doc;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletionStage;

/** How a {@link DocStoreClient} reaches its store: the event bus, or the bridge. */
interface DocTransport {

  /**
   * Sends one request to the store and completes with the reply body: a JsonObject, or a Buffer for
   * {@code getBlob}. Fails with a {@link DocStoreException}, whatever the transport's own errors are.
   *
   * @param body    a JsonObject request, or a Buffer for {@code putBlob}
   * @param headers event-bus headers for the store
   */
  CompletionStage<Object> request(Object body, Map<String, String> headers, Duration timeout);
}
