package io.conduit.store.doc;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.JsonObject;

import io.conduit.Conditions;

import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

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

  /**
   * After a write that could not be stored: a read is refused (500 while the store is stopping, 503
   * while it is given up, no handler while nobody serves), never answered with what was not stored,
   * until the store has reopened its data; then it is answered from what was stored.
   */
  static JsonObject refusedUntilReopened(Vertx vertx, String address, String read) {
    return Conditions.answeredAfterRefusals(15_000, () -> call(vertx, address, read), e -> {
      ReplyException refused = assertInstanceOf(ReplyException.class, e.getCause(), e.toString());
      assertTrue(List.of(500, 503, -1).contains(refused.failureCode()), refused.failureCode() + ": " + refused.getMessage());
      return refused.getMessage();
    });
  }

  /** The failure of a request that must fail. */
  static ReplyException failure(Vertx vertx, String address, String json) {
    ExecutionException e = assertThrows(ExecutionException.class,
        () -> await(vertx.eventBus().request(address, new JsonObject(json))));
    return (ReplyException) e.getCause();
  }
}
