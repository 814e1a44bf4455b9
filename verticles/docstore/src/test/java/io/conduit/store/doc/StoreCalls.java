package io.conduit.store.doc;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.JsonObject;

import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertThrows;

/** Requests to a store or replica on the event bus, as the tests make them. */
final class StoreCalls {

  private StoreCalls() {
  }

  static <T> T await(Future<T> f) throws Exception {
    return f.toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
  }

  /** The JSON reply to a request given as JSON text. */
  static JsonObject call(Vertx vertx, String address, String json) throws Exception {
    return await(vertx.eventBus().<JsonObject>request(address, new JsonObject(json))).body();
  }

  /** The failure of a request that must fail. */
  static ReplyException failure(Vertx vertx, String address, String json) {
    ExecutionException e = assertThrows(ExecutionException.class,
        () -> await(vertx.eventBus().request(address, new JsonObject(json))));
    return (ReplyException) e.getCause();
  }
}
