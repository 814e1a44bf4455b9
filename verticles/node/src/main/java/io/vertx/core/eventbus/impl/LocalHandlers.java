package io.vertx.core.eventbus.impl;

import io.vertx.core.eventbus.EventBus;
import io.vertx.core.impl.utils.ConcurrentCyclicSequence;

/**
 * How many handlers this node has registered for an address: a message published here reaches
 * each of them once, one published on another node each of those not registered local-only (a
 * front door that acknowledged a publish waits for that many receipts before it stops charging
 * its client). Vert.x has no public way to ask; its own publish reads the same map.
 */
public final class LocalHandlers {

  private LocalHandlers() {
  }

  /** The handlers of {@code address} on this node; 0 when there are none, or the bus is not Vert.x's own. */
  public static int count(EventBus bus, String address) {
    ConcurrentCyclicSequence<HandlerHolder> handlers = handlers(bus, address);
    return handlers == null ? 0 : handlers.size();
  }

  /** The handlers of {@code address} on this node that a message published on another node reaches. */
  public static int countReachedFromOtherNodes(EventBus bus, String address) {
    ConcurrentCyclicSequence<HandlerHolder> handlers = handlers(bus, address);
    if (handlers == null) {
      return 0;
    }
    int n = 0;
    for (HandlerHolder holder : handlers) {
      if (!holder.isLocalOnly()) {
        n++;
      }
    }
    return n;
  }

  private static ConcurrentCyclicSequence<HandlerHolder> handlers(EventBus bus, String address) {
    return bus instanceof EventBusImpl impl ? impl.handlerMap.get(address) : null;
  }
}
