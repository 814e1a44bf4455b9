package io.conduit.client;

import io.conduit.codec.ErrorCode;
import io.conduit.codec.cbp.Bodies;
import io.conduit.codec.cbp.CbpFrames;
import io.conduit.codec.cbp.Command;
import io.conduit.codec.cbp.Headers;
import io.conduit.codec.zmtp.ZmqEndpoint;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.json.JsonObject;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.function.BiConsumer;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;

/**
 * A JVM client of the Conduit bridge (CBP/1 over ZeroMQ's wire protocol): requests, sends and
 * publishes to event-bus addresses, and subscriptions to them.
 *
 * <pre>{@code
 * try (ConduitClient client = ConduitClient.connect("tcp://127.0.0.1:5555")) {
 *   Object reply = client.requestSync("echo", new JsonObject().put("hello", "world"));
 *   client.request("docs", new JsonObject().put("op", "get").put("path", new JsonArray()))
 *       .thenAccept(System.out::println);
 * }
 * }</pre>
 *
 * <p>Bodies: JsonObject, JsonArray, String, Number, Boolean and null travel as JSON; Buffer and
 * byte[] as bytes. Replies come back the same way: a JSON value, a {@link io.vertx.core.buffer.Buffer}
 * for bytes, a String for {@code text/plain}.
 *
 * <p>A client is thread-safe and pipelines: any number of threads may call it at once, and all
 * requests share one connection, matched to their replies by id. Failures complete the futures
 * with a {@link ConduitException} whose {@link ConduitException#code() code} says what went wrong.
 *
 * <p>The client has no thread of its own: its connections live on a Vert.x event loop. Inside a
 * Vert.x application, {@link #connect(Vertx, String, ClientOptions)} puts them on the caller's
 * context; {@link #connect(String, ClientOptions)} starts a small Vert.x instance (one event
 * loop) that the client owns and closes. Futures complete on that event loop: keep callbacks
 * short and non-blocking, or use the {@code ...Async} methods of {@link CompletableFuture}; the
 * blocking {@code ...Sync} methods refuse to run on any event loop (they would stall it, or wait
 * forever on the client's own).
 *
 * <p>When the connection drops, the client redials as a ZeroMQ socket does (after 100 ms, the
 * pause doubling up to 5 s). Requests sent on the lost connection fail at once with
 * {@code UNAVAILABLE} (they are not sent again: the bridge may have carried them out); requests
 * made while it is down wait for it and are sent when it is back, or fail with
 * {@code UNAVAILABLE} at their timeout. Subscriptions are renewed on the new connection.
 */
public final class ConduitClient implements AutoCloseable {

  /** How long {@link #connect} waits at most for a PING reply: 10 times the timeout, at most 5 s. */
  private static final Duration CONNECT_WAIT = Duration.ofSeconds(5);
  private static final Duration SYNC_GRACE = Duration.ofSeconds(5);

  private final String endpoint;
  private final ClientOptions options;
  private final ClientLoop loop;

  private ConduitClient(String endpoint, ClientOptions options, ClientLoop loop) {
    this.endpoint = endpoint;
    this.options = options;
    this.loop = loop;
  }

  /** Connects with the default options; see {@link #connect(String, ClientOptions)}. */
  public static ConduitClient connect(String endpoint) {
    return connect(endpoint, ClientOptions.defaults());
  }

