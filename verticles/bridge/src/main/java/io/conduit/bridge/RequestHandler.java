package io.conduit.bridge;

import io.conduit.codec.ConduitVersion;
import io.conduit.codec.ErrorCode;
import io.conduit.codec.RequestHeaders;
import io.conduit.codec.cbp.Bodies;
import io.conduit.codec.cbp.CbpException;
import io.conduit.codec.cbp.CbpFrames;
import io.conduit.codec.cbp.CbpRequest;
import io.conduit.codec.cbp.Headers;
import io.conduit.codec.cbp.RecentAddresses;
import io.conduit.codec.mdp.Mdp;
import io.conduit.node.Receipts;
import io.conduit.store.owner.DirectRequest;
import io.conduit.store.owner.LocalOwners;
import io.conduit.store.owner.OwnerWatch;
import io.vertx.core.AsyncResult;
import io.vertx.core.Completable;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.impl.SenderTimedRequest;
import io.vertx.core.internal.ContextInternal;
import io.vertx.core.json.JsonObject;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;

/**
 * Turns CBP/1 requests into event-bus calls and their outcomes into replies, on the bridge's event
 * loop. Every request handed here gets exactly one reply (the transport counts on it to free the
 * client's in-flight slot).
 */
final class RequestHandler {

  private static final byte[] NO_BODY = new byte[0];
  /** The longest a send's acknowledgement waits for the event bus to say whether it took it. */
  private static final long SEND_ACK_WAIT_MS = 2_000;

  private final Vertx vertx;
  private final boolean clustered;
  private final EventBus bus;
  private final RequestDeadlines deadlines;
  private final SendReceipts receipts;
  private final BridgeOptions options;
  private final BridgeTransport sockets;
  private final BridgeStats stats;
  private final MajordomoClients majordomo;
  private final byte[] pingBody;
  private final OwnerWatch owners;
  private final LocalOwners localOwners;
  private final RecentAddresses addresses = new RecentAddresses();
  /** Where replies are registered: this loop, outside the bridge's deployment (see {@link #close}). */
  private final ContextInternal replyContext;
  private long lastTimeoutMs = -1;
  private String lastTimeoutText;

  RequestHandler(Vertx vertx, BridgeOptions options, BridgeTransport sockets, BridgeStats stats, String nodeId,
                 OwnerWatch owners) {
    this.vertx = vertx;
    this.clustered = vertx.isClustered();
    this.bus = vertx.eventBus();
    this.deadlines = new RequestDeadlines(vertx);
    this.receipts = new SendReceipts(vertx, sockets, deadlines, options.maxTimeoutMs());
    this.owners = owners;
    this.localOwners = LocalOwners.of(vertx);
    this.options = options;
    this.sockets = sockets;
    this.stats = stats;
    this.majordomo = new MajordomoClients(vertx, options, this);
    this.pingBody = new JsonObject().put("node", nodeId).put("version", ConduitVersion.get()).toBuffer().getBytes();
    this.replyContext = SenderTimedRequest.replyContext(vertx);
  }

  /**
   * Fails every request still waiting (the bridge has stopped answering): their reply
   * registrations are on {@link #replyContext}, which undeploying the bridge does not clean up.
   */
  Future<Void> close() {
    deadlines.expireAll(); // sends still held are given back too
    return receipts.stop();
  }

  /** Listens for the receipts of the sends it puts on the event bus ({@link SendReceipts}). */
  Future<Void> start() {
    Receipts.answerOn(vertx); // this node answers the receipts of its consumers, as every node must
    return receipts.start();
  }

  void handle(Inbound request) {
    List<byte[]> frames = request.frames();
    if (!frames.isEmpty() && Mdp.isClient(frames.get(0))) {
      majordomo.handle(request);
    } else {
      handleCbp(request);
    }
  }

