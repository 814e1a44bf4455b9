package io.conduit.bridge;

import io.conduit.codec.RequestHeaders;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryContext;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.internal.ContextInternal;
import io.vertx.core.shareddata.LocalMap;
import io.vertx.core.shareddata.Shareable;

import java.util.HashMap;
import java.util.Map;
import java.util.UUID;

/**
 * Keeps a one-way message the bridge has acknowledged charged to its client until its consumer
 * takes it. The client is answered as soon as its {@code SEND} is on the event bus, but a slow
 * consumer (a worker-threaded service, say) leaves it queued there, up to a thousand per consumer
 * (Vert.x's bound), each as large as a message may be; without this a client could fill the
 * node's memory with sends it was told were accepted.
 *
 * <p>Each such send carries the header {@link RequestHeaders#RECEIPT}, naming this bridge
 * instance's receipt address and a number. An inbound interceptor that every node running a bridge
 * has ({@link #answerOn}) removes the header as the message reaches its consumer's handler, so the
 * consumer never sees it, and sends the number back, whichever node the consumer is on. Until the
 * receipt comes, the message's bytes count against the client's and the node's in-flight byte
 * limits ({@code maxInFlightBytesPerClient}, {@code maxInFlightBytes}). A send no consumer is
 * registered for is given back at once; one that no receipt follows (a consumer whose full queue
 * dropped it, a node that does not answer receipts) after {@code maxTimeoutMs}, a time the bridge
 * sets: the client's own timeout could make it as short as it likes. Confined to the bridge
 * instance's event loop.
 */
final class SendReceipts {

  private static final String INSTALLED = "conduit.bridge.receipts";
  /** Vert.x's own addresses (replies among them): no client may send there. */
  private static final String VERTX_OWN = "__vertx.";
  /** Where the bridges' receipts go: the interceptor sends nowhere else. */
  private static final String RECEIPTS = "conduit.bridge.receipts.";
  /** The bridge instances of this node by receipt address: a receipt for one of them skips the bus. */
  private static final String LOCAL = "conduit.bridge.receipts.local";

  private record Held(ZmtpPeer client, Inbound.Charge charge, RequestDeadlines.Entry deadline) {
  }

  /** A bridge instance of this node, as its receipt address finds it. */
  private record Local(SendReceipts receipts) implements Shareable {
  }

  /** The node's interceptor, installed once per Vert.x instance: a local map finds it. */
  private record Interceptor(EventBus bus, LocalMap<String, Local> local)
      implements Shareable, Handler<DeliveryContext<Object>> {

    @Override
    public void handle(DeliveryContext<Object> delivery) {
      try {
        // one-way messages only: requests have a reply address, and replies, which go to Vert.x's
        // own addresses (where no client may send), are not asked for headers they may not have
        Message<Object> message = delivery.message();
        if (delivery.send() && message.replyAddress() == null && !message.address().startsWith(VERTX_OWN)) {
          MultiMap headers = message.headers();
          String receipt = headers.get(RequestHeaders.RECEIPT);
          if (receipt != null) {
            headers.remove(RequestHeaders.RECEIPT);
            int slash = receipt.lastIndexOf('/');
            if (slash > 0 && receipt.startsWith(RECEIPTS)) {
              String address = receipt.substring(0, slash);
              String number = receipt.substring(slash + 1);
              Local here = local.get(address);
              if (here == null) {
                bus.send(address, number); // a bridge on another node
              } else {
                here.receipts.arrivedHere(number);
              }
            }
          }
        }
      } finally {
        delivery.next();
      }
    }
  }

  private final Vertx vertx;
  private final ContextInternal context;
  private final BridgeTransport sockets;
  private final RequestDeadlines deadlines;
  private final EventBus bus;
  private final String address = RECEIPTS + UUID.randomUUID();
  private final long holdAtMostMs;
  private final Map<Long, Held> held = new HashMap<>();
  private MessageConsumer<String> consumer;
  private long last;

  /** On the bridge instance's context, whose loop it is confined to. */
  SendReceipts(Vertx vertx, BridgeTransport sockets, RequestDeadlines deadlines, long holdAtMostMs) {
    this.holdAtMostMs = holdAtMostMs;
    this.vertx = vertx;
    this.context = (ContextInternal) vertx.getOrCreateContext();
    this.bus = vertx.eventBus();
    this.sockets = sockets;
    this.deadlines = deadlines;
  }

  /**
   * Answers receipts on this node from now on: a message that carries one is acknowledged to its
   * bridge when it reaches its consumer's handler here. Once per Vert.x instance; for good, since
   * another node's bridge may send here at any time.
   */
  static void answerOn(Vertx vertx) {
    vertx.sharedData().<String, Interceptor>getLocalMap(INSTALLED).computeIfAbsent("interceptor", k -> {
      Interceptor interceptor = new Interceptor(vertx.eventBus(), vertx.sharedData().getLocalMap(LOCAL));
      vertx.eventBus().addInboundInterceptor(interceptor);
      return interceptor;
    });
  }

  /** Listens for this instance's receipts, on the caller's context (the bridge's). */
  Future<Void> start() {
    vertx.sharedData().<String, Local>getLocalMap(LOCAL).put(address, new Local(this));
    consumer = bus.consumer(address, m -> arrived(m.body()));
    return consumer.completion();
  }

  /** Stops listening; what is still held is given back by the deadlines' own end. */
  Future<Void> stop() {
    vertx.sharedData().<String, Local>getLocalMap(LOCAL).remove(address);
    return consumer == null ? Future.succeededFuture() : consumer.unregister();
  }

  /**
   * Sends {@code body} to {@code address}, its bytes (what {@code request} is charged) held until
   * its consumer takes it: at once when no consumer is registered for it, at the latest after
   * {@link #holdAtMostMs}.
   */
  void send(Inbound request, String address, Object body, DeliveryOptions delivery) {
    Inbound.Charge charge = new Inbound.Charge();
    request.charge().moveTo(charge);
    long number = ++last;
    RequestDeadlines.Entry deadline = deadlines.add(holdAtMostMs, () -> settle(number));
    held.put(number, new Held(request.from(), charge, deadline));
    delivery.addHeader(RequestHeaders.RECEIPT, this.address + "/" + number);
    // the write fails when no consumer is registered (NO_HANDLERS): nothing will take it
    bus.sender(address, delivery).write(body).onFailure(e -> arrived(number));
  }

  /**
   * A receipt from a consumer on this node, on the consumer's thread: settled at once when that is
   * this instance's event loop (a node with one loop, a consumer on the bridge's), else as a task
   * of the loop, which costs less than a message on the bus.
   */
  private void arrivedHere(String number) {
    if (context.inThread()) {
      arrived(number);
    } else {
      context.runOnContext(v -> arrived(number));
    }
  }

  private void arrived(String number) {
    try {
      arrived(Long.parseLong(number));
    } catch (NumberFormatException e) {
      // only Conduit sends here (the conduit. namespace is closed to clients)
    }
  }

  private void arrived(long number) {
    Held h = held.get(number);
    if (h != null) {
      deadlines.remove(h.deadline);
      settle(number);
    }
  }

  private void settle(long number) {
    Held h = held.remove(number);
    if (h != null) {
      sockets.giveBack(h.client, h.charge);
    }
  }
}
