package io.conduit.bridge;

import io.conduit.codec.cbp.Bodies;
import io.conduit.codec.cbp.CbpFrames;
import io.conduit.codec.cbp.Command;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static io.conduit.bridge.RawZmqClient.text;
import static io.conduit.bridge.RawZmqClient.utf8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The happy paths of CBP/1: what a well-behaved client sends and gets back. */
@ExtendWith(VertxExtension.class)
class BridgeRequestTest {

  private final BridgeFixture fixture = new BridgeFixture();

  @BeforeEach
  void deploy(Vertx vertx) throws Exception {
    fixture.deployAndWait(vertx, new JsonObject());
  }

  @Test
  void aRequestGetsTheConsumersReplyWithItsId() {
    try (RawZmqClient c = RawZmqClient.dealer(fixture.endpoint)) {
      c.send(CbpFrames.request(Command.REQUEST, utf8("id-7"), "echo", new byte[0], utf8("{\"a\":[1,2]}")));
      List<byte[]> reply = c.reply();
      assertEquals("CBP1", text(reply.get(0)));
      assertEquals("OK", text(reply.get(1)));
      assertEquals("id-7", text(reply.get(2)));
      assertEquals("application/json", new JsonObject(text(reply.get(3))).getString("content-type"));
      assertEquals(new JsonObject("{\"a\":[1,2]}"), new JsonObject(text(reply.get(4))));
    }
  }

  @Test
  void aReqClientGetsItsReplyBehindTheDelimiter() {
    try (RawZmqClient c = RawZmqClient.req(fixture.endpoint)) {
      c.request("echo", "", "\"hello\"");
      List<byte[]> reply = c.reply();
      assertEquals("OK", text(reply.get(1)));
      assertEquals("\"hello\"", text(reply.get(4)));
    }
  }

  @Test
  void pingAnswersNodeAndVersion() {
    try (RawZmqClient c = RawZmqClient.dealer(fixture.endpoint)) {
      c.send(CbpFrames.request(Command.PING, utf8("p"), "", new byte[0], new byte[0]));
      JsonObject body = new JsonObject(text(c.reply().get(4)));
      assertTrue(body.containsKey("node"));
      assertEquals(io.conduit.codec.ConduitVersion.get(), body.getString("version"));
    }
  }

  @Test
  void headersTravelToTheConsumerAndBack() {
    try (RawZmqClient c = RawZmqClient.dealer(fixture.endpoint)) {
      c.request("echo", "{\"trace\":\"t-9\"}", "1");
      assertEquals("t-9", new JsonObject(text(c.reply().get(3))).getString("trace"));
    }
  }

  @Test
  void textAndBinaryBodiesKeepTheirType() {
    try (RawZmqClient c = RawZmqClient.dealer(fixture.endpoint)) {
      c.request("echo", "{\"content-type\":\"text/plain\"}", "plain words");
      List<byte[]> reply = c.reply();
      assertEquals("\"plain words\"", text(reply.get(4)));
      c.request("bytes", "", "null");
      reply = c.reply();
      assertEquals("application/octet-stream", new JsonObject(text(reply.get(3))).getString("content-type"));
      assertArrayEquals(new byte[] {1, 2, 3}, reply.get(4));
      c.send(CbpFrames.request(Command.REQUEST, utf8("b"), "echo", utf8("{\"content-type\":\"application/octet-stream\"}"),
          new byte[] {9, 8, 7}));
      assertArrayEquals(new byte[] {9, 8, 7}, c.reply().get(4));
    }
  }

  @Test
  void aDeflatedRequestIsInflatedAndLargeRepliesAreDeflatedOnRequest() throws Exception {
    try (RawZmqClient c = RawZmqClient.dealer(fixture.endpoint)) {
      c.send(CbpFrames.request(Command.REQUEST, utf8("d"), "echo", utf8("{\"content-encoding\":\"deflate\"}"),
          Bodies.deflate(utf8("{\"k\":\"v\"}"))));
      assertEquals(new JsonObject().put("k", "v"), new JsonObject(text(c.reply().get(4))));
      c.request("big", "{\"accept-encoding\":\"deflate\"}", "null");
      List<byte[]> reply = c.reply();
      assertEquals("deflate", new JsonObject(text(reply.get(3))).getString("content-encoding"));
      assertTrue(reply.get(4).length < 1000);
      assertEquals("\"" + "x".repeat(10_000) + "\"", text(Bodies.inflate(reply.get(4), 1 << 20, new byte[0])));
    }
  }

  @Test
  void sendAndPublishAreAcknowledgedAndDelivered(Vertx vertx) throws Exception {
    CompletableFuture<Object> sent = new CompletableFuture<>();
    CompletableFuture<Object> published = new CompletableFuture<>();
    vertx.eventBus().consumer("inbox", m -> sent.complete(m.body()));
    CompletableFuture<MultiMap> eventHeaders = new CompletableFuture<>();
    vertx.eventBus().consumer("news", m -> {
      eventHeaders.complete(m.headers());
      published.complete(m.body());
    });
    try (RawZmqClient c = RawZmqClient.dealer(fixture.endpoint)) {
      c.send(CbpFrames.request(Command.SEND, utf8("s"), "inbox", new byte[0], utf8("{\"n\":1}")));
      List<byte[]> ack = c.reply();
      assertEquals("OK", text(ack.get(1)));
      assertEquals(0, ack.get(4).length);
      c.send(CbpFrames.request(Command.PUBLISH, utf8("p"), "news", utf8("{\"edition\":\"late\"}"), utf8("[true]")));
      assertEquals("OK", text(c.reply().get(1)));
    }
    assertEquals(new JsonObject().put("n", 1), sent.get(10, TimeUnit.SECONDS));
    assertEquals(new io.vertx.core.json.JsonArray().add(true), published.get(10, TimeUnit.SECONDS));
    MultiMap headers = eventHeaders.get(10, TimeUnit.SECONDS);
    assertEquals("late", headers.get("edition"));
    assertNull(headers.get("conduit-timeout-ms"), "an event carries no requester's deadline");
  }

