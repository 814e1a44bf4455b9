package io.conduit.client;

import io.vertx.core.Context;
import io.vertx.core.Vertx;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.charset.StandardCharsets;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The client lives on a Vert.x event loop: its own small one, or the application's. */
@Timeout(30)
class EventLoopTest {

  private FakeBridge bridge;
  private Vertx vertx;

  @BeforeEach
  void start() {
    bridge = FakeBridge.start();
    vertx = Vertx.vertx();
  }

  @AfterEach
  void stop() throws Exception {
    vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    bridge.close();
  }

  @Test
  void aStandaloneClientStartsNoThreadButVertxOnes() throws Exception {
    Set<Thread> before = threads();
    try (ConduitClient client = ConduitClient.connect(bridge.endpoint(), bridge.options())) {
      assertEquals("x", client.requestSync("echo", "x"));
      client.subscribe("news", (h, b) -> { });
      bridge.subscribed("news").get(5, TimeUnit.SECONDS);
      Set<Thread> now = threads();
      now.removeAll(before);
      Set<String> started = now.stream().map(Thread::getName).collect(Collectors.toSet());
      assertFalse(started.isEmpty(), "the client's event loop is a new thread");
      for (String name : started) {
        assertFalse(name.startsWith("conduit-client"), "a client thread of its own: " + started);
        assertTrue(name.startsWith("vert.x-") || name.startsWith("vertx-"), "not a Vert.x thread: " + started);
      }
    }
  }

  @Test
  void aSyncCallInAHandlerOfTheClientFailsClearly() throws Exception {
    try (ConduitClient client = ConduitClient.connect(bridge.endpoint(), bridge.options())) {
      CompletableFuture<Throwable> thrown = new CompletableFuture<>();
      client.subscribe("news", (headers, body) -> { // handlers run on the client's event loop
        try {
          client.requestSync("echo", 2);
          thrown.complete(null);
        } catch (RuntimeException e) {
          thrown.complete(e);
        }
      });
      bridge.subscribed("news").get(5, TimeUnit.SECONDS);
      bridge.publish("news", "{}", "1".getBytes(StandardCharsets.UTF_8));
      IllegalStateException refusal = assertInstanceOf(IllegalStateException.class, thrown.get(5, TimeUnit.SECONDS));
      assertTrue(refusal.getMessage().startsWith("requestSync blocks, and was called on a Vert.x event-loop thread"),
          refusal.getMessage());
      assertEquals(3, client.requestSync("echo", 3), "the client still serves");
    }
  }

  @Test
  void aSyncCallOnAnyEventLoopFailsClearly() throws Exception {
    try (ConduitClient client = ConduitClient.connect(bridge.endpoint(), bridge.options())) {
      CompletableFuture<Throwable> thrown = new CompletableFuture<>();
      vertx.runOnContext(v -> {
        try {
          client.requestSync("echo", 1);
          thrown.complete(null);
        } catch (RuntimeException e) {
          thrown.complete(e);
        }
      });
      assertInstanceOf(IllegalStateException.class, thrown.get(5, TimeUnit.SECONDS));
    }
  }

  @Test
  void aBlockingConnectOnAnEventLoopFailsClearly() throws Exception {
    CompletableFuture<Throwable> thrown = new CompletableFuture<>();
    vertx.runOnContext(v -> {
      try {
        ConduitClient.connect(bridge.endpoint(), bridge.options()).close();
        thrown.complete(null);
      } catch (RuntimeException e) {
        thrown.complete(e);
      }
    });
    Throwable e = thrown.get(5, TimeUnit.SECONDS);
    assertInstanceOf(IllegalStateException.class, e);
    assertTrue(e.getMessage().contains("connect(vertx, ...)"), e.getMessage());
  }

  @Test
  void aClientOnTheApplicationsVertxAnswersOnTheCallersContext() throws Exception {
    CompletableFuture<Context> answeredOn = new CompletableFuture<>();
    Context context = vertx.getOrCreateContext();
    CompletableFuture<ConduitClient> connected = new CompletableFuture<>();
    context.runOnContext(v -> ConduitClient.connect(vertx, bridge.endpoint(), bridge.options())
        .onSuccess(connected::complete).onFailure(connected::completeExceptionally));
    ConduitClient client = connected.get(10, TimeUnit.SECONDS);
    try {
      context.runOnContext(v -> client.request("echo", "on the loop")
          .whenComplete((r, e) -> answeredOn.complete(Vertx.currentContext())));
      assertSame(context, answeredOn.get(5, TimeUnit.SECONDS));
      assertEquals("sync from a plain thread", client.requestSync("echo", "sync from a plain thread"));
    } finally {
      client.close();
    }
    CompletableFuture<Void> stillRunning = new CompletableFuture<>();
    vertx.runOnContext(v -> stillRunning.complete(null));
    stillRunning.get(5, TimeUnit.SECONDS);
  }

  @Test
  void aWorkerConnectsOnTheApplicationsVertxAndMayCallSync() throws Exception {
    Object reply = vertx.executeBlocking(() -> {
      ConduitClient client = ConduitClient.connect(vertx, bridge.endpoint(), bridge.options())
          .toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
      try {
        return client.requestSync("echo", "from a worker");
      } finally {
        client.close();
      }
    }).toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
    assertEquals("from a worker", reply);
  }

  private static Set<Thread> threads() {
    return Thread.getAllStackTraces().keySet().stream().filter(Thread::isAlive).collect(Collectors.toSet());
  }
}
