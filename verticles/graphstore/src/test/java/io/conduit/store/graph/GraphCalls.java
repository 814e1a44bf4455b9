package io.conduit.store.graph;

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

/** Raw event-bus requests to a graph store, as JSON text, for tests of the wire behaviour. */
final class GraphCalls {

  private GraphCalls() {
  }

  /** The reply body, or the failure, of one request to a store that runs it on this thread. */
  static Object submit(GraphStore store, String json) {
    Object[] outcome = new Object[1];
    store.submit(new JsonObject(json), new GraphStore.Reply() {
      @Override
      public void succeed(JsonObject body) {
        outcome[0] = body;
      }

      @Override
      public void fail(GraphException failure) {
        outcome[0] = failure;
      }
    });
    return outcome[0];
  }

  static <T> T await(Future<T> future) throws Exception {
    try {
      return future.toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      throw e.getCause() instanceof Exception cause ? cause : e;
    }
  }

  static JsonObject call(Vertx vertx, String address, String json) throws Exception {
    return (JsonObject) await(vertx.eventBus().request(address, new JsonObject(json))).body();
  }

  /**
   * After a fault that stopped the store: a request is refused (500 while the store is stopping,
   * 503 while it is given up, no handler while nobody serves), never answered from memory that
   * may not match what is stored, until the store has reopened its data; then it is answered.
   */
  static JsonObject refusedUntilReopened(Vertx vertx, String address, String json) {
    return Conditions.answeredAfterRefusals(15_000, () -> call(vertx, address, json), e -> {
      ReplyException refused = assertInstanceOf(ReplyException.class, e, e.toString());
      assertTrue(List.of(500, 503, -1).contains(refused.failureCode()), refused.failureCode() + ": " + refused.getMessage());
      return refused.getMessage();
    });
  }

  static ReplyException failure(Vertx vertx, String address, Object body) {
    ExecutionException e = assertThrows(ExecutionException.class, () -> vertx.eventBus().request(address,
        body instanceof String s && s.startsWith("{") ? new JsonObject(s) : body)
        .toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS));
    return assertInstanceOf(ReplyException.class, e.getCause());
  }
}