  private void handleCbp(Inbound in) {
    CbpRequest request;
    try {
      request = CbpFrames.parseRequest(in.frames(), addresses);
    } catch (CbpException e) {
      if (!in.frames().isEmpty() && !CbpFrames.isCbp(in.frames().get(0))) {
        e = new CbpException(ErrorCode.BAD_REQUEST, "unknown protocol: the first frame must be CBP1 (or MDPC01 for "
            + "a Majordomo client)", e.id());
      }
      fail(in, e);
      return;
    }
    byte[] id = request.id();
    if (request.command() == io.conduit.codec.cbp.Command.PING) {
      reply(in, CbpFrames.reply(true, id, Headers.contentTypeOnly(Headers.JSON), pingBody));
      return;
    }
    AccessPolicy.Verdict verdict = options.access().mayCall(request.address());
    if (!verdict.allowed()) {
      fail(in, new CbpException(ErrorCode.FORBIDDEN, verdict.reason(), id));
      return;
    }
    Object body;
    long timeoutMs;
    try {
      timeoutMs = timeout(request.header(Headers.TIMEOUT), id);
      byte[] bytes = request.body();
      String encoding = request.header(Headers.CONTENT_ENCODING);
      if (Headers.DEFLATE.equals(encoding)) {
        // while the request waits it holds its body inflated (its frames are let go): the charge
        // for the bytes received grows by what inflating added
        int compressed = bytes.length;
        bytes = Bodies.inflate(bytes, options.maxMessageBytes(), id);
        encoding = null;
        Failure over = sockets.charge(in, Math.max(0, bytes.length - compressed));
        if (over != null) {
          fail(in, id, over);
          return;
        }
      }
      body = Bodies.decode(request.header(Headers.CONTENT_TYPE), encoding, bytes, options.maxMessageBytes(), id);
    } catch (CbpException e) {
      fail(in, e);
      return;
    }
    switch (request.command()) {
      case REQUEST -> {
        String address = request.address();
        Inbound to = in.replyTo();
        OwnerWatch.Pending watched = owners.watch(address, () -> fail(to, id, Failure.ownerLeft(address)));
        boolean acceptsDeflate = Headers.DEFLATE.equals(request.header(Headers.ACCEPT_ENCODING));
        Completable<Message<Object>> outcome = (reply, failure) -> {
          if (!watched.settle()) {
            return; // answered UNAVAILABLE when the owner's node left
          }
          if (failure == null) {
            replyWith(to, id, reply, acceptsDeflate);
          } else if (watched.ownerLeft()) {
            fail(to, id, Failure.ownerLeft(address));
          } else {
            fail(to, id, Failure.of(failure, address, timeoutMs, options.access(), clustered));
          }
        };
        if (!callOwnerHere(address, body, request, timeoutMs, outcome)) {
          call(address, body, delivery(request, timeoutMs), timeoutMs, outcome);
        }
      }
      case SEND -> {
        String address = request.address();
        if (sendToOwnerHere(in, address, body, request, timeoutMs)) {
          ok(in, id);
          return;
        }
        acknowledge(in.replyTo(), id, address, timeoutMs,
            receipts.send(in, address, body, delivery(request, timeoutMs)));
      }
      case PUBLISH -> {
        // an event has readers, not a requester waiting: no deadline goes with it
        DeliveryOptions event = new DeliveryOptions();
        forwardedHeaders(request.headers(), event::addHeader);
        receipts.publish(in, request.address(), body, event);
        ok(in, id);
      }
      default -> throw new IllegalStateException("unreachable: " + request.command());
    }
  }

  /**
   * Acknowledges a send once the event bus has it: a send nobody consumes is told so
   * ({@code NO_HANDLERS}) rather than answered OK, and one that could not reach the node of its
   * consumer (a connection to it failed) {@code UNAVAILABLE}. On one node the bus knows at once.
   * In a cluster its answer may wait for the registry or for a connection to another node (up to
   * a minute to a node that died unseen): past {@link #SEND_ACK_WAIT_MS} the send is acknowledged
   * as handed over, so that it does not hold its client's place meanwhile.
   */
  private void acknowledge(Inbound to, byte[] id, String address, long timeoutMs, Future<Void> written) {
    whenWritten(written, deadlines, Math.min(timeoutMs, SEND_ACK_WAIT_MS), () -> ok(to, id),
        w -> answerSend(to, id, address, timeoutMs, w));
  }

  /**
   * Calls {@code answer} with the outcome of {@code written} if it comes within {@code waitMs},
   * else {@code handedOver} once the wait is over; exactly one of them runs, once. Event-loop only.
   */
  static void whenWritten(Future<Void> written, RequestDeadlines deadlines, long waitMs, Runnable handedOver,
                          Handler<AsyncResult<Void>> answer) {
    if (written.isComplete()) {
      answer.handle(written);
      return;
    }
    boolean[] answered = new boolean[1];
    RequestDeadlines.Entry wait = deadlines.add(waitMs, () -> {
      answered[0] = true;
      handedOver.run();
    });
    written.onComplete(w -> {
      if (!answered[0]) {
        answered[0] = true;
        deadlines.remove(wait);
        answer.handle(w);
      }
    });
  }

