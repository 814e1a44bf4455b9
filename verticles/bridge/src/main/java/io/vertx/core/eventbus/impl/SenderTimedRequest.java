package io.vertx.core.eventbus.impl;

import io.vertx.core.Completable;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.internal.ContextInternal;
import io.vertx.core.internal.VertxInternal;

/**
 * An event-bus request whose reply registration has no timer: the sender expires it with
 * {@link #expire()}, from a sweep of its own. {@code EventBus.request} schedules a timer for every
 * request and cancels it when the reply comes; under a pipelined load that is a scheduled-task heap
 * of thousands, and it took about a sixth of the bridge's event loop in profiles. Everything else
 * is what {@code request} does: the same message (a clustered one on a clustered bus, so a reply
 * from another node comes straight back to this one), a reply address of Vert.x's own form, the
 * inbound interceptors run on the reply, a {@code fail(...)} reply or {@code NO_HANDLERS} arrives
 * as the same {@link ReplyException}.
 *
 * <p>The reply registration can be made on a {@link #replyContext reply context}: the sender's
 * event loop without its deployment. Vert.x keeps every registration made on a deployment's
 * context as a close hook of that deployment (added and removed under a lock, per request), so
 * that undeploying it unregisters them; a sender that expires its own requests when it stops has
 * no use for that, and a pipelined load spent about 3 % of the bridge's CPU on it ({@code perf}).
 *
 * <p>It lives in Vert.x's package because a reply registration can be made only there
 * ({@link HandlerRegistration}'s constructor is package-private). Conduit pins Vert.x 5.0.10; the
 * bridge's tests run it on a local and on a clustered event bus. The outcome is delivered once, on
 * the context the registration was made on.
 */
public final class SenderTimedRequest<T> extends HandlerRegistration<T> {

  private static final Completable<Void> IGNORE = (v, e) -> { };

  private final Completable<Message<T>> outcome;
  private final String requestedAddress;
  private final long timeoutMs;
  private final int hash;
  private boolean settled;

  private SenderTimedRequest(EventBusImpl bus, ContextInternal context, String replyAddress, String requestedAddress,
                             long timeoutMs, Completable<Message<T>> outcome) {
    super(context, bus, replyAddress, false);
    this.requestedAddress = requestedAddress;
    this.timeoutMs = timeoutMs;
    this.outcome = outcome;
    this.hash = replyAddress.hashCode();
  }

  /**
   * Sends {@code body} to {@code address} as a request; {@code outcome} gets the reply or the
   * failure, once. {@code options.getSendTimeout()} is only reported in a timeout's message: the
   * caller enforces it by calling {@link #expire()}.
   */
  public static <T> SenderTimedRequest<T> send(Vertx vertx, String address, Object body, DeliveryOptions options,
                                               Completable<Message<T>> outcome) {
    return send(vertx, ((VertxInternal) vertx).getOrCreateContext(), address, body, options, outcome);
  }

  /**
   * As {@link #send(Vertx, String, Object, DeliveryOptions, Completable)}, with the reply
   * registered on {@code context} (see {@link #replyContext}) and the outcome delivered there.
   */
  public static <T> SenderTimedRequest<T> send(Vertx vertx, ContextInternal context, String address, Object body,
                                               DeliveryOptions options, Completable<Message<T>> outcome) {
    EventBusImpl bus = (EventBusImpl) vertx.eventBus();
    MessageImpl message = bus.createMessage(true, options.isLocalOnly(), address, options.getHeaders(), body,
        options.getCodecName());
    String replyAddress = bus.generateReplyAddress();
    message.setReplyAddress(replyAddress);
    SenderTimedRequest<T> request = new SenderTimedRequest<>(bus, context, replyAddress, address,
        options.getSendTimeout(), outcome);
    request.register(false, false, IGNORE);
    bus.sendOrPubInternal(message, options, null).onComplete((v, failure) -> {
      // as for EventBus.request: a ReplyException (NO_HANDLERS) fails the request; any other write
      // failure (a node that died mid-send) leaves it to its timeout or to the owner watch
      if (failure instanceof ReplyException e) {
        request.fail(e);
      }
    });
    return request;
  }

  /**
   * A context on the calling thread's event loop that belongs to no deployment: replies registered
   * on it run on the same thread as the caller's own, and cost no close hook. Nothing unregisters
   * them when the caller's verticle is undeployed, so the caller must {@link #expire()} what is
   * still pending when it stops. Called once per sender; off an event loop (a worker's context) it
   * is the caller's own context, whose thread is not fixed.
   */
  public static ContextInternal replyContext(Vertx vertx) {
    ContextInternal caller = ((VertxInternal) vertx).getOrCreateContext();
    if (!caller.isEventLoopContext()) {
      return caller;
    }
    return ((VertxInternal) vertx).contextBuilder().withEventLoop(caller.nettyEventLoop())
        .withClassLoader(caller.classLoader()).build();
  }

  /**
   * The reply address's hash, not the identity hash. On a deployment's context Vert.x keeps the
   * registration as a close hook, in a {@code HashMap}, from inside the registration's
   * {@code synchronized register}; taking an object's identity hash while it is locked inflates its
   * monitor (JDK 17's stack locking), so every request allocated a monitor for the JVM to reclaim
   * later (JFR: {@code jdk.JavaMonitorInflate}, cause "Monitor Hash Code", one per request). Equality
   * stays identity, so any fixed hash is correct.
   */
  @Override
  public int hashCode() {
    return hash;
  }

  @Override
  public boolean equals(Object other) {
    return this == other;
  }

  /** Fails the request with Vert.x's TIMEOUT, unless its outcome is already known. */
  public void expire() {
    fail(new ReplyException(ReplyFailure.TIMEOUT, "Timed out after waiting " + timeoutMs
        + "(ms) for a reply. address: " + address + ", repliedAddress: " + requestedAddress));
  }

  /** True once the reply or a failure has been delivered. */
  public boolean settled() {
    return settled;
  }

  private void fail(ReplyException failure) {
    if (settled) {
      return;
    }
    settled = true;
    unregister();
    if (bus.metrics != null) {
      bus.metrics.replyFailure(requestedAddress, failure.failureType());
    }
    outcome.fail(failure);
  }

  @Override
  protected void doReceive(Message<T> reply) {
    dispatch(null, reply, context); // through the inbound interceptors, as a reply to a request
  }

  @Override
  protected void dispatch(Message<T> reply, ContextInternal context, io.vertx.core.Handler<Message<T>> handler) {
    if (settled) {
      return;
    }
    if (reply.body() instanceof ReplyException e) {
      fail(e);
      return;
    }
    settled = true;
    unregister();
    outcome.succeed(reply);
  }
}
