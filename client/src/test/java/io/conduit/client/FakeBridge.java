package io.conduit.client;

import io.conduit.codec.ErrorCode;
import io.conduit.codec.cbp.Bodies;
import io.conduit.codec.cbp.CbpException;
import io.conduit.codec.cbp.CbpFrames;
import io.conduit.codec.cbp.CbpRequest;
import io.conduit.codec.cbp.Command;
import io.conduit.codec.cbp.Headers;
import io.vertx.core.json.JsonObject;
import org.zeromq.SocketType;
import org.zeromq.ZContext;
import org.zeromq.ZMQ;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A small CBP/1 server for client tests: a ROUTER and an XPUB on ephemeral loopback ports, served
 * by one thread. Addresses: {@code echo} replies with the request's body, content type and custom
 * headers; {@code fail} fails with RECIPIENT_FAILURE 42; {@code silent} never replies;
 * {@code deflate} replies with the body zlib-compressed; {@code nullcode} answers ERROR with a
 * {@code null} code and message; others get NO_HANDLERS. SEND and PUBLISH
 * are acknowledged and recorded. JeroMQ serves it: the reference ZeroMQ implementation the client's
 * own codec is checked against. With CURVE and a list of client keys, a ZAP handler admits only those.
 */
final class FakeBridge implements AutoCloseable {

  record Received(Command command, String address, byte[] body) {
  }

  private final ZContext context = new ZContext(1);
  private final ZMQ.Socket router;
  private final ZMQ.Socket xpub;
  private final Queue<byte[][]> toPublish = new ConcurrentLinkedQueue<>();
  private final Map<String, CompletableFuture<Void>> subscribed = new ConcurrentHashMap<>();
  private final Map<String, CompletableFuture<Void>> unsubscribed = new ConcurrentHashMap<>();
  private final List<Received> received = new CopyOnWriteArrayList<>();
  private final Map<String, AtomicInteger> subscriptions = new ConcurrentHashMap<>();
  private final AtomicInteger silentRequests = new AtomicInteger();
  private final Set<String> admittedKeys;
  private final ZMQ.Socket zap;
  private final Thread thread;
  private volatile boolean stopping;

  private FakeBridge(ZMQ.Curve.KeyPair serverKeys, Set<String> admittedKeys) {
    this.admittedKeys = admittedKeys;
    if (admittedKeys != null) {
      zap = context.createSocket(SocketType.REP);
      zap.bind("inproc://zeromq.zap.01");
    } else {
      zap = null;
    }
    router = context.createSocket(SocketType.ROUTER);
    xpub = context.createSocket(SocketType.XPUB);
    for (ZMQ.Socket s : List.of(router, xpub)) {
      s.setLinger(0);
      // A ROUTER drops replies beyond its high-water mark; the client's window alone bounds them here.
      s.setSndHWM(0);
      s.setRcvHWM(0);
      if (serverKeys != null) {
        s.setCurveServer(true);
        s.setCurveSecretKey(ZMQ.Curve.z85Decode(serverKeys.secretKey));
      }
    }
    router.bind("tcp://127.0.0.1:*");
    xpub.bind("tcp://127.0.0.1:*");
    thread = new Thread(this::serve, "fake-bridge");
    thread.start();
  }

  static FakeBridge start() {
    return new FakeBridge(null, null);
  }

  /** A CURVE bridge that admits any client knowing its public key. */
  static FakeBridge withCurve(ZMQ.Curve.KeyPair serverKeys) {
    return new FakeBridge(serverKeys, null);
  }

  /** A CURVE bridge that admits only clients with these public keys (Z85). */
  static FakeBridge withCurve(ZMQ.Curve.KeyPair serverKeys, Set<String> admittedKeys) {
    return new FakeBridge(serverKeys, Set.copyOf(admittedKeys));
  }

  String endpoint() {
    return router.getLastEndpoint();
  }

  String eventsEndpoint() {
    return xpub.getLastEndpoint();
  }

  ClientOptions options() {
    return ClientOptions.defaults().withEventsEndpoint(eventsEndpoint());
  }

  List<Received> received() {
    return received;
  }

  /** Completes when a SUB client has subscribed to exactly this topic. */
  CompletableFuture<Void> subscribed(String topic) {
    return subscribed.computeIfAbsent(topic, t -> new CompletableFuture<>());
  }

  CompletableFuture<Void> unsubscribed(String topic) {
    return unsubscribed.computeIfAbsent(topic, t -> new CompletableFuture<>());
  }

  /** Requests to {@code silent} received (and never answered). */
  int silentRequests() {
    return silentRequests.get();
  }

  /** How many subscribe messages for exactly this topic the XPUB has passed on. */
  int subscriptions(String topic) {
    AtomicInteger n = subscriptions.get(topic);
    return n == null ? 0 : n.get();
  }

  /** Publishes an event (address, headers JSON, body) on the XPUB, from the server thread. */
  void publish(String address, String headersJson, byte[] body) {
    toPublish.add(new byte[][] {address.getBytes(StandardCharsets.UTF_8),
        headersJson.getBytes(StandardCharsets.UTF_8), body});
  }

