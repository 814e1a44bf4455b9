package io.conduit.bridge;

import io.conduit.codec.ErrorCode;
import io.conduit.codec.EventBusFailure;
import io.conduit.codec.cbp.Bodies;
import io.vertx.core.Future;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The event-bus side of external Majordomo workers, on the bridge's event loop: one consumer per
 * service that has workers, which hands each request to the transport as a {@link WorkerJob}
 * and completes it when the {@link WorkerEvent.Outcome} comes back. Any event-bus caller (Java, a
 * bridge client, an MDP client, another node) reaches the workers this way.
 */
final class WorkerConsumers {

  private final EventBus bus;
  private final BridgeTransport sockets;
  private final int maxBodyBytes;
  private final BridgeStats stats;
  private final Map<String, MessageConsumer<Object>> consumers = new HashMap<>();
  private final Map<Long, Message<Object>> waiting = new HashMap<>();
  private long nextId;

  WorkerConsumers(EventBus bus, BridgeTransport sockets, int maxBodyBytes, BridgeStats stats) {
    this.stats = stats;
    this.bus = bus;
    this.sockets = sockets;
    this.maxBodyBytes = maxBodyBytes;
  }

  /** Applies what the workers' bookkeeping reported, in order. */
  void handle(List<WorkerEvent> events) {
    for (WorkerEvent event : events) {
      if (event instanceof WorkerEvent.Outcome outcome) {
        complete(outcome);
      } else if (event instanceof WorkerEvent.ServiceChange change) {
        changed(change.service(), change.up());
      }
    }
  }

  /** Unregisters every consumer (so callers get NO_HANDLERS) and fails the requests still waiting. */
  Future<Void> closeAll() {
    Future<Void> all = Future.succeededFuture();
    for (MessageConsumer<Object> c : consumers.values()) {
      all = all.compose(v -> c.unregister());
    }
    consumers.clear();
    stats.workerServices(0);
    return all;
  }

  /** Fails whatever still waits for a worker: called once the transport has stopped. */
  void failWaiting(String reason) {
    waiting.values().forEach(m -> m.fail(ErrorCode.UNAVAILABLE.status(), reason));
    waiting.clear();
  }

  private void changed(String service, boolean up) {
    if (up) {
      consumers.computeIfAbsent(service, s -> bus.consumer(s, m -> forward(s, m)));
    } else {
      MessageConsumer<Object> consumer = consumers.remove(service);
      if (consumer != null) {
        consumer.unregister();
      }
    }
    stats.workerServices(consumers.size());
  }

  private void forward(String service, Message<Object> message) {
    byte[] body;
    try {
      body = Bodies.encode(message.body()).bytes();
    } catch (RuntimeException e) {
      message.fail(ErrorCode.BAD_REQUEST.status(), "a request to '" + service + "' carries a "
          + message.body().getClass().getSimpleName() + ", which cannot be encoded as JSON for an external worker");
      return;
    }
    if (body.length > maxBodyBytes) {
      message.fail(ErrorCode.TOO_LARGE.status(), "a request to '" + service + "' is " + body.length
          + " bytes, over the bridge's limit of " + maxBodyBytes);
      return;
    }
    long id = nextId++;
    waiting.put(id, message);
    sockets.submit(new WorkerJob(id, service, body));
  }

  private void complete(WorkerEvent.Outcome outcome) {
    Message<Object> message = waiting.remove(outcome.id());
    if (message == null) {
      return;
    }
    if (outcome.code() != null) {
      message.fail(outcome.code().status(), outcome.message());
      return;
    }
    Object reply = MajordomoClients.decode(outcome.reply());
    WorkerError error = WorkerError.of(reply);
    if (error != null) {
      message.fail(error.status(), error.message());
    } else {
      message.reply(reply);
    }
  }

  /**
   * A worker's reply that reports a failure: exactly {@code {"error": {"code": C, "message": M}}}
   * with C one of the protocol's codes (and an optional {@code failureCode}, the status it stands
   * for), the shape the bridge itself gives Majordomo clients. The caller gets it as that error
   * through every front door, not as a successful reply that happens to describe one.
   */
  record WorkerError(int status, String message) {

    static WorkerError of(Object reply) {
      if (!(reply instanceof JsonObject json) || json.size() != 1
          || !(json.getValue("error") instanceof JsonObject error)
          || !(error.getValue("code") instanceof String code) || !(error.getValue("message") instanceof String message)) {
        return null;
      }
      ErrorCode known;
      try {
        known = ErrorCode.valueOf(code);
      } catch (IllegalArgumentException e) {
        return null;
      }
      // the caller's code is read back from the status, as for a verticle's failure: a failureCode
      // is kept only when it reads back as the same code (500 for RECIPIENT_FAILURE, 404 for NOT_FOUND)
      int status = known.status();
      if (error.getValue("failureCode") instanceof Integer f && f >= 400 && f <= 599
          && EventBusFailure.codeForStatus(f) == EventBusFailure.codeForStatus(status)) {
        status = f;
      }
      return new WorkerError(status, message);
    }
  }
}
