package io.conduit.store.owner;

import io.conduit.store.engine.BreakableEngine;
import io.conduit.store.engine.KeyValueEngine;
import io.conduit.store.engine.WriteBatch;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A standby's side of replication, against an owner played by the test. */
@ExtendWith(VertxExtension.class)
class ReplicaSinkTest {

  private static <T> T await(Future<T> f) throws Exception {
    return f.toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  private static Buffer frame(long seq, String key) {
    byte[] batch = new WriteBatch().put(key.getBytes(StandardCharsets.UTF_8), new byte[] {1}).encode();
    return Buffer.buffer().appendLong(seq).appendBytes(batch);
  }

  /** An exception, or an Error such as a stack overflow, thrown by the engine. */
  @ParameterizedTest
  @ValueSource(booleans = {false, true})
  void aBatchTheEngineThrowsOnIsFailedAndTheStandbyAttachesAgainRatherThanSkipIt(boolean anError, Vertx vertx)
      throws Exception {
    BreakableEngine engine = new BreakableEngine();
    String name = "sink-" + anError;
    String source = ReplicationSource.sourceAddress(name);
    await(vertx.eventBus().<JsonObject>consumer(source, m -> {
      switch (m.body().getString("op")) {
        case "attach" -> m.reply(new JsonObject().put("seq", 0L));
        case "page" -> m.reply(new JsonObject().put("entries", new JsonArray()).put("more", false));
        default -> m.reply(new JsonObject()); // live
      }
    }).completion());
    StoreOwnership.Store store = new StoreOwnership.Store() {
      @Override
      public Future<Void> serve() {
        return Future.succeededFuture();
      }

      @Override
      public Future<Void> close() {
        return Future.succeededFuture();
      }

      @Override
      public KeyValueEngine openEngine() {
        return engine;
      }
    };
    ReplicaSink sink = new ReplicaSink(vertx, name, "standby-1", store, 1);
    String inbox = source + ".standby.standby-1";
    await(sink.start());
    assertEquals(1L, await(vertx.eventBus().request(inbox, frame(1, "a"))).body());

    AtomicBoolean fault = anError ? engine.erring : engine.faulty;
    fault.set(true);
    ExecutionException failed = assertThrows(ExecutionException.class, () -> await(vertx.eventBus().request(inbox, frame(2, "b"))));
    assertEquals(500, assertInstanceOf(ReplyException.class, failed.getCause()).failureCode());
    assertTrue(sink.broken(), "a standby missing a batch must attach again");
    fault.set(false);
    ExecutionException skipped = assertThrows(ExecutionException.class, () -> await(vertx.eventBus().request(inbox, frame(3, "c"))));
    assertEquals(409, assertInstanceOf(ReplyException.class, skipped.getCause()).failureCode(),
        "the next batch must not be applied over the missing one");
    await(sink.close());
  }
}
