package io.conduit.bridge;

import io.conduit.cluster.ClusterFactory;
import io.conduit.cluster.ClusterSettings;
import io.conduit.cluster.TestClusters;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.VerticleBase;
import io.vertx.core.VertxOptions;
import io.vertx.core.eventbus.DeliveryContext;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.eventbus.impl.SenderTimedRequest;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import jdk.jfr.Recording;
import jdk.jfr.consumer.RecordingFile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The bridge's event-bus request without a timer of its own behaves as {@code EventBus.request}
 * does for everything but the timeout, which its sender enforces: on one node and across a cluster.
 */
@ExtendWith(VertxExtension.class)
@Timeout(60)
class SenderTimedRequestTest {

  /** Sends from an event-loop context of {@code from}; the future completes with the outcome (once). */
  private static CompletableFuture<Message<Object>> request(Vertx from, String address, Object body,
                                                            AtomicInteger outcomes,
                                                            CompletableFuture<SenderTimedRequest<Object>> handle) {
    CompletableFuture<Message<Object>> result = new CompletableFuture<>();
    from.runOnContext(v -> handle.complete(SenderTimedRequest.send(from, address, body,
        new DeliveryOptions().setSendTimeout(1234).addHeader("h", "1"), (reply, failure) -> {
          outcomes.incrementAndGet();
          if (failure == null) {
            result.complete(reply);
          } else {
            result.completeExceptionally(failure);
          }
        })));
    return result;
  }

  private static ReplyException failure(CompletableFuture<?> f) throws Exception {
    ExecutionException e = org.junit.jupiter.api.Assertions.assertThrows(ExecutionException.class,
        () -> f.get(10, TimeUnit.SECONDS));
    return assertInstanceOf(ReplyException.class, e.getCause());
  }

  private static void checkEveryOutcome(Vertx from, Vertx served) throws Exception {
    List<String> intercepted = new CopyOnWriteArrayList<>();
    from.eventBus().addInboundInterceptor((DeliveryContext<Object> ctx) -> {
      intercepted.add(ctx.message().address());
      ctx.next();
    });
    Promise<Void> registered = Promise.promise();
    served.eventBus().<Object>consumer("svc", m -> {
      switch (String.valueOf(m.body())) {
        case "fail" -> m.fail(503, "not now");
        case "silent" -> { }
        default -> m.reply("re:" + m.body() + ":" + m.headers().get("h"));
      }
    }).completion().onComplete(registered);
    registered.future().await(10, TimeUnit.SECONDS);

    AtomicInteger outcomes = new AtomicInteger();
    CompletableFuture<SenderTimedRequest<Object>> handle = new CompletableFuture<>();
    Message<Object> reply = request(from, "svc", "x", outcomes, handle).get(10, TimeUnit.SECONDS);
    assertEquals("re:x:1", reply.body());
    assertTrue(intercepted.stream().anyMatch(a -> a.startsWith("__vertx.reply.")), "the inbound interceptors saw "
        + "the reply: " + intercepted);
    assertTrue(handle.get().settled());

    ReplyException failed = failure(request(from, "svc", "fail", outcomes, new CompletableFuture<>()));
    assertEquals(ReplyFailure.RECIPIENT_FAILURE, failed.failureType());
    assertEquals(503, failed.failureCode());
    assertEquals("not now", failed.getMessage());

    ReplyException none = failure(request(from, "nobody-here", "x", outcomes, new CompletableFuture<>()));
    assertEquals(ReplyFailure.NO_HANDLERS, none.failureType());

    CompletableFuture<SenderTimedRequest<Object>> silent = new CompletableFuture<>();
    CompletableFuture<Message<Object>> waiting = request(from, "svc", "silent", outcomes, silent);
    SenderTimedRequest<Object> pending = silent.get(10, TimeUnit.SECONDS);
    // nothing times it out by itself: a later request's whole round trip leaves it waiting
    assertEquals("re:y:1", request(from, "svc", "y", outcomes, new CompletableFuture<>()).get(10, TimeUnit.SECONDS).body());
    assertTrue(!waiting.isDone());
    from.runOnContext(v -> {
      pending.expire();
      pending.expire(); // the outcome is delivered once
    });
    ReplyException timedOut = failure(waiting);
    assertEquals(ReplyFailure.TIMEOUT, timedOut.failureType());
    assertTrue(timedOut.getMessage().contains("1234") && timedOut.getMessage().contains("svc"), timedOut.getMessage());
    assertEquals(5, outcomes.get(), "one outcome per request");
  }

  @Test
  void everyOutcomeOnOneNode(Vertx vertx) throws Exception {
    checkEveryOutcome(vertx, vertx);
  }