  /**
   * Connects to the bridge at {@code endpoint} (e.g. {@code tcp://127.0.0.1:5555}) and returns once
   * it has answered a PING, waiting the options' {@code connectTimeout} (by default 10 times the
   * options' timeout and at most 5 seconds).
   * The client runs on a Vert.x instance of its own, with one event loop, closed with the client.
   * Not for an event-loop thread: there, use {@link #connect(Vertx, String, ClientOptions)}.
   *
   * @throws ConduitException         UNAVAILABLE when the bridge does not answer (not running there,
   *                                  or, with CURVE, a wrong server key); FORBIDDEN when it refuses
   *                                  this client's CURVE key
   * @throws IllegalArgumentException when the endpoint is not {@code tcp://HOST:PORT} or {@code ipc:///PATH}
   * @throws IllegalStateException    when called on a Vert.x event-loop thread
   */
  public static ConduitClient connect(String endpoint, ClientOptions options) {
    refuseToBlock("connect");
    ZmqEndpoint.forConnect(endpoint); // before a Vert.x instance is started for nothing
    // NIO, whatever native transport the class path carries (conduit.jar has io_uring for the node): one
    // connection gains nothing from it, and NIO has the Unix domain sockets ipc:// endpoints need
    Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(1).setWorkerPoolSize(1)
        .setInternalBlockingPoolSize(1));
    try {
      return await(open(vertx, eventLoopContext(vertx), true, endpoint, options).toCompletionStage()
          .toCompletableFuture(), connectWait(options).plus(SYNC_GRACE));
    } catch (RuntimeException e) {
      vertx.close();
      throw e;
    }
  }

  /**
   * Connects on a Vert.x instance the caller owns: the client's connections live on the caller's
   * context when it is an event loop's (a verticle's), else (a worker, a plain thread) on a new
   * event-loop context of {@code vertx}. Completes once the bridge has answered a PING (see
   * {@link #connect(String, ClientOptions)} for the failures); never blocks. Closing the client
   * leaves {@code vertx} running.
   *
   * @throws IllegalArgumentException when the endpoint is not {@code tcp://HOST:PORT} or {@code ipc:///PATH}
   */
  public static Future<ConduitClient> connect(Vertx vertx, String endpoint, ClientOptions options) {
    ZmqEndpoint.forConnect(endpoint);
    return open(vertx, eventLoopContext(vertx), false, endpoint, options);
  }

  /** The caller's context if it is an event loop's of {@code vertx}, else a new event-loop context. */
  private static Context eventLoopContext(Vertx vertx) {
    Context current = Vertx.currentContext();
    if (current == null) {
      return vertx.getOrCreateContext(); // on a thread without a context this makes an event-loop one
    }
    if (current.isEventLoopContext() && current.owner() == vertx) {
      return current;
    }
    // A worker's context (whose thread may block on the client): make one from a thread without a context.
    return CompletableFuture.supplyAsync(vertx::getOrCreateContext).join();
  }

  private static Future<ConduitClient> open(Vertx vertx, Context context, boolean ownsVertx, String endpoint,
                                            ClientOptions options) {
    ClientLoop loop = new ClientLoop(vertx, context, ownsVertx, endpoint, options);
    ConduitClient client = new ConduitClient(endpoint, options, loop);
    return loop.start(connectWait(options).toMillis())
        .recover(e -> loop.close().transform(ar -> Future.failedFuture(e)))
        .map(v -> client);
  }

  private static Duration connectWait(ClientOptions options) {
    if (options.connectTimeout() != null) {
      return options.connectTimeout();
    }
    Duration tenTimeouts = options.timeout().multipliedBy(10);
    return tenTimeouts.compareTo(CONNECT_WAIT) < 0 ? tenTimeouts : CONNECT_WAIT;
  }

  /** The bridge endpoint this client is connected to. */
  public String endpoint() {
    return endpoint;
  }

  /** The endpoint subscriptions connect to, or null when there is none (see {@link ClientOptions}). */
  public String eventsEndpoint() {
    return options.eventsEndpointFor(endpoint);
  }

  /** Sends an event-bus request and completes with the consumer's decoded reply body. */
  public CompletableFuture<Object> request(String address, Object body) {
    return request(address, body, Map.of(), options.timeout());
  }

  /**
   * Sends an event-bus request with headers (delivered to the consumer as message headers) and a
   * reply timeout, and completes with the decoded reply body. Reserved headers
   * ({@code content-type}, {@code timeout} ...) are set by the client; a {@code content-type} of
   * {@code text/plain} with a String body sends the text as is.
   */
  public CompletableFuture<Object> request(String address, Object body, Map<String, String> headers, Duration timeout) {
    return requestReply(address, body, headers, timeout).thenApply(Reply::body);
  }

  /** Like {@link #request(String, Object, Map, Duration)}, completing with the reply's headers and body. */
  public CompletableFuture<Reply> requestReply(String address, Object body, Map<String, String> headers,
                                               Duration timeout) {
    return call(Command.REQUEST, requireAddress(address), body, headers, timeout);
  }

  /** Blocking {@link #request(String, Object)}: the reply body, or a {@link ConduitException}. */
  public Object requestSync(String address, Object body) {
    return requestSync(address, body, options.timeout());
  }

  /** Blocking request with a timeout: the reply body, or a {@link ConduitException} (TIMEOUT when none came). */
  public Object requestSync(String address, Object body, Duration timeout) {
    refuseToBlock("requestSync");
    return await(request(address, body, Map.of(), timeout), timeout.plus(SYNC_GRACE));
  }

  /** {@link #map(String, Iterable, MapOptions)} with the defaults: a window of 100, results as they complete. */
  public Stream<MapResult> map(String address, Iterable<?> items) {
    return map(address, items, MapOptions.defaults());
  }

  /**
   * Sends every item as a request to {@code address} (a service, a pipeline) with at most
   * {@code options.window()} in flight, and streams the results as they complete, or in input
   * order with {@code options.ordered()}. Items are taken from {@code items} lazily, as the window
   * frees up; a failed item is a {@link MapResult} carrying its error, and the map goes on.
   * Consume the stream on one thread, not an event loop (it blocks while waiting).
   * <pre>{@code
   * client.map("pipeline.chain", List.of("a", "b", "c"), MapOptions.defaults().withWindow(500))
   *     .forEach(r -> System.out.println(r.index() + ": " + (r.ok() ? r.value() : r.error().code())));
   * }</pre>
   */
  public Stream<MapResult> map(String address, Iterable<?> items, MapOptions options) {
    requireAddress(address);
    refuseToBlock("map");
    ParallelMap results = new ParallelMap(this::request, address, items.iterator(), options, this.options.timeout(),
        ParallelMap.GRACE);
    int characteristics = Spliterator.NONNULL | (options.ordered() ? Spliterator.ORDERED : 0);
    return StreamSupport.stream(Spliterators.spliteratorUnknownSize(results, characteristics), false);
  }

  /**
   * Point-to-point send without a consumer reply; completes when the bridge has handed it to the
   * event bus, or fails {@code NO_HANDLERS} when no consumer is registered for the address.
   */
  public CompletableFuture<Void> send(String address, Object body) {
    return send(address, body, Map.of());
  }

  /** {@link #send(String, Object)} with event-bus headers. */
  public CompletableFuture<Void> send(String address, Object body, Map<String, String> headers) {
    return call(Command.SEND, requireAddress(address), body, headers, options.timeout()).thenApply(r -> null);
  }

  /** Publishes to every consumer of the address; completes when the bridge has handed it to the event bus. */
  public CompletableFuture<Void> publish(String address, Object body) {
    return publish(address, body, Map.of());
  }

  /** {@link #publish(String, Object)} with event-bus headers. */
  public CompletableFuture<Void> publish(String address, Object body, Map<String, String> headers) {
    return call(Command.PUBLISH, requireAddress(address), body, headers, options.timeout()).thenApply(r -> null);
  }

  /** Asks the bridge who it is: completes with {@code {"node": ..., "version": ...}}. */
  public CompletableFuture<JsonObject> ping() {
    return call(Command.PING, "", null, Map.of(), options.timeout())
        .thenApply(r -> r.body() instanceof JsonObject o ? o : new JsonObject());
  }

  /**
   * Receives the messages published or sent to {@code address} on the event bus. The handler gets
   * each message's headers and decoded body, on the client's event loop: it must not block. As
   * with any ZeroMQ SUB socket, messages published before the subscription reaches the bridge
   * (a few milliseconds) are not delivered.
   *
   * @throws IllegalStateException when there is no events endpoint (set {@link ClientOptions#eventsEndpoint()})
   */
  public Subscription subscribe(String address, BiConsumer<Map<String, String>, Object> handler) {
    requireAddress(address);
    if (!loop.hasEvents()) {
      throw new IllegalStateException("no events endpoint is known for " + endpoint
          + "; set one with ClientOptions.withEventsEndpoint");
    }
    Subscription s = new Subscription(address, handler, loop);
    loop.subscribe(s);
    return s;
  }

  /**
   * Closes the client: requests still waiting for a reply fail with UNAVAILABLE, subscriptions
   * end, the connections close, and a Vert.x instance the client started stops. Waits for that
   * (up to 5 s), except on a Vert.x thread, where it returns at once. Idempotent.
   */
  @Override
  public void close() {
    Future<Void> closed = loop.close();
    if (!Context.isOnVertxThread()) {
      try {
        closed.toCompletionStage().toCompletableFuture().get(SYNC_GRACE.toMillis(), TimeUnit.MILLISECONDS);
      } catch (ExecutionException | TimeoutException e) {
        // closing goes on in the background; nothing is left for the caller to do
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  private CompletableFuture<Reply> call(Command command, String address, Object body, Map<String, String> headers,
                                        Duration timeout) {
    if (timeout.isNegative() || timeout.isZero()) {
      throw new IllegalArgumentException("timeout must be positive, got " + timeout);
    }
    long timeoutMs = Math.min(Integer.MAX_VALUE, timeout.toMillis());
    Map<String, String> all = new LinkedHashMap<>(headers);
    byte[] bytes = CbpFrames.EMPTY;
    if (command != Command.PING) {
      Bodies.Encoded encoded = Payloads.encode(body, headers.get(Headers.CONTENT_TYPE));
      all.put(Headers.CONTENT_TYPE, encoded.contentType());
      bytes = encoded.bytes();
    }
    all.remove(Headers.CONTENT_ENCODING);
    if (command == Command.REQUEST) {
      all.put(Headers.TIMEOUT, Long.toString(timeoutMs));
      if (options.acceptDeflate()) {
        all.put(Headers.ACCEPT_ENCODING, Headers.DEFLATE);
      }
    }
    long id = loop.nextId();
    Call call = new Call(id, command, address,
        CbpFrames.request(command, RequestIds.encode(id), address, Headers.encode(all), bytes), timeoutMs);
    loop.submit(call);
    return call.future;
  }

  /** Refuses a blocking call on an event loop (the client's own among them), naming the way out. */
  private static void refuseToBlock(String method) {
    if (Context.isOnEventLoopThread()) {
      throw new IllegalStateException(method + " blocks, and was called on a Vert.x event-loop thread ("
          + Thread.currentThread().getName() + "), which must never block (on the client's own loop it would wait "
          + "forever); use the asynchronous methods (request, send, connect(vertx, ...)) there, or call it from a "
          + "worker (executeBlocking)");
    }
  }

  private static <T> T await(CompletableFuture<T> future, Duration wait) {
    try {
      return future.get(wait.toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof ConduitException c) {
        throw c.rethrownHere();
      }
      throw new ConduitException(ErrorCode.INTERNAL, String.valueOf(e.getCause().getMessage()), null, e.getCause(), true);
    } catch (TimeoutException e) {
      throw new ConduitException(ErrorCode.TIMEOUT, "no answer within " + wait.toMillis() + " ms",
          new JsonObject().put("timeoutMs", wait.toMillis()));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ConduitException(ErrorCode.UNAVAILABLE, "interrupted while waiting for a reply");
    }
  }

  private static String requireAddress(String address) {
    if (address == null || address.isEmpty()) {
      throw new IllegalArgumentException("an address is required");
    }
    return address;
  }

  /** Calls waiting in the client to be sent, as the client's loop sees them (for tests). */
  int backlogSize() {
    refuseToBlock("backlogSize");
    return loop.backlogSize().toCompletionStage().toCompletableFuture().join();
  }
}
