package io.conduit.client.doc;

import io.conduit.codec.ErrorCode;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.ReplyException;

import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletionStage;

/** Requests straight on a Vert.x event bus. */
record EventBusTransport(Vertx vertx, String address) implements DocTransport {

  EventBusTransport {
    Objects.requireNonNull(vertx, "vertx");
  }

  @Override
  public CompletionStage<Object> request(Object body, Map<String, String> headers, Duration timeout) {
    DeliveryOptions options = new DeliveryOptions().setSendTimeout(timeout.toMillis());
    headers.forEach(options::addHeader);
    return vertx.eventBus().request(address, body, options)
        .map(Message::body)
        .recover(e -> Future.failedFuture(failure(e, timeout)))
        .toCompletionStage();
  }

  @Override
  public String toString() {
    return "'" + address + "' on the event bus";
  }

  private DocStoreException failure(Throwable e, Duration timeout) {
    if (!(e instanceof ReplyException reply)) {
      return DocStoreException.fromTransport(ErrorCode.INTERNAL, "the request could not be sent: " + e.getMessage(), e);
    }
    return switch (reply.failureType()) {
      case RECIPIENT_FAILURE -> DocStoreException.fromStore(reply.failureCode(), reply.getMessage());
      case NO_HANDLERS -> DocStoreException.fromTransport(ErrorCode.NO_HANDLERS,
          "no document store is registered at address '" + address + "'", e);
      case TIMEOUT -> DocStoreException.fromTransport(ErrorCode.TIMEOUT,
          "no reply from '" + address + "' within " + timeout.toMillis() + " ms", e);
      case ERROR -> DocStoreException.fromTransport(ErrorCode.INTERNAL, e.getMessage(), e);
    };
  }
}