  private void answerSend(Inbound to, byte[] id, String address, long timeoutMs, AsyncResult<Void> written) {
    if (written.succeeded()) {
      ok(to, id);
    } else if (written.cause() instanceof ReplyException) {
      fail(to, id, Failure.of(written.cause(), address, timeoutMs, options.access(), clustered));
    } else {
      fail(to, id, new Failure(ErrorCode.UNAVAILABLE, "the send to '" + address + "' could not reach the node of "
          + "its consumer (" + written.cause().getMessage() + "); retry",
          new JsonObject().put("retryAfterMs", Failure.RETRY_AFTER_MS)));
    }
  }

  /** The event-bus delivery of a request, with {@link #consumerHeaders}. */
  private DeliveryOptions delivery(CbpRequest request, long timeoutMs) {
    DeliveryOptions delivery = new DeliveryOptions().setSendTimeout(timeoutMs);
    consumerHeaders(request.headers(), timeoutText(timeoutMs), delivery::addHeader);
    return delivery;
  }

  /** The same headers for a direct call, filled in if the store reads them (maybe on its own thread). */
  private Handler<MultiMap> directHeaders(CbpRequest request, long timeoutMs) {
    String deadline = timeoutText(timeoutMs); // read now: the cache behind it belongs to this loop
    // the client's headers only: a queued call must not keep the request's raw body as well
    Map<String, String> clientHeaders = request.headers();
    return headers -> consumerHeaders(clientHeaders, deadline, headers::add);
  }

  /**
   * The headers a consumer gets with a request: the client's own (less the protocol's and
   * Conduit's), and the requester's deadline as the bridge enforces it, for the consumer to honour
   * (a lock wait).
   */
  private static void consumerHeaders(Map<String, String> clientHeaders, String deadline,
                                      BiConsumer<String, String> add) {
    forwardedHeaders(clientHeaders, add);
    add.accept(RequestHeaders.TIMEOUT_MS, deadline);
  }

  /** The client's own headers: neither those the bridge interprets nor Conduit's. */
  private static void forwardedHeaders(Map<String, String> clientHeaders, BiConsumer<String, String> add) {
    clientHeaders.forEach((k, v) -> {
      if (!Headers.reserved(k) && RequestHeaders.forwardable(k)) {
        add.accept(k, v);
      }
    });
  }

  /**
   * Hands the request straight to the store that owns {@code address} when it runs on this event
   * loop ({@link LocalOwners}), with the same headers and deadline as {@link #call}; false when no
   * such store does (the request goes on the event bus).
   */
  private boolean callOwnerHere(String address, Object body, CbpRequest request, long timeoutMs,
                                Completable<Message<Object>> outcome) {
    if (!localOwners.servesOnThisLoop(address)) {
      return false; // most requests: nothing to allocate for them
    }
    RequestDeadlines.Entry[] deadline = new RequestDeadlines.Entry[1];
    DirectRequest direct = localOwners.call(address, body, directHeaders(request, timeoutMs), timeoutMs,
        (reply, failure) -> {
          if (deadline[0] != null) {
            deadlines.remove(deadline[0]);
          }
          outcome.complete(reply, failure);
        });
    if (direct == null) {
      return false;
    }
    stats.directStoreCall();
    if (!direct.settled()) {
      deadline[0] = deadlines.add(timeoutMs, direct::expire);
    }
    return true;
  }

  /**
   * Hands a one-way message straight to the store that owns {@code address} on this event loop,
   * behind the requests queued for it directly (so in the client's order); false when no such store
   * does (it goes on the event bus). The client is acknowledged at once, but the store may hold the
   * body a while (behind its lock): its bytes stay charged to the client until the store is done
   * with it or its deadline has passed, so acknowledged sends cannot pile up without bound.
   */
  private boolean sendToOwnerHere(Inbound in, String address, Object body, CbpRequest request, long timeoutMs) {
    if (!localOwners.servesOnThisLoop(address)) {
      return false;
    }
    Inbound.Charge held = new Inbound.Charge();
    ZmtpPeer client = in.from();
    RequestDeadlines.Entry[] deadline = new RequestDeadlines.Entry[1];
    DirectRequest direct = localOwners.send(address, body, directHeaders(request, timeoutMs), timeoutMs, () -> {
      if (deadline[0] != null) {
        deadlines.remove(deadline[0]);
      }
      sockets.giveBack(client, held);
    });
    if (direct == null) {
      return false;
    }
    stats.directStoreCall();
    in.charge().moveTo(held);
    deadline[0] = deadlines.add(timeoutMs, direct::expire);
    return true;
  }

