package io.conduit.node;

import io.conduit.codec.RequestHeaders;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/** Receipts as the consumer's node answers them: at the handler, or when a store answers. */
@ExtendWith(VertxExtension.class)
class ReceiptsTest {

  private static final String DOOR = Receipts.ADDRESS_PREFIX + "test";

  private final List<String> receipts = new CopyOnWriteArrayList<>();

  @BeforeEach
  void answerHere(Vertx vertx) {
    Receipts.answerOn(vertx);
    Receipts.listen(vertx, DOOR, receipts::add);
  }

  /** Sends a one-way message with receipt {@code number} and returns it as its consumer got it. */
  private static Message<Object> sendTo(Vertx vertx, String address, int number, boolean whenDone) throws Exception {
    CompletableFuture<Message<Object>> taken = new CompletableFuture<>();
    MessageConsumer<Object> consumer = vertx.eventBus().consumer(address,
        m -> taken.complete(whenDone ? Receipts.whenDone(vertx, m) : m));
    consumer.completion().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    vertx.eventBus().send(address, "x", new DeliveryOptions().addHeader(RequestHeaders.RECEIPT, DOOR + "/" + number));
    return taken.get(10, TimeUnit.SECONDS);
  }

  @Test
  void anOrdinaryConsumerTakesASendWhenItsHandlerIsCalled(Vertx vertx) throws Exception {
    Message<Object> m = sendTo(vertx, "service", 3, false);
    assertNull(m.headers().get(RequestHeaders.RECEIPT), "the consumer never sees the receipt");
    assertEquals(List.of("3"), receipts);
  }

  @Test
  void aConsumerThatAnswersWhenDoneSendsTheReceiptOnceWhenItAnswers(Vertx vertx) throws Exception {
    Receipts.answeredWhenDone(vertx, "store");
    Message<Object> m = sendTo(vertx, "store", 7, true);
    assertNull(m.headers().get(RequestHeaders.RECEIPT));
    assertEquals(List.of(), receipts, "not taken before it is answered (behind a lock, say)");
    m.reply("applied");
    m.fail(500, "answered twice");
    assertEquals(List.of("7"), receipts);
  }

  @Test
  void aStoreSteppingDownRemovesItsOwnMarkNotTheOneOfTheDeploymentThatTookOver(Vertx vertx) throws Exception {
    Runnable old = Receipts.answeredWhenDone(vertx, "moved");
    Receipts.answeredWhenDone(vertx, "moved"); // the deployment that took the address over on this node
    old.run(); // the old one's removal, late
    Message<Object> m = sendTo(vertx, "moved", 9, true);
    assertEquals(List.of(), receipts, "the new owner still answers when done");
    m.reply("applied");
    assertEquals(List.of("9"), receipts);
  }
}
