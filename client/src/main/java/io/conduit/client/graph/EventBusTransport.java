package io.conduit.client.graph;

import io.conduit.codec.ErrorCode;
import io.conduit.codec.RequestHeaders;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.JsonObject;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CompletionStage;

/** Requests straight on a Vert.x event bus. */
record EventBusTransport(Vertx vertx, String address) implements GraphTransport {

  EventBusTransport {
    Objects.requireNonNull(vertx, "vertx");
    Objects.requireNonNull(address, "address");
  }

  @Override
  public CompletionStage<Object> request(JsonObject body, Duration timeout) {
    DeliveryOptions options = new DeliveryOptions().setSendTimeout(timeout.toMillis())
        .addHeader(RequestHeaders.TIMEOUT_MS, Long.toString(timeout.toMillis()));
    return vertx.eventBus().request(address, body, options)
        .map(Message::body)
        .recover(e -> Future.failedFuture(failure(e, timeout)))
        .toCompletionStage();
  }

  private GraphStoreException failure(Throwable e, Duration timeout) {
    if (!(e instanceof ReplyException reply)) {
      return GraphStoreException.fromTransport(ErrorCode.INTERNAL, "the request could not be sent: " + e.getMessage(), e);
    }
    return switch (reply.failureType()) {
      case RECIPIENT_FAILURE -> GraphStoreException.fromStore(reply.failureCode(), reply.getMessage());
      case NO_HANDLERS -> GraphStoreException.fromTransport(ErrorCode.NO_HANDLERS,
          "no graph store is registered at address '" + address + "'", e);
      case TIMEOUT -> GraphStoreException.fromTransport(ErrorCode.TIMEOUT,
          "no reply from '" + address + "' within " + timeout.toMillis() + " ms", e);
      case ERROR -> GraphStoreException.fromTransport(ErrorCode.INTERNAL, e.getMessage(), e);
    };
  }
}
