package io.conduit.node;

import io.conduit.cluster.ClusterAccess;
import io.conduit.codec.RequestHeaders;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryContext;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.impl.LocalHandlers;
import io.vertx.core.shareddata.LocalMap;
import io.vertx.core.shareddata.Shareable;

import java.util.function.Consumer;
import java.util.function.UnaryOperator;

/**
 * Receipts of one-way messages: how a front door that acknowledged a message (the ZeroMQ bridge's
 * {@code SEND}) learns that its consumer has taken it, on whatever node, so that it stops
 * charging the client for it. The door marks the message with the header
 * {@link RequestHeaders#RECEIPT} ({@code <receipt address>/<number>}); the consumer's node removes
 * it before the consumer sees it and sends the number back: when the consumer's handler is called
 * ({@link #answerOn}, an event-bus interceptor every node needs), or, for a consumer that holds
 * messages a while (a store behind a lock), when it answers the message ({@link #answeredWhenDone},
 * {@link #whenDone}). A receipt for a door on the same node skips the event bus ({@link #listen}).
 * A published message reaches every handler of its address, and each answers: to a door on its
 * own node with the number alone (that door counts its node's handlers), to a door elsewhere with
 * {@code <number>/<node id>/<handlers>}, naming this node and how many of its handlers a message
 * published elsewhere reaches, so that the door, which learns only which nodes it reached, knows
 * how many receipts to wait for from each.
 */
public final class Receipts {

  /** Where doors listen for their receipts: the interceptor sends nowhere else. */
  public static final String ADDRESS_PREFIX = "conduit.receipts.";

  private static final String INSTALLED = "conduit.receipts.interceptor";
  private static final String LISTENERS = "conduit.receipts.listeners";
  private static final String WHEN_DONE = "conduit.receipts.when-done";
  /** Vert.x's own addresses (replies among them): no front door sends there. */
  private static final String VERTX_OWN = "__vertx.";

  private Receipts() {
  }

  /** A door on this node, as its receipt address finds it. */
  private record Listener(Consumer<String> numbers) implements Shareable {
  }

  /**
   * A consumer that answers the receipts of the messages it takes when it is done with them. A
   * class, not a record: each mark equals only itself, so that a store stepping down removes its
   * own and never the one of the deployment that took over the address on this node.
   */
  private static final class Answering implements Shareable {
  }

  /** The node's interceptor, installed once per Vert.x instance: a local map finds it. */
  private record Interceptor(Vertx vertx, LocalMap<String, Answering> whenDone, String nodeId)
      implements Shareable, Handler<DeliveryContext<Object>> {

    @Override
    public void handle(DeliveryContext<Object> delivery) {
      try {
        // one-way messages only: requests have a reply address, and replies, which go to Vert.x's
        // own addresses, are not asked for headers they may not have
        Message<Object> message = delivery.message();
        if (message.replyAddress() == null && !message.address().startsWith(VERTX_OWN)) {
          MultiMap headers = message.headers();
          String receipt = headers.get(RequestHeaders.RECEIPT);
          if (receipt == null) {
            return;
          }
          if (!delivery.send()) {
            headers.remove(RequestHeaders.RECEIPT);
            answerPublish(message.address(), receipt);
          } else if (!whenDone.containsKey(message.address())) {
            headers.remove(RequestHeaders.RECEIPT);
            answer(vertx, receipt);
          }
        }
      } finally {
        delivery.next();
      }
    }

    /** A publish's receipt: to a door here the number, to one elsewhere also this node and its handlers. */
    private void answerPublish(String published, String receipt) {
      answer(vertx, receipt, number -> nodeId == null ? null
          : number + "/" + nodeId + "/" + LocalHandlers.countReachedFromOtherNodes(vertx.eventBus(), published));
    }
  }

  /** A receipt header: the door's address and the message's number there. */
  private record Receipt(String door, String number) {
    static Receipt parse(String receipt) {
      int slash = receipt.lastIndexOf('/');
      if (slash <= 0 || !receipt.startsWith(ADDRESS_PREFIX)) {
        return null;
      }
      return new Receipt(receipt.substring(0, slash), receipt.substring(slash + 1));
    }
  }

