package io.conduit.client.graph;

import io.vertx.core.json.JsonObject;

import java.time.Duration;
import java.util.concurrent.CompletionStage;

/**
 * How a {@link Graph} reaches its store: the event bus, the bridge, or an embedded graph in the same
 * JVM. A transport only moves request and reply bodies; everything else is the same for all.
 */
public interface GraphTransport {

  /**
   * Sends one request and completes with the reply body (a JsonObject the caller may keep), or fails
   * with a {@link GraphStoreException}, whatever the transport's own errors are.
   */
  CompletionStage<Object> request(JsonObject body, Duration timeout);
}
