package io.conduit.store.doc;

import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

/** The lock's queue: every request that waited gets an answer, whatever runs first. */
@ExtendWith(VertxExtension.class)
class LockGateTest {

  /** A request whose answer the test reads. */
  private static final class Answered implements Message<Object> {
    final CompletableFuture<Object> answer = new CompletableFuture<>();

    @Override
    public String address() {
      return "docs";
    }

    @Override
    public MultiMap headers() {
      return MultiMap.caseInsensitiveMultiMap();
    }

    @Override
    public Object body() {
      return null;
    }

    @Override
    public String replyAddress() {
      return null;
    }

    @Override
    public boolean isSend() {
      return true;
    }

    @Override
    public void reply(Object message, DeliveryOptions options) {
      answer.complete(message);
    }

    @Override
    public <R> Future<Message<R>> replyAndRequest(Object message, DeliveryOptions options) {
      reply(message, options);
      return Future.failedFuture("not asked");
    }
  }

  @Test
  void aRequestPastItsDeadlineWhenTheLockFreesIsRefusedThenNotDropped(Vertx vertx) throws Exception {
    Answered late = new Answered();
    vertx.runOnContext(v -> {
      LockGate gate = new LockGate(vertx, w -> w.message().reply("ran"), w -> 1, () -> true);
      String token = gate.acquire(60_000);
      gate.submit(new LockGate.Waiting(late, new JsonObject().put("op", "set")));
      // the loop is busy past the request's 1 ms deadline, so its timer has not run when the lock frees
      long until = System.currentTimeMillis() + 5;
      while (System.currentTimeMillis() <= until) {
        Thread.onSpinWait();
      }
      gate.release(token);
    });
    ReplyException refused = assertInstanceOf(ReplyException.class, late.answer.get(10, TimeUnit.SECONDS));
    assertEquals(409, refused.failureCode(), refused.getMessage());
  }
}
