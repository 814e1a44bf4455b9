package io.conduit.builtin;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.DeliveryOptions;

/**
 * Replies to every message with the body it received, unchanged whatever its type (JSON object,
 * array, string, number, boolean, null or bytes), and with the same headers.
 * Config: {@code {"address": "echo"}}.
 */
public class EchoVerticle extends VerticleBase {

  @Override
  public Future<?> start() {
    String address = config().getString("address", "echo");
    return vertx.eventBus()
        .consumer(address, message -> message.reply(message.body(), new DeliveryOptions().setHeaders(message.headers())))
        .completion();
  }
}
