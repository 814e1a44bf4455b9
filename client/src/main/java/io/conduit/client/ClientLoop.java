package io.conduit.client;

import io.conduit.codec.ErrorCode;
import io.conduit.codec.cbp.CbpException;
import io.conduit.codec.cbp.CbpFrames;
import io.conduit.codec.cbp.CbpReply;
import io.conduit.codec.cbp.Command;
import io.conduit.codec.cbp.Headers;
import io.conduit.codec.zmtp.SocketType;
import io.conduit.codec.zmtp.ZmqEndpoint;
import io.conduit.codec.zmtp.ZmtpSecurity;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetClientOptions;
import io.vertx.core.net.SocketAddress;

import java.util.ArrayDeque;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The client's side of the event loop: it alone touches the connections (DEALER semantics to the
 * bridge's ROUTER for requests, SUB to its XPUB for events). Callers on other threads hand it
 * requests through a lock-free queue and one {@code runOnContext} per batch; a caller already on
 * the client's context is served directly. Requests are matched to replies by id, at most
 * {@code maxInFlight} on the wire; more wait here in order, as they do while the connection is
 * down. One timer, armed for the earliest deadline, fails calls that run out of time.
 */
final class ClientLoop {

  private static final System.Logger LOG = System.getLogger(ClientLoop.class.getName());
  private static final byte[] NO_HEADERS = Headers.encode(Map.of());

  private final Vertx vertx;
  private final Context context;
  private final boolean ownsVertx;
  private final String endpoint;
  private final ClientOptions options;
  private final NetClient net;
  private final Connection dealer;
  private final Events events;
  private final AtomicLong ids = new AtomicLong();
  private final Queue<Call> inbox = new ConcurrentLinkedQueue<>();
  private final AtomicBoolean drainPending = new AtomicBoolean();
  private final AtomicBoolean closing = new AtomicBoolean();
  private final Promise<Void> closed = Promise.promise();
  private volatile boolean terminated;

  // Confined to the context.
  private final InFlight inFlight = new InFlight();
  private final ArrayDeque<Call> backlog = new ArrayDeque<>();
  private long timer = -1;
  private long timerDeadline;
  private boolean sending;
  private Promise<Void> probe;
  /** Calls that ran out of time before they were sent, some of which may still sit in the backlog. */
  private int expiredUnsent;

  /**
   * @param vertx     the Vert.x instance whose event loop serves the client
   * @param context   the context (an event loop's) every callback of the client runs on
   * @param ownsVertx close {@code vertx} with the client
   * @throws IllegalArgumentException when an endpoint is not valid
   */
  ClientLoop(Vertx vertx, Context context, boolean ownsVertx, String endpoint, ClientOptions options) {
    SocketAddress requests = ZmqEndpoint.forConnect(endpoint);
    String eventsEndpoint = options.eventsEndpointFor(endpoint);
    SocketAddress eventsAddress = eventsEndpoint == null ? null : ZmqEndpoint.forConnect(eventsEndpoint);
    this.vertx = vertx;
    this.context = context;
    this.ownsVertx = ownsVertx;
    this.endpoint = endpoint;
    this.options = options;
    ZmtpSecurity security = options.curve() == null ? ZmtpSecurity.none() : options.curve().security();
    this.net = vertx.createNetClient(new NetClientOptions().setTcpNoDelay(true).setConnectTimeout(5_000));
    this.dealer = new Connection(vertx, net, requests, SocketType.DEALER, security, new Connection.Handler() {
      @Override
      public void up() {
        sendBacklog();
      }

      @Override
      public void message(List<byte[]> frames, int frameCount, long size, boolean truncated) {
        reply(frames, size, truncated);
      }

      @Override
      public void down(boolean wasUp) {
        dealerDown(wasUp);
      }
    });
    this.events = eventsAddress == null ? null : new Events(vertx, net, eventsAddress, security);
  }

  /** Dials the bridge and proves it answers a PING within {@code waitMs}; fails with a sentence that says why not. */
  Future<Void> start(long waitMs) {
    Promise<Void> started = Promise.promise();
    context.runOnContext(v -> {
      probe = started;
      dealer.start();
      ping(System.nanoTime() + waitMs * 1_000_000L);
    });
    return started.future();
  }

  boolean hasEvents() {
    return events != null;
  }

  /** True on the client's event-loop thread, running the client's context. */
  private boolean onContext() {
    return Context.isOnEventLoopThread() && Vertx.currentContext() == context;
  }

  long nextId() {
    return ids.incrementAndGet();
  }

  // ---- called from any thread ----

