package io.conduit.web;

import io.vertx.core.Vertx;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * {@code GET /api/events}: a server-sent event stream that keeps the console live without polling:
 * {@code services} (the {@code GET /api/services} body) every two seconds, and, as they happen,
 * {@code scale} (from {@code conduit.services.events}) and {@code task} (from {@code tasks.events}).
 * One snapshot timer serves every open stream and runs only while one is open.
 */
final class LiveStream {

  static final long PERIOD_MS = 2_000;
  /** Event-bus addresses forwarded to the stream, with their SSE event name: the outbound allow-list. */
  static final Map<String, String> FORWARDED = Map.of("conduit.services.events", "scale", "tasks.events", "task");

  private final Vertx vertx;
  private final ServicesApi services;
  private final Set<HttpServerResponse> open = ConcurrentHashMap.newKeySet();
  private final List<MessageConsumer<Object>> consumers = new ArrayList<>();
  private long timer = -1;

  LiveStream(Vertx vertx, ServicesApi services) {
    this.vertx = vertx;
    this.services = services;
  }

  void mount(Router api) {
    api.get("/events").handler(this::subscribe);
  }

  private void subscribe(RoutingContext ctx) {
    HttpServerResponse response = ctx.response();
    response.setChunked(true).putHeader("content-type", "text/event-stream").putHeader("cache-control", "no-cache")
        .putHeader("x-accel-buffering", "no");
    response.write(": conduit live stream\nretry: 2000\n\n");
    open.add(response);
    response.closeHandler(v -> closed(response));
    response.exceptionHandler(e -> closed(response));
    if (timer < 0) {
      timer = vertx.setPeriodic(0, PERIOD_MS, id -> tick());
      FORWARDED.forEach((address, event) -> consumers.add(vertx.eventBus().consumer(address, m -> {
        if (m.body() instanceof JsonObject body) {
          send(event, body);
        }
      })));
    }
  }

  private void closed(HttpServerResponse response) {
    open.remove(response);
    if (open.isEmpty() && timer >= 0) {
      vertx.cancelTimer(timer);
      timer = -1;
      consumers.forEach(MessageConsumer::unregister);
      consumers.clear();
    }
  }

  private void tick() {
    services.snapshot().onSuccess(snapshot -> send("services", snapshot));
  }

  private void send(String event, JsonObject data) {
    String frame = "event: " + event + "\ndata: " + data.encode() + "\n\n";
    for (HttpServerResponse r : open) {
      if (!r.closed() && !r.writeQueueFull()) {
        r.write(frame);
      }
    }
  }

  void closeAll() {
    for (HttpServerResponse r : open) {
      if (!r.closed()) {
        r.end();
      }
    }
    open.clear();
  }
}