  /**
   * Answers receipts on this node from now on, for good (another node's door may send here at any
   * time). Once per Vert.x instance; every node of a cluster should, else the sends its consumers
   * take stay charged to their clients until the door gives up waiting.
   */
  public static void answerOn(Vertx vertx) {
    vertx.sharedData().<String, Interceptor>getLocalMap(INSTALLED).computeIfAbsent("interceptor", k -> {
      Interceptor interceptor = new Interceptor(vertx, vertx.sharedData().getLocalMap(WHEN_DONE),
          ClusterAccess.nodeId(vertx));
      vertx.eventBus().addInboundInterceptor(interceptor);
      return interceptor;
    });
  }

  /**
   * Hands the receipts for {@code address} (a door's, under {@link #ADDRESS_PREFIX}) that arise on
   * this node to {@code numbers} directly, on the consumer's thread, instead of over the event bus.
   * The returned action stops it.
   */
  public static Runnable listen(Vertx vertx, String address, Consumer<String> numbers) {
    LocalMap<String, Listener> listeners = vertx.sharedData().getLocalMap(LISTENERS);
    Listener listener = new Listener(numbers);
    listeners.put(address, listener);
    return () -> listeners.removeIfPresent(address, listener);
  }

  /**
   * Says that the consumer of {@code address} on this node answers every message it takes, and
   * calls {@link #whenDone} on it: its receipts are sent when it answers, not when it is handed the
   * message. The returned action ends that.
   */
  public static Runnable answeredWhenDone(Vertx vertx, String address) {
    LocalMap<String, Answering> whenDone = vertx.sharedData().getLocalMap(WHEN_DONE);
    Answering mark = new Answering();
    whenDone.put(address, mark);
    return () -> whenDone.removeIfPresent(address, mark);
  }

  /**
   * The message as its consumer should see it: a one-way message with a receipt comes without the
   * header, and answering it ({@code reply}, {@code fail}) sends the receipt, once. Anything else
   * is returned as it is.
   */
  public static <T> Message<T> whenDone(Vertx vertx, Message<T> message) {
    if (message.replyAddress() != null || !message.isSend()) {
      return message;
    }
    String receipt = message.headers().get(RequestHeaders.RECEIPT);
    if (receipt == null) {
      return message;
    }
    message.headers().remove(RequestHeaders.RECEIPT);
    return new AnsweredWhenDone<>(message, () -> answer(vertx, receipt));
  }

  /** Tells the door named in {@code receipt} that a send was taken: on this node directly, elsewhere by a message. */
  private static void answer(Vertx vertx, String receipt) {
    answer(vertx, receipt, number -> number);
  }

  /**
   * Tells the door named in {@code receipt}: on this node its number directly; on another node
   * {@code elsewhere}'s answer for the number by a message, none when that is null.
   */
  private static void answer(Vertx vertx, String receipt, UnaryOperator<String> elsewhere) {
    Receipt r = Receipt.parse(receipt);
    if (r == null) {
      return;
    }
    Listener here = vertx.sharedData().<String, Listener>getLocalMap(LISTENERS).get(r.door);
    if (here != null) {
      here.numbers.accept(r.number);
      return;
    }
    String body = elsewhere.apply(r.number);
    if (body != null) {
      vertx.eventBus().send(r.door, body);
    }
  }

  /** A one-way message whose receipt is sent when its consumer answers it. */
  private static final class AnsweredWhenDone<T> implements Message<T> {
    private final Message<T> message;
    private Runnable receipt;

    AnsweredWhenDone(Message<T> message, Runnable receipt) {
      this.message = message;
      this.receipt = receipt;
    }

    @Override
    public String address() {
      return message.address();
    }

    @Override
    public MultiMap headers() {
      return message.headers();
    }

    @Override
    public T body() {
      return message.body();
    }

    @Override
    public String replyAddress() {
      return message.replyAddress();
    }

    @Override
    public boolean isSend() {
      return message.isSend();
    }

    @Override
    public void reply(Object reply, DeliveryOptions options) {
      taken();
      message.reply(reply, options);
    }

    @Override
    public <R> Future<Message<R>> replyAndRequest(Object reply, DeliveryOptions options) {
      taken();
      return message.replyAndRequest(reply, options);
    }

    private void taken() {
      Runnable r = receipt;
      receipt = null;
      if (r != null) {
        r.run();
      }
    }
  }
}