  void submit(Call call) {
    if (closing.get()) {
      call.future.completeExceptionally(ConduitException.local(ErrorCode.UNAVAILABLE, "the client is closed", null));
      return;
    }
    if (onContext()) {
      dealer.batch(() -> accept(call));
      return;
    }
    inbox.add(call);
    if (closing.get()) {
      failInbox(); // closed meanwhile: the loop will not drain again
    } else if (drainPending.compareAndSet(false, true)) {
      context.runOnContext(v -> drain());
    }
  }

  void subscribe(Subscription s) {
    context.runOnContext(v -> {
      if (!terminated) {
        events.add(s);
      }
    });
  }

  void unsubscribe(Subscription s) {
    context.runOnContext(v -> {
      if (!terminated) {
        events.remove(s);
      }
    });
  }

  /**
   * Closes the connections; calls still waiting fail with UNAVAILABLE. Completes once everything
   * is closed (with an owned Vert.x, once it is). Idempotent.
   */
  Future<Void> close() {
    if (closing.compareAndSet(false, true)) {
      context.runOnContext(v -> shutDown());
    }
    return closed.future();
  }

  // ---- the event loop ----

  private void drain() {
    drainPending.set(false); // before polling: a call added from now on schedules another drain
    dealer.batch(() -> {
      Call call;
      while ((call = inbox.poll()) != null) {
        accept(call);
      }
    });
  }

  private void accept(Call call) {
    if (terminated) {
      call.future.completeExceptionally(ConduitException.local(ErrorCode.UNAVAILABLE, "the client is closed", null));
      return;
    }
    inFlight.add(call);
    backlog.addLast(call);
    if (timer < 0 || call.deadlineNanos - timerDeadline < 0) {
      arm(call.deadlineNanos);
    }
    sendBacklog();
  }

  private void sendBacklog() {
    if (sending) {
      return; // a completion callback submitted a call while the loop below runs: it takes it
    }
    sending = true;
    try {
      Call call;
      while (dealer.isUp() && inFlight.sent() < options.maxInFlight() && (call = backlog.peekFirst()) != null) {
        backlog.pollFirst();
        if (inFlight.contains(call)) { // else it timed out while waiting for room
          inFlight.markSent(call);
          dealer.send(call.frames);
        }
      }
    } finally {
      sending = false;
    }
  }

  private void reply(List<byte[]> frames, long size, boolean truncated) {
    if (truncated) {
      Call call = frames.size() > 2 ? inFlight.remove(RequestIds.decode(frames.get(2))) : null;
      if (call != null) {
        call.future.completeExceptionally(ConduitException.local(ErrorCode.TOO_LARGE, "the reply to "
            + call.describe() + " has " + size + " bytes, more than the client takes ("
            + Connection.MAX_MESSAGE_BYTES + ")", new JsonObject().put("limit", Connection.MAX_MESSAGE_BYTES)));
      }
    } else {
      complete(frames);
    }
    sendBacklog();
  }

  private void complete(List<byte[]> frames) {
    CbpReply reply;
    try {
      reply = CbpFrames.parseReply(frames);
    } catch (CbpException e) {
      Call call = frames.size() > 2 ? inFlight.remove(RequestIds.decode(frames.get(2))) : null;
      if (call != null) {
        call.future.completeExceptionally(ConduitException.local(ErrorCode.INTERNAL,
            "the bridge's reply to " + call.describe() + " is malformed: " + e.getMessage(), null));
      } else {
        LOG.log(System.Logger.Level.WARNING, "dropped a malformed reply from " + endpoint + ": " + e.getMessage());
      }
      return;
    }
    Call call = inFlight.remove(RequestIds.decode(reply.id()));
    if (call == null) {
      return; // answered after its timeout, or not ours
    }
    // Once out of inFlight nothing else will complete the call: whatever the reply holds, it ends here.
    try {
      if (reply.ok()) {
        call.future.complete(new Reply(reply.headers(), Payloads.decode(reply.headers(), reply.body())));
      } else {
        call.future.completeExceptionally(ConduitException.fromErrorBody(reply.errorCode(), reply.errorBody()));
      }
    } catch (ConduitException e) {
      call.future.completeExceptionally(e);
    } catch (RuntimeException e) {
      call.future.completeExceptionally(ConduitException.local(ErrorCode.INTERNAL,
          "the bridge's reply to " + call.describe() + " could not be read: " + e, null));
    }
  }

  private void dealerDown(boolean wasUp) {
    if (wasUp) {
      // Not sent again: the bridge may have carried them out (a REQUEST or SEND is not idempotent).
      for (Call c : inFlight.removeSent()) {
        c.future.completeExceptionally(ConduitException.local(ErrorCode.UNAVAILABLE, "the connection to the bridge at "
            + endpoint + " was lost before the reply to " + c.describe() + " arrived (" + dealer.lastFailure()
            + "); it may or may not have been carried out", null));
      }
    }
    if (probe != null && ConnectFailures.definitive(dealer.lastReason())) {
      endProbe(ConnectFailures.refused(endpoint, options, dealer));
    }
  }

