package io.conduit.client;

import io.conduit.codec.ErrorCode;
import io.conduit.codec.cbp.Command;
import io.conduit.codec.cbp.Headers;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

@Timeout(30)
class ConduitClientTest {

  private FakeBridge bridge;
  private ConduitClient client;

  @BeforeEach
  void start() {
    bridge = FakeBridge.start();
    client = ConduitClient.connect(bridge.endpoint(), bridge.options());
  }

  @AfterEach
  void stop() throws InterruptedException {
    client.close();
    bridge.close();
  }

  static Stream<Object> jsonBodies() {
    return Stream.of(new JsonObject().put("hello", "world").put("n", 1), new JsonArray().add(1).add("two"),
        "a string", 42, 2.5, true, null);
  }

  @ParameterizedTest
  @MethodSource("jsonBodies")
  void aJsonBodyComesBackAsTheSameJsonValue(Object body) {
    assertEquals(body, client.requestSync("echo", body));
  }

  @Test
  void aBufferBodyComesBackAsABuffer() {
    Buffer bytes = Buffer.buffer(new byte[] {0, 1, 2, (byte) 255});
    assertEquals(bytes, client.requestSync("echo", bytes));
  }

  @Test
  void aByteArrayBodyComesBackAsABuffer() {
    Object reply = client.requestSync("echo", new byte[] {7, 8, 9});
    assertArrayEquals(new byte[] {7, 8, 9}, assertInstanceOf(Buffer.class, reply).getBytes());
  }

  @Test
  void aTextPlainStringComesBackAsText() throws Exception {
    Reply reply = client.requestReply("echo", "plain words", Map.of(Headers.CONTENT_TYPE, Headers.TEXT),
        Duration.ofSeconds(5)).get(5, TimeUnit.SECONDS);
    assertEquals("plain words", reply.body());
    assertEquals(Headers.TEXT, reply.contentType());
  }

  @Test
  void customHeadersReachTheConsumerAndItsReplyHeadersComeBack() throws Exception {
    Reply reply = client.requestReply("echo", "x", Map.of("trace", "abc"), Duration.ofSeconds(5))
        .get(5, TimeUnit.SECONDS);
    assertEquals("abc", reply.header("trace"));
  }

  @Test
  void aDeflatedReplyIsInflated() {
    String big = "z".repeat(10_000);
    assertEquals(big, client.requestSync("deflate", big));
  }

  @Test
  void aThousandConcurrentRequestsEachGetTheirOwnReply() throws Exception {
    List<CompletableFuture<Object>> replies = new ArrayList<>();
    for (int i = 0; i < 1000; i++) {
      replies.add(client.request("echo", new JsonObject().put("i", i)));
    }
    CompletableFuture.allOf(replies.toArray(CompletableFuture[]::new)).get(20, TimeUnit.SECONDS);
    for (int i = 0; i < 1000; i++) {
      assertEquals(i, ((JsonObject) replies.get(i).get()).getInteger("i"));
    }
  }