  /**
   * An event-bus request whose timeout the bridge keeps ({@link RequestDeadlines}) rather than a
   * Vert.x timer per request; {@code outcome} gets the reply or the failure (TIMEOUT after
   * {@code timeoutMs}), once, on this event loop.
   */
  void call(String address, Object body, DeliveryOptions delivery, long timeoutMs,
            Completable<Message<Object>> outcome) {
    RequestDeadlines.Entry[] deadline = new RequestDeadlines.Entry[1];
    SenderTimedRequest<Object> request = SenderTimedRequest.send(vertx, replyContext, address, body,
        delivery.setSendTimeout(timeoutMs), (reply, failure) -> {
          if (deadline[0] != null) {
            deadlines.remove(deadline[0]);
          }
          outcome.complete(reply, failure);
        });
    if (!request.settled()) {
      deadline[0] = deadlines.add(timeoutMs, request::expire);
    }
  }

  /** The deadline header's text; nearly every request has the same timeout, so the last text is kept. */
  private String timeoutText(long timeoutMs) {
    if (timeoutMs != lastTimeoutMs) {
      lastTimeoutMs = timeoutMs;
      lastTimeoutText = Long.toString(timeoutMs);
    }
    return lastTimeoutText;
  }

  private long timeout(String header, byte[] id) throws CbpException {
    try {
      return RequestHeaders.timeout(header, options.defaultTimeoutMs(), options.maxTimeoutMs(), "header 'timeout'");
    } catch (IllegalArgumentException e) {
      throw new CbpException(ErrorCode.BAD_REQUEST, e.getMessage(), id);
    }
  }

  private void replyWith(Inbound in, byte[] id, Message<Object> message, boolean acceptsDeflate) {
    Bodies.Encoded encoded;
    try {
      encoded = Bodies.encode(message.body());
    } catch (RuntimeException e) {
      fail(in, id, new Failure(ErrorCode.INTERNAL, "the consumer replied with a "
          + message.body().getClass().getSimpleName() + " that cannot be encoded as JSON", new JsonObject()));
      return;
    }
    byte[] bytes = encoded.bytes();
    boolean deflate = acceptsDeflate && bytes.length > options.compressAboveBytes();
    // the reply's event-bus headers go to the client, less Conduit's own request-side ones (the
    // deadline the bridge stamped, pipeline routing) that a consumer echoing its headers sends back
    Map<String, String> headers = null;
    if (!message.headers().isEmpty()) {
      for (Map.Entry<String, String> e : message.headers()) {
        if (RequestHeaders.forwardable(e.getKey())) {
          if (headers == null) {
            headers = new LinkedHashMap<>();
          }
          headers.put(e.getKey(), e.getValue());
        }
      }
    }
    if (headers == null && !deflate) {
      reply(in, CbpFrames.reply(true, id, Headers.contentTypeOnly(encoded.contentType()), bytes));
      return;
    }
    if (headers == null) {
      headers = new LinkedHashMap<>();
    }
    headers.put(Headers.CONTENT_TYPE, encoded.contentType());
    if (deflate) {
      bytes = Bodies.deflate(bytes);
      headers.put(Headers.CONTENT_ENCODING, Headers.DEFLATE);
    }
    reply(in, CbpFrames.reply(true, id, Headers.encode(headers), bytes));
  }

  private void ok(Inbound in, byte[] id) {
    reply(in, CbpFrames.reply(true, id, Headers.contentTypeOnly(Headers.JSON), NO_BODY));
  }

  private void fail(Inbound in, CbpException e) {
    stats.error(e.code());
    reply(in, CbpFrames.error(e));
  }

  private void fail(Inbound in, byte[] id, Failure f) {
    stats.error(f.code());
    reply(in, CbpFrames.error(id, f.code(), f.message(), f.extra()));
  }

  void reply(Inbound in, byte[][] frames) {
    sockets.send(Outbound.reply(in, frames));
  }

  void countError(ErrorCode code) {
    stats.error(code);
  }
}