  /** Sends a PING for the connect probe; a connection lost under it is given another PING while time is left. */
  private void ping(long deadlineNanos) {
    long leftMs = (deadlineNanos - System.nanoTime()) / 1_000_000L;
    if (probe == null) {
      return;
    }
    if (leftMs < 1) {
      endProbe(ConnectFailures.unreachable(endpoint, options, dealer, 0));
      return;
    }
    long id = nextId();
    Call call = new Call(id, Command.PING, "", CbpFrames.request(Command.PING, RequestIds.encode(id), "", NO_HEADERS,
        CbpFrames.EMPTY), leftMs);
    accept(call);
    call.future.whenComplete((reply, error) -> context.runOnContext(v -> {
      if (probe == null || terminated) {
        return;
      }
      if (error == null || !(error instanceof ConduitException c)
          || (c.code() != ErrorCode.TIMEOUT && c.code() != ErrorCode.UNAVAILABLE)) {
        endProbe(null); // an ERROR reply still proves the bridge answers
      } else if (c.code() == ErrorCode.UNAVAILABLE && !call.sent) {
        endProbe(ConnectFailures.unreachable(endpoint, options, dealer, 0)); // never connected in time
      } else if (c.code() == ErrorCode.UNAVAILABLE) {
        ping(deadlineNanos); // the connection dropped under the PING
      } else {
        endProbe(ConnectFailures.unreachable(endpoint, options, dealer, call.timeoutMs));
      }
    }));
  }

  private void endProbe(ConduitException failure) {
    Promise<Void> p = probe;
    probe = null;
    if (failure == null) {
      p.tryComplete();
    } else {
      p.tryFail(failure);
    }
  }

  private void arm(long deadlineNanos) {
    if (timer >= 0) {
      vertx.cancelTimer(timer);
    }
    timerDeadline = deadlineNanos;
    long ms = Math.max(1, (deadlineNanos - System.nanoTime() + 999_999) / 1_000_000L);
    timer = vertx.setTimer(ms, id -> {
      timer = -1;
      expire();
    });
  }

  private void expire() {
    for (Call c : inFlight.expire(System.nanoTime())) {
      if (!c.sent) {
        expiredUnsent++;
      }
      if (c.sent || dealer.isUp()) {
        c.future.completeExceptionally(ConduitException.local(ErrorCode.TIMEOUT, "no reply to " + c.describe()
            + " within " + c.timeoutMs + " ms", new JsonObject().put("timeoutMs", c.timeoutMs)));
      } else {
        c.future.completeExceptionally(ConduitException.local(ErrorCode.UNAVAILABLE, "not connected to the bridge at "
            + endpoint + " within " + c.timeoutMs + " ms (" + dealer.lastFailure() + "); " + c.describe()
            + " was not sent", new JsonObject().put("timeoutMs", c.timeoutMs)));
      }
    }
    // While the bridge is away nothing takes calls off the backlog: without this, every call made
    // during an outage would keep its request there until the connection came back. Compacting
    // only once half of it has expired keeps the cost per expired call constant.
    if (expiredUnsent > 0 && expiredUnsent * 2 >= backlog.size()) {
      backlog.removeIf(c -> !inFlight.contains(c));
      expiredUnsent = 0;
    }
    long next = inFlight.nextDeadline();
    if (next != InFlight.NONE) {
      arm(next);
    }
    dealer.batch(this::sendBacklog); // expired calls may have made room for waiting ones
  }

  /** Calls waiting to be sent, expired ones not yet dropped included (for tests; from any thread). */
  Future<Integer> backlogSize() {
    Promise<Integer> size = Promise.promise();
    context.runOnContext(v -> size.complete(backlog.size()));
    return size.future();
  }

  private void shutDown() {
    terminated = true;
    if (timer >= 0) {
      vertx.cancelTimer(timer);
      timer = -1;
    }
    for (Call c : inFlight.removeAll()) {
      c.future.completeExceptionally(ConduitException.local(ErrorCode.UNAVAILABLE,
          "the client was closed before a reply arrived", null));
    }
    backlog.clear();
    failInbox();
    if (probe != null) {
      endProbe(new ConduitException(ErrorCode.UNAVAILABLE, "the client was closed while connecting to " + endpoint));
    }
    dealer.close();
    if (events != null) {
      events.close();
    }
    Future<Void> done = net.close();
    if (ownsVertx) {
      done = done.transform(ar -> vertx.close());
    }
    done.onComplete(ar -> closed.tryComplete());
  }

  /** Fails work that arrived after the loop ended; callable from any thread. */
  private void failInbox() {
    Call call;
    while ((call = inbox.poll()) != null) {
      call.future.completeExceptionally(ConduitException.local(ErrorCode.UNAVAILABLE, "the client is closed", null));
    }
  }
}