  private void serve() {
    try (ZMQ.Poller poller = context.createPoller(3)) {
      poller.register(new ZMQ.PollItem(router, ZMQ.Poller.POLLIN));
      poller.register(new ZMQ.PollItem(xpub, ZMQ.Poller.POLLIN));
      if (zap != null) {
        poller.register(new ZMQ.PollItem(zap, ZMQ.Poller.POLLIN));
      }
      while (!stopping) {
        poller.poll(10);
        List<byte[]> frames;
        while (zap != null && (frames = receive(zap)) != null) {
          authenticate(frames);
        }
        while ((frames = receive(router)) != null) {
          handle(frames);
        }
        while ((frames = receive(xpub)) != null) {
          byte[] f = frames.get(0);
          String topic = new String(f, 1, f.length - 1, StandardCharsets.UTF_8);
          if (f[0] == 1) {
            subscriptions.computeIfAbsent(topic, t -> new AtomicInteger()).incrementAndGet();
          }
          (f[0] == 1 ? subscribed(topic) : unsubscribed(topic)).complete(null);
        }
        byte[][] event;
        while ((event = toPublish.poll()) != null) {
          send(xpub, List.of(event));
        }
      }
    }
  }

  /** A ZAP request (RFC 27): version, id, domain, address, identity, mechanism, then the client's key. */
  private void authenticate(List<byte[]> request) {
    String key = request.size() > 6 ? ZMQ.Curve.z85Encode(request.get(6)) : "";
    boolean admitted = admittedKeys.contains(key);
    send(zap, List.of("1.0".getBytes(StandardCharsets.US_ASCII), request.get(1),
        (admitted ? "200" : "400").getBytes(StandardCharsets.US_ASCII),
        (admitted ? "OK" : "client key not allowed").getBytes(StandardCharsets.US_ASCII), new byte[0], new byte[0]));
  }

  private void handle(List<byte[]> frames) {
    byte[] identity = frames.remove(0);
    CbpRequest request;
    try {
      request = CbpFrames.parseRequest(frames);
    } catch (CbpException e) {
      reply(identity, CbpFrames.error(e));
      return;
    }
    switch (request.command()) {
      case PING -> reply(identity, CbpFrames.reply(true, request.id(), json(Map.of()),
          new JsonObject().put("node", "fake").put("version", "test").toBuffer().getBytes()));
      case SEND, PUBLISH -> {
        received.add(new Received(request.command(), request.address(), request.body()));
        reply(identity, CbpFrames.reply(true, request.id(), json(Map.of()), CbpFrames.EMPTY));
      }
      case REQUEST -> answer(identity, request);
    }
  }

  private void answer(byte[] identity, CbpRequest request) {
    String type = request.headers().getOrDefault(Headers.CONTENT_TYPE, Headers.JSON);
    Map<String, String> echoed = new LinkedHashMap<>();
    request.headers().forEach((k, v) -> {
      if (!Headers.reserved(k)) {
        echoed.put(k, v);
      }
    });
    echoed.put(Headers.CONTENT_TYPE, type);
    switch (request.address()) {
      case "echo" -> reply(identity, CbpFrames.reply(true, request.id(), Headers.encode(echoed), request.body()));
      case "deflate" -> {
        echoed.put(Headers.CONTENT_ENCODING, Headers.DEFLATE);
        reply(identity, CbpFrames.reply(true, request.id(), Headers.encode(echoed), Bodies.deflate(request.body())));
      }
      case "fail" -> reply(identity, CbpFrames.error(request.id(), ErrorCode.RECIPIENT_FAILURE, "boom",
          new JsonObject().put("failureCode", 42)));
      case "silent" -> silentRequests.incrementAndGet();
      case "nullcode" -> reply(identity, CbpFrames.reply(false, request.id(), json(Map.of()),
          "{\"code\":null,\"message\":null}".getBytes(StandardCharsets.UTF_8)));
      default -> reply(identity, CbpFrames.error(request.id(), ErrorCode.NO_HANDLERS,
          "no consumer for '" + request.address() + "'", null));
    }
  }

  private static byte[] json(Map<String, String> extra) {
    Map<String, String> h = new LinkedHashMap<>(extra);
    h.put(Headers.CONTENT_TYPE, Headers.JSON);
    return Headers.encode(h);
  }

  private void reply(byte[] identity, byte[][] frames) {
    List<byte[]> all = new ArrayList<>();
    all.add(identity);
    all.addAll(List.of(frames));
    send(router, all);
  }

  private static List<byte[]> receive(ZMQ.Socket socket) {
    byte[] first = socket.recv(ZMQ.DONTWAIT);
    if (first == null) {
      return null;
    }
    List<byte[]> frames = new ArrayList<>();
    frames.add(first);
    while (socket.hasReceiveMore()) {
      frames.add(socket.recv());
    }
    return frames;
  }

  private static void send(ZMQ.Socket socket, List<byte[]> frames) {
    for (int i = 0; i < frames.size(); i++) {
      socket.send(frames.get(i), i < frames.size() - 1 ? ZMQ.SNDMORE : 0);
    }
  }

  @Override
  public void close() throws InterruptedException {
    stopping = true;
    thread.join(5000);
    context.close();
  }
}
