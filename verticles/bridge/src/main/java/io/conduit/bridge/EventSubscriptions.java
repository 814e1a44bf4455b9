package io.conduit.bridge;

import io.conduit.codec.ErrorCode;
import io.conduit.codec.RequestHeaders;
import io.conduit.codec.cbp.Bodies;
import io.conduit.codec.cbp.Headers;
import io.vertx.core.Future;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;

import java.lang.System.Logger.Level;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Event-bus consumers for the addresses ZeroMQ subscribers asked for: registered on the first
 * subscription to an address, unregistered on the last unsubscription. Each delivered message is
 * published on the XPUB as {@code address, headers, body}. Event-loop only.
 */
final class EventSubscriptions {

  private static final System.Logger LOG = System.getLogger(EventSubscriptions.class.getName());

  private final EventBus bus;
  private final BridgeTransport sockets;
  private final BridgeStats stats;
  private final Map<String, Subscribed> byAddress = new HashMap<>();

  private record Subscribed(MessageConsumer<Object> consumer, int subscribers) {
  }

  EventSubscriptions(EventBus bus, BridgeTransport sockets, BridgeStats stats) {
    this.bus = bus;
    this.sockets = sockets;
    this.stats = stats;
  }

  void changed(String address, boolean subscribed) {
    Subscribed current = byAddress.get(address);
    if (subscribed) {
      if (current == null) {
        byte[] topic = address.getBytes(StandardCharsets.UTF_8);
        MessageConsumer<Object> consumer = bus.consumer(address, m -> publish(topic, m));
        byAddress.put(address, new Subscribed(consumer, 1));
      } else {
        byAddress.put(address, new Subscribed(current.consumer(), current.subscribers() + 1));
      }
    } else if (current != null) {
      if (current.subscribers() <= 1) {
        byAddress.remove(address);
        current.consumer().unregister();
      } else {
        byAddress.put(address, new Subscribed(current.consumer(), current.subscribers() - 1));
      }
    }
    stats.subscribedAddresses(byAddress.size());
  }

  Future<Void> closeAll() {
    Future<Void> all = Future.succeededFuture();
    for (Subscribed s : byAddress.values()) {
      all = all.compose(v -> s.consumer().unregister());
    }
    byAddress.clear();
    return all;
  }

  private void publish(byte[] topic, Message<Object> message) {
    if (message.replyAddress() != null) {
      // Vert.x hands point-to-point requests to every consumer of an address in turn, this one
      // included; a subscriber cannot reply, so say so at once instead of letting it time out.
      message.fail(ErrorCode.UNAVAILABLE.status(), "a request to '" + message.address() + "' reached the ZeroMQ "
          + "bridge's subscription consumer, which cannot reply; subscribe to event addresses (published to), "
          + "not to services");
      return;
    }
    Bodies.Encoded encoded;
    try {
      encoded = Bodies.encode(message.body());
    } catch (RuntimeException e) {
      LOG.log(Level.WARNING, "an event on '" + message.address() + "' cannot be encoded as JSON; not published");
      return;
    }
    Map<String, String> headers = new LinkedHashMap<>();
    message.headers().forEach(e -> {
      // as for requests and replies: Conduit's own headers and the ones the bridge interprets stay inside
      if (!Headers.reserved(e.getKey()) && RequestHeaders.forwardable(e.getKey())) {
        headers.put(e.getKey(), e.getValue());
      }
    });
    headers.put(Headers.CONTENT_TYPE, encoded.contentType());
    sockets.send(Outbound.event(new byte[][] {topic, Headers.encode(headers), encoded.bytes()})); // counted there
  }
}