  @Test
  void whileStoppingNewRequestsAreUnavailableAndInFlightOnesStillAnswered(Vertx vertx) throws Exception {
    BridgeFixture slow = new BridgeFixture();
    // Slow enough that the bridge is still inside its grace period while the late client knocks.
    CompletableFuture<Void> arrived = new CompletableFuture<>();
    vertx.eventBus().consumer("slow", m -> {
      arrived.complete(null);
      vertx.setTimer(1500, t -> m.reply("late but delivered"));
    });
    String id = slow.deploy(vertx, new JsonObject().put("shutdownGraceMs", 3000))
        .toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
    try (RawZmqClient waiting = RawZmqClient.dealer(slow.endpoint);
         RawZmqClient late = RawZmqClient.dealer(slow.endpoint)) {
      waiting.send(CbpFrames.request(Command.REQUEST, utf8("w"), "slow", new byte[0], utf8("1")));
      // The consumer holding it proves the request in flight; the bridge's in-flight count alone
      // does not (a PING's reply is counted until its write completes, after the client has it).
      arrived.get(10, TimeUnit.SECONDS);
      assertTrue(slow.bridge.stats().inFlight() >= 1, "the slow request is in flight before the bridge stops");
      CompletableFuture<Void> stopped = vertx.undeploy(id).toCompletionStage().toCompletableFuture();
      JsonObject refusal = null;
      long deadline = System.nanoTime() + 3_000_000_000L;
      while (refusal == null && System.nanoTime() < deadline) {
        late.send(CbpFrames.request(Command.PING, utf8("late"), "", new byte[0], new byte[0]));
        List<byte[]> reply = late.receive(100);
        if (reply != null && "ERROR".equals(text(reply.get(1)))) {
          refusal = new JsonObject(text(reply.get(4)));
        }
      }
      org.junit.jupiter.api.Assertions.assertNotNull(refusal, "no UNAVAILABLE while the bridge was stopping");
      assertEquals("UNAVAILABLE", refusal.getString("code"));
      List<byte[]> answered = waiting.reply();
      assertEquals("\"late but delivered\"", text(answered.get(4)), "the in-flight request still got its reply");
      stopped.get(10, TimeUnit.SECONDS);
    }
  }

  @Test
  void aRequestStillWaitingWhenTheBridgeHasStoppedLeavesNothingRegistered(Vertx vertx) throws Exception {
    // The bridge registers its replies outside its deployment, so undeploying it does not remove
    // them; it fails what is left itself. A reply sent afterwards must find no one waiting.
    BridgeFixture stopping = new BridgeFixture();
    CompletableFuture<io.vertx.core.eventbus.Message<Object>> held = new CompletableFuture<>();
    vertx.eventBus().consumer("held", held::complete);
    String id = stopping.deploy(vertx, new JsonObject().put("shutdownGraceMs", 100))
        .toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
    try (RawZmqClient waiting = RawZmqClient.dealer(stopping.endpoint)) {
      waiting.send(CbpFrames.request(Command.REQUEST, utf8("w"), "held", new byte[0], utf8("1")));
      io.vertx.core.eventbus.Message<Object> request = held.get(10, TimeUnit.SECONDS);
      vertx.undeploy(id).toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
      CompletableFuture<Throwable> answer = new CompletableFuture<>();
      request.replyAndRequest("too late", new io.vertx.core.eventbus.DeliveryOptions().setSendTimeout(5_000))
          .onComplete((m, failure) -> answer.complete(failure));
      Throwable failure = answer.get(10, TimeUnit.SECONDS);
      assertTrue(failure instanceof io.vertx.core.eventbus.ReplyException e
          && e.failureType() == io.vertx.core.eventbus.ReplyFailure.NO_HANDLERS,
          "the reply found a registration left behind: " + failure);
    }
  }

  @Test
  void aDealerPipelinesManyRequestsAndGetsEveryIdBack() {
    try (RawZmqClient c = RawZmqClient.dealer(fixture.endpoint)) {
      int n = 500;
      for (int i = 0; i < n; i++) {
        c.send(CbpFrames.request(Command.REQUEST, utf8("i" + i), "echo", new byte[0], utf8(Integer.toString(i))));
      }
      java.util.Set<String> ids = new java.util.HashSet<>();
      for (int i = 0; i < n; i++) {
        List<byte[]> reply = c.reply();
        assertEquals("i" + text(reply.get(4)), text(reply.get(2)));
        ids.add(text(reply.get(2)));
      }
      assertEquals(n, ids.size());
    }
  }
}
