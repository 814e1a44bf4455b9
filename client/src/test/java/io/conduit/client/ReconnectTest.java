package io.conduit.client;

import io.conduit.codec.ErrorCode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A client whose connections drop (a proxy in front of the bridge cuts them) redials, as a ZeroMQ socket does. */
@Timeout(60)
class ReconnectTest {

  private FakeBridge bridge;
  private CuttableProxy requests;
  private CuttableProxy events;
  private ConduitClient client;

  @BeforeEach
  void start() throws Exception {
    bridge = FakeBridge.start();
    requests = new CuttableProxy(bridge.endpoint());
    events = new CuttableProxy(bridge.eventsEndpoint());
    client = ConduitClient.connect(requests.endpoint(),
        ClientOptions.defaults().withEventsEndpoint(events.endpoint()).withTimeout(Duration.ofSeconds(10)));
  }

  @AfterEach
  void stop() throws Exception {
    client.close();
    requests.close();
    events.close();
    bridge.close();
  }

  @Test
  void aDroppedConnectionIsRedialledAndLaterRequestsSucceed() {
    assertEquals("before", client.requestSync("echo", "before"));
    requests.cut();
    // A request made before the client has seen the drop may still go out on the dying connection
    // (and fail with UNAVAILABLE); wait for the redial.
    Eventually.until(() -> requests.accepted() == 2, Duration.ofSeconds(10), "the client redialled");
    assertEquals("after", client.requestSync("echo", "after"));
  }

  @Test
  void aRequestInFlightWhenTheConnectionDropsFailsWithUnavailable() {
    CompletableFuture<Object> pending = client.request("silent", "x");
    Eventually.until(() -> bridge.silentRequests() == 1, Duration.ofSeconds(10), "the request reached the bridge");
    requests.cut();
    ExecutionException e = assertThrows(ExecutionException.class, () -> pending.get(5, TimeUnit.SECONDS));
    ConduitException c = assertInstanceOf(ConduitException.class, e.getCause());
    assertEquals(ErrorCode.UNAVAILABLE, c.code());
    assertTrue(c.getMessage().contains("was lost before the reply"), c.getMessage());
    assertEquals("later", client.requestSync("echo", "later"));
  }

  @Test
  void requestsMadeWhileDisconnectedAreSentOnceTheConnectionIsBack() throws Exception {
    requests.refuse(true);
    requests.cut();
    Eventually.until(() -> requests.refused() >= 1, Duration.ofSeconds(10), "the client redialled");
    CompletableFuture<Object> queued = client.request("echo", "queued");
    requests.refuse(false);
    assertEquals("queued", queued.get(15, TimeUnit.SECONDS));
  }

  @Test
  void aRequestThatCouldNotBeSentBeforeItsTimeoutFailsWithUnavailable() {
    requests.refuse(true);
    requests.cut();
    Eventually.until(() -> requests.refused() >= 1, Duration.ofSeconds(10), "the client redialled");
    ConduitException e = assertThrows(ConduitException.class,
        () -> client.requestSync("echo", "x", Duration.ofMillis(300)));
    assertEquals(ErrorCode.UNAVAILABLE, e.code());
    assertTrue(e.getMessage().startsWith("not connected to the bridge at " + requests.endpoint()), e.getMessage());
  }

  @Test
  void requestsThatTimeOutWhileDisconnectedAreNotKeptUntilTheConnectionIsBack() {
    requests.refuse(true);
    requests.cut();
    Eventually.until(() -> requests.refused() >= 1, Duration.ofSeconds(10), "the client redialled");
    List<CompletableFuture<Object>> calls = new ArrayList<>();
    for (int i = 0; i < 2_000; i++) {
      calls.add(client.request("echo", new byte[1024], Map.of(), Duration.ofMillis(50 + i % 50)));
    }
    for (CompletableFuture<Object> call : calls) {
      ExecutionException e = assertThrows(ExecutionException.class, () -> call.get(10, TimeUnit.SECONDS));
      assertEquals(ErrorCode.UNAVAILABLE, assertInstanceOf(ConduitException.class, e.getCause()).code());
    }
    // Expired calls leave the backlog once half of it has expired; when all have, none is left.
    Eventually.until(() -> client.backlogSize() == 0, Duration.ofSeconds(10), "the expired calls left the backlog");
  }

  @Test
  void subscriptionsAreRenewedOnANewConnection() throws Exception {
    CompletableFuture<Object> delivered = new CompletableFuture<>();
    client.subscribe("news", (headers, body) -> delivered.complete(body));
    bridge.subscribed("news").get(10, TimeUnit.SECONDS);
    events.cut();
    Eventually.until(() -> events.accepted() >= 2, Duration.ofSeconds(10), "the SUB connection was redialled");
    // Events published before the renewed subscription reaches the XPUB are not delivered (as with
    // any SUB socket): publish until one is.
    Eventually.until(() -> {
      bridge.publish("news", "{\"content-type\":\"application/json\"}", "\"again\"".getBytes(StandardCharsets.UTF_8));
      return delivered.isDone();
    }, Duration.ofSeconds(10), "an event arrived on the new connection");
    assertEquals("again", delivered.get());
  }
}
