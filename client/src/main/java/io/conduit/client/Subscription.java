package io.conduit.client;

import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BiConsumer;

/**
 * Delivery of one event-bus address's messages to a handler, from {@link ConduitClient#subscribe}.
 * {@link #close()} stops it; the last subscription to an address unsubscribes the client's SUB
 * socket from it, which lets the bridge drop its event-bus consumer.
 */
public final class Subscription implements AutoCloseable {

  private final String address;
  private final BiConsumer<Map<String, String>, Object> handler;
  private final ClientLoop loop;
  private final AtomicBoolean closed = new AtomicBoolean();

  Subscription(String address, BiConsumer<Map<String, String>, Object> handler, ClientLoop loop) {
    this.address = address;
    this.handler = handler;
    this.loop = loop;
  }

  /** The event-bus address this subscription receives. */
  public String address() {
    return address;
  }

  /** True until {@link #close()}. */
  public boolean isActive() {
    return !closed.get();
  }

  /** Stops delivery to this subscription's handler; idempotent. */
  @Override
  public void close() {
    if (closed.compareAndSet(false, true)) {
      loop.unsubscribe(this);
    }
  }

  void deliver(Map<String, String> headers, Object body) {
    if (!closed.get()) {
      handler.accept(headers, body);
    }
  }
}