  @Test
  void tenThousandPipelinedRequestsFromFourThreadsLoseNothing() throws Exception {
    int threads = 4;
    int each = 2_500;
    List<List<CompletableFuture<Object>>> replies = new ArrayList<>();
    List<Thread> senders = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      List<CompletableFuture<Object>> mine = new ArrayList<>();
      replies.add(mine);
      int base = t * each;
      senders.add(new Thread(() -> {
        for (int i = 0; i < each; i++) {
          mine.add(client.request("echo", base + i));
        }
      }));
    }
    senders.forEach(Thread::start);
    for (Thread sender : senders) {
      sender.join(20_000);
    }
    List<CompletableFuture<Object>> all = replies.stream().flatMap(List::stream).toList();
    assertEquals(threads * each, all.size());
    try {
      CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).get(20, TimeUnit.SECONDS);
    } catch (TimeoutException e) {
      throw new AssertionError(all.stream().filter(f -> !f.isDone()).count() + " requests got no reply");
    }
    for (int t = 0; t < threads; t++) {
      for (int i = 0; i < each; i++) {
        assertEquals(t * each + i, replies.get(t).get(i).get());
      }
    }
  }

  @Test
  void requestsBeyondMaxInFlightWaitAndAllGetReplies() throws Exception {
    try (ConduitClient narrow = ConduitClient.connect(bridge.endpoint(), bridge.options().withMaxInFlight(3))) {
      List<CompletableFuture<Object>> replies = new ArrayList<>();
      for (int i = 0; i < 100; i++) {
        replies.add(narrow.request("echo", i));
      }
      for (int i = 0; i < 100; i++) {
        assertEquals(i, replies.get(i).get(10, TimeUnit.SECONDS));
      }
    }
  }

  @Test
  void aQueuedRequestIsSentAsSoonAsTheOnesAheadOfItTimeOut() throws Exception {
    try (ConduitClient narrow = ConduitClient.connect(bridge.endpoint(), bridge.options().withMaxInFlight(1))) {
      CompletableFuture<Object> stuck = narrow.request("silent", "x", Map.of(), Duration.ofMillis(200));
      long start = System.nanoTime();
      CompletableFuture<Object> queued = narrow.request("echo", "queued", Map.of(), Duration.ofSeconds(20));
      assertEquals("queued", queued.get(15, TimeUnit.SECONDS));
      long tookMs = (System.nanoTime() - start) / 1_000_000;
      assertTrue(stuck.isCompletedExceptionally());
      // Sent when the silent request's slot was freed, not when some other traffic came along.
      assertTrue(tookMs < 10_000, "the queued request took " + tookMs + " ms");
    }
  }

  @Test
  void anErrorReplyWithANullCodeFailsWithInternalAndLaterRepliesStillArrive() {
    ConduitException e = assertThrows(ConduitException.class,
        () -> client.requestSync("nullcode", "x", Duration.ofSeconds(10)));
    assertEquals(ErrorCode.INTERNAL, e.code());
    assertEquals("the bridge answered ERROR without a message", e.getMessage());
    List<CompletableFuture<Object>> replies = new ArrayList<>();
    for (int i = 0; i < 50; i++) {
      replies.add(client.request(i % 2 == 0 ? "nullcode" : "echo", i));
    }
    for (int i = 0; i < 50; i++) {
      CompletableFuture<Object> reply = replies.get(i);
      if (i % 2 == 0) {
        ExecutionException failed = assertThrows(ExecutionException.class, () -> reply.get(10, TimeUnit.SECONDS));
        assertEquals(ErrorCode.INTERNAL, assertInstanceOf(ConduitException.class, failed.getCause()).code());
      } else {
        assertEquals(i, assertDoesNotThrow(() -> reply.get(10, TimeUnit.SECONDS)));
      }
    }
  }

  @Test
  void anErrorReplyFailsWithItsCodeMessageAndDetails() {
    ConduitException e = assertThrows(ConduitException.class, () -> client.requestSync("fail", "x"));
    assertEquals(ErrorCode.RECIPIENT_FAILURE, e.code());
    assertEquals("boom", e.getMessage());
    assertEquals(42, e.details().getInteger("failureCode"));
  }

  @Test
  void anAsyncErrorReplyFailsTheFutureWithAConduitException() {
    ExecutionException e = assertThrows(ExecutionException.class,
        () -> client.request("nobody-here", "x").get(5, TimeUnit.SECONDS));
    assertEquals(ErrorCode.NO_HANDLERS, assertInstanceOf(ConduitException.class, e.getCause()).code());
  }

  @Test
  void aRequestWithoutReplyFailsWithTimeoutAfterItsTimeout() {
    long start = System.nanoTime();
    ConduitException e = assertThrows(ConduitException.class,
        () -> client.requestSync("silent", "x", Duration.ofMillis(200)));
    long tookMs = (System.nanoTime() - start) / 1_000_000;
    assertEquals(ErrorCode.TIMEOUT, e.code());
    assertEquals(200, e.details().getInteger("timeoutMs"));
    assertTrue(tookMs >= 190 && tookMs < 5000, "took " + tookMs + " ms");
  }

  @Test
  void closeFailsRequestsStillWaitingWithUnavailable() {
    CompletableFuture<Object> pending = client.request("silent", "x");
    client.close();
    ExecutionException e = assertThrows(ExecutionException.class, () -> pending.get(5, TimeUnit.SECONDS));
    assertEquals(ErrorCode.UNAVAILABLE, assertInstanceOf(ConduitException.class, e.getCause()).code());
  }

  @Test
  void requestsAfterCloseFailWithUnavailable() {
    client.close();
    ExecutionException e = assertThrows(ExecutionException.class,
        () -> client.request("echo", "x").get(5, TimeUnit.SECONDS));
    assertEquals(ErrorCode.UNAVAILABLE, assertInstanceOf(ConduitException.class, e.getCause()).code());
  }

  @Test
  void sendAndPublishCompleteOnceTheBridgeAcknowledges() throws Exception {
    client.send("inbox", new JsonObject().put("a", 1)).get(5, TimeUnit.SECONDS);
    client.publish("news", "hello").get(5, TimeUnit.SECONDS);
    List<FakeBridge.Received> got = bridge.received();
    assertEquals(Command.SEND, got.get(0).command());
    assertEquals("inbox", got.get(0).address());
    assertEquals("{\"a\":1}", new String(got.get(0).body(), StandardCharsets.UTF_8));
    assertEquals(Command.PUBLISH, got.get(1).command());
    assertEquals("\"hello\"", new String(got.get(1).body(), StandardCharsets.UTF_8));
  }

  @Test
  void pingAnswersWithTheNodeAndVersion() throws Exception {
    assertEquals(new JsonObject().put("node", "fake").put("version", "test"), client.ping().get(5, TimeUnit.SECONDS));
  }

  @Test
  void aBodyOfAnUnsupportedTypeIsRefusedAtTheCall() {
    assertThrows(IllegalArgumentException.class, () -> client.request("echo", new Object()));
  }

  @Test
  void aSubscriberReceivesEventsForItsAddressOnly() throws Exception {
    CompletableFuture<Object> delivered = new CompletableFuture<>();
    List<Object> bodies = new java.util.concurrent.CopyOnWriteArrayList<>();
    client.subscribe("news", (headers, body) -> {
      bodies.add(body);
      delivered.complete(headers.get("source"));
    });
    bridge.subscribed("news").get(5, TimeUnit.SECONDS);
    // "newsroom" matches the ZeroMQ prefix "news" but is another address: it must not be delivered.
    bridge.publish("newsroom", "{\"content-type\":\"application/json\"}", "\"other\"".getBytes(StandardCharsets.UTF_8));
    bridge.publish("news", "{\"content-type\":\"application/json\",\"source\":\"wire\"}",
        "{\"title\":\"hi\"}".getBytes(StandardCharsets.UTF_8));
    assertEquals("wire", delivered.get(5, TimeUnit.SECONDS));
    assertEquals(List.of(new JsonObject().put("title", "hi")), bodies);
  }

  @Test
  void closingTheLastSubscriptionUnsubscribesFromTheBridge() throws Exception {
    Subscription s = client.subscribe("ticks", (h, b) -> { });
    bridge.subscribed("ticks").get(5, TimeUnit.SECONDS);
    s.close();
    bridge.unsubscribed("ticks").get(5, TimeUnit.SECONDS);
  }
}