  @Test
  void everyOutcomeAcrossAClusterWithTheReplyComingBackFromTheServingNode() throws Exception {
    ClusterSettings settings = TestClusters.settings("sender-timed");
    Vertx a = null;
    Vertx b = null;
    try {
      a = ClusterFactory.startClustered(new VertxOptions(), settings).await(60, TimeUnit.SECONDS);
      b = ClusterFactory.startClustered(new VertxOptions(), settings).await(60, TimeUnit.SECONDS);
      Vertx from = a;
      // the service runs on b only; wait until a's view of the cluster routes to it
      checkEveryOutcome(from, b);
    } finally {
      for (Vertx v : new Vertx[] {a, b}) {
        if (v != null) {
          v.close().await(30, TimeUnit.SECONDS);
        }
      }
    }
  }

  @Test
  void anUnansweredRequestHoldsNoTimerAndItsRegistrationGoesWithItsOutcome(Vertx vertx) throws Exception {
    vertx.eventBus().consumer("quiet", m -> { });
    AtomicInteger outcomes = new AtomicInteger();
    CompletableFuture<SenderTimedRequest<Object>> handle = new CompletableFuture<>();
    CompletableFuture<Message<Object>> waiting = request(vertx, "quiet", "x", outcomes, handle);
    SenderTimedRequest<Object> pending = handle.get(10, TimeUnit.SECONDS);
    String replyAddress = pending.address();
    assertNotNull(replyAddress);
    vertx.runOnContext(v -> pending.expire());
    failure(waiting);
    // a reply that comes after the expiry finds nobody: the registration went with the outcome
    Future<Message<Object>> late = vertx.eventBus().request(replyAddress, "late", new DeliveryOptions().setSendTimeout(2000));
    ExecutionException e = org.junit.jupiter.api.Assertions.assertThrows(ExecutionException.class,
        () -> late.toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS));
    assertEquals(ReplyFailure.NO_HANDLERS, assertInstanceOf(ReplyException.class, e.getCause()).failureType());
    assertEquals(1, outcomes.get());
  }

  /**
   * On a deployment's context Vert.x keeps a request's reply registration as a close hook, in a
   * HashMap, from inside the registration's synchronized {@code register}: an identity hash taken
   * there inflated the registration's monitor, one per request. JFR sees every inflation.
   */
  @Test
  void requestsFromADeploymentInflateNoMonitor(Vertx vertx) throws Exception {
    int requests = 2_000;
    vertx.eventBus().consumer("inflate.svc", m -> m.reply(m.body())).completion().await(10, TimeUnit.SECONDS);
    Path file = Files.createTempFile("conduit-inflate-", ".jfr");
    try (Recording recording = new Recording()) {
      recording.enable("jdk.JavaMonitorInflate").withThreshold(Duration.ZERO).withoutStackTrace();
      recording.start();
      CompletableFuture<Integer> answered = new CompletableFuture<>();
      AtomicInteger replies = new AtomicInteger();
      vertx.deployVerticle(new VerticleBase() {
        @Override
        public Future<?> start() {
          for (int i = 0; i < requests; i++) {
            SenderTimedRequest.send(vertx, "inflate.svc", i, new DeliveryOptions().setSendTimeout(10_000),
                (reply, failure) -> {
                  if (failure != null) {
                    answered.completeExceptionally(failure);
                  } else if (replies.incrementAndGet() == requests) {
                    answered.complete(requests);
                  }
                });
          }
          return Future.succeededFuture();
        }
      }).await(10, TimeUnit.SECONDS);
      assertEquals(requests, answered.get(30, TimeUnit.SECONDS));
      recording.stop();
      recording.dump(file);
      long inflated = RecordingFile.readAllEvents(file).stream()
          .filter(e -> e.getEventType().getName().equals("jdk.JavaMonitorInflate"))
          .filter(e -> SenderTimedRequest.class.getName().equals(e.getClass("monitorClass").getName()))
          .count();
      assertEquals(0, inflated, "monitors of SenderTimedRequest inflated during " + requests + " requests");
    } finally {
      Files.deleteIfExists(file);
    }
  }
  @Test
  void aReplyContextDeliversOnTheSendersLoopOutsideItsDeployment(Vertx vertx) throws Exception {
    vertx.eventBus().consumer("ctx.svc", m -> m.reply("re:" + m.body())).completion().await(10, TimeUnit.SECONDS);
    CompletableFuture<String> outcome = new CompletableFuture<>();
    vertx.deployVerticle(new VerticleBase() {
      @Override
      public Future<?> start() {
        Thread loop = Thread.currentThread();
        io.vertx.core.internal.ContextInternal replies = SenderTimedRequest.replyContext(vertx);
        SenderTimedRequest.send(vertx, replies, "ctx.svc", "x", new DeliveryOptions().setSendTimeout(10_000),
            (reply, failure) -> outcome.complete(failure != null ? "failed: " + failure
                : reply.body() + " same-thread=" + (Thread.currentThread() == loop)
                + " deployment=" + replies.deploymentID()
                + " same-loop=" + (replies.nettyEventLoop() == ((io.vertx.core.internal.ContextInternal) context).nettyEventLoop())));
        return Future.succeededFuture();
      }
    }).await(10, TimeUnit.SECONDS);
    assertEquals("re:x same-thread=true deployment=null same-loop=true", outcome.get(10, TimeUnit.SECONDS));
  }
}
