package io.conduit.store.owner;

import io.vertx.core.Completable;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.internal.ContextInternal;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/**
 * A request handed to a store on the caller's event loop ({@link LocalOwners#call}; or a one-way
 * message, {@link LocalOwners#send}, which has no reply address), and the store's reply to it. To the store it is the message the event bus would have delivered: the same
 * body, headers, {@code reply} and {@code fail}. The differences: its reply address is not an
 * event-bus address (reply through this message), a second reply is dropped as the event bus drops
 * one to a reply address already answered, and {@code replyAndRequest} fails at once, since the
 * bridge's client cannot answer a reply (over the event bus the same call waits for its timeout).
 */
public final class DirectRequest implements Message<Object> {

  /** What {@link #replyAddress()} says: a request answered through this message, not an address. */
  public static final String REPLY_ADDRESS = "__conduit.direct";

  private final String address;
  private final Object body;
  private final Handler<MultiMap> headerValues;
  private final long timeoutMs;
  private final ContextInternal caller;
  private final Completable<Message<Object>> outcome;
  private final LocalOwners.Observer meters;
  /** For a one-way message: runs once, on the caller's context, when the store has dealt with it or it expired. */
  private final Runnable handled;
  private Object metered;
  private MultiMap headers;
  private boolean replied;
  private boolean settled;

  /** A request ({@code outcome} set) or a one-way message ({@code outcome} null). */
  DirectRequest(String address, Object body, Handler<MultiMap> headers, long timeoutMs, ContextInternal caller,
                Completable<Message<Object>> outcome, LocalOwners.Observer meters, Runnable handled) {
    this.address = address;
    this.body = body;
    this.headerValues = headers;
    this.timeoutMs = timeoutMs;
    this.caller = caller;
    this.outcome = outcome;
    this.meters = meters;
    this.handled = handled;
  }

  /** A reply: no reply address, so replying to it goes nowhere (as on the event bus). */
  private DirectRequest(String address, Object body, MultiMap headers) {
    this(address, body, null, 0, null, null, null, null);
    this.headers = headers;
  }

  /** The request reaches the store: its meters start now, as an interceptor's would at delivery. */
  void metered() {
    if (meters != null) {
      metered = meters.started(address);
    }
  }

  @Override
  public String address() {
    return address;
  }

  @Override
  public MultiMap headers() {
    if (headers == null) {
      headers = MultiMap.caseInsensitiveMultiMap();
      if (headerValues != null) {
        headerValues.handle(headers);
      }
    }
    return headers;
  }

  @Override
  public Object body() {
    return body;
  }

  @Override
  public String replyAddress() {
    return outcome == null ? null : REPLY_ADDRESS;
  }

  @Override
  public boolean isSend() {
    return true;
  }

  @Override
  public void reply(Object message, DeliveryOptions options) {
    if (replied) {
      return;
    }
    replied = true;
    if (outcome == null) {
      // a one-way message: the reply goes nowhere, but the sender learns that the store is done with it
      if (handled != null) {
        onCaller(v -> settleOneWay());
      }
      return;
    }
    ReplyException failure = message instanceof ReplyException e ? e : null;
    if (meters != null) {
      meters.replied(metered, failure);
    }
    // the usual case: the store answered on the loop that reads the request, so its reply is used
    // before the store can change it; from another thread it is copied, as the event bus would
    Object body = caller.nettyEventLoop().inEventLoop() ? message : copied(message);
    onCaller(v -> settle(body, failure, options));
  }

  @Override
  public <R> Future<Message<R>> replyAndRequest(Object message, DeliveryOptions options) {
    reply(message, options);
    return Future.failedFuture(new ReplyException(ReplyFailure.NO_HANDLERS, "the request to '" + address
        + "' came from a bridge client, which cannot answer a reply"));
  }

  /** Fails the request with the event bus's TIMEOUT, unless the store answered first. */
  public void expire() {
    if (outcome == null) {
      settleOneWay();
    } else if (!settled) {
      settled = true;
      outcome.fail(new ReplyException(ReplyFailure.TIMEOUT, "Timed out after waiting " + timeoutMs
          + "(ms) for a reply. address: " + REPLY_ADDRESS + ", repliedAddress: " + address));
    }
  }

  /** True once the reply, a failure or the timeout has been delivered. */
  public boolean settled() {
    return settled;
  }

  /**
   * Runs {@code action} on the caller's thread: at once when this is its loop (inside the store's
   * turn, without making the caller's context current: a dispatch for it cost a {@code get} about
   * a hundredth of the loop's time, and the caller's outcome does not ask for its context), else
   * as its context's next task. A failure of the caller's is reported on its context, not thrown
   * into the store that answered.
   */
  private void onCaller(Handler<Void> action) {
    if (caller.nettyEventLoop().inEventLoop()) {
      try {
        action.handle(null);
      } catch (Throwable e) {
        caller.reportException(e); // as a dispatch would: the store that answered goes on
      }
    } else {
      caller.runOnContext(action);
    }
  }

  private void settleOneWay() {
    if (!settled) {
      settled = true;
      if (handled != null) {
        handled.run();
      }
    }
  }

  private void settle(Object message, ReplyException failure, DeliveryOptions options) {
    if (settled) {
      return;
    }
    settled = true;
    if (failure != null) {
      outcome.fail(failure);
    } else {
      MultiMap replyHeaders = options == null || options.getHeaders() == null ? MultiMap.caseInsensitiveMultiMap()
          : options.getHeaders();
      outcome.succeed(new DirectRequest(address, message, replyHeaders));
    }
  }

  /** The event bus's copy of a mutable body, for a reply that crosses to the caller's thread later. */
  private static Object copied(Object body) {
    if (body instanceof JsonObject o) {
      return o.copy();
    } else if (body instanceof JsonArray a) {
      return a.copy();
    } else if (body instanceof Buffer b) {
      return b.copy();
    } else if (body instanceof byte[] bytes) {
      return bytes.clone();
    }
    return body;
  }
}
