package io.vertx.core.eventbus.impl;

import io.vertx.core.eventbus.EventBus;
import io.vertx.core.impl.utils.ConcurrentCyclicSequence;

/**
 * How many handlers this node has registered for an address: a message published here reaches
 * each of them once (the bridge waits for that many receipts before it stops charging a client
 * for a {@code PUBLISH}). Vert.x has no public way to ask; its own publish reads the same map.
 */
public final class LocalHandlers {

  private LocalHandlers() {
  }

  /** The handlers of {@code address} on this node; 0 when there are none, or the bus is not Vert.x's own. */
  public static int count(EventBus bus, String address) {
    if (!(bus instanceof EventBusImpl impl)) {
      return 0;
    }
    ConcurrentCyclicSequence<HandlerHolder> handlers = impl.handlerMap.get(address);
    return handlers == null ? 0 : handlers.size();
  }
}
