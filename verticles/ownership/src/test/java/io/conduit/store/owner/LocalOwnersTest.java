package io.conduit.store.owner;

import io.conduit.codec.RequestHeaders;
import io.vertx.core.Completable;
import io.vertx.core.Context;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.ThreadingModel;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.internal.ContextInternal;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Direct calls to a store owned on the caller's event loop: what the store sees, what the caller
 * gets back, and when a call is not made (another loop, no owner, an owner gone).
 */
class LocalOwnersTest {

  private Vertx vertx;
  private LocalOwners owners;
  private final List<String> observed = new ArrayList<>();

  /** A verticle whose only job is to give a test an event-loop context of its own. */
  static final class Loop extends VerticleBase {
    Context context;

    @Override
    public Future<?> start() {
      context = vertx.getOrCreateContext();
      return Future.succeededFuture();
    }
  }

  @BeforeEach
  void start() {
    vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(2));
    owners = LocalOwners.of(vertx);
    owners.observe(new LocalOwners.Observer() {
      @Override
      public Object started(String address) {
        observed.add("started " + address);
        return address;
      }

      @Override
      public void replied(Object started, Throwable failure) {
        observed.add("replied " + started + (failure == null ? "" : " " + failure.getMessage()));
      }
    });
  }

  @AfterEach
  void stop() throws Exception {
    vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  @Test
  void oneRegistryPerNode() throws Exception {
    assertSame(owners, LocalOwners.of(vertx));
    Vertx other = Vertx.vertx();
    try {
      assertNotSame(owners, LocalOwners.of(other));
    } finally {
      other.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
  }

  @Test
  void aCallOnTheOwnersLoopIsTheLoopsNextTaskOnADuplicateOfTheOwnersContext() throws Exception {
    Context store = loop();
    List<Context> handledOn = new CopyOnWriteArrayList<>();
    AtomicReference<String> deadline = new AtomicReference<>();
    on(store, () -> owners.serve("kv", m -> {
      handledOn.add(Vertx.currentContext());
      deadline.set(m.headers().get(RequestHeaders.TIMEOUT_MS));
      m.reply(new JsonObject().put("got", m.body()), new DeliveryOptions().addHeader("served-by", "kv"));
    }));
    Context bridge = sameLoopAs(store);
    Outcome outcome = new Outcome();
    Outcome second = new Outcome();
    on(bridge, () -> {
      DirectRequest r = owners.call("kv", "hello", h -> h.add(RequestHeaders.TIMEOUT_MS, "2500"), 2500, outcome);
      assertFalse(r.settled(), "queued, as an event-bus delivery is, not run inside the caller");
      assertTrue(handledOn.isEmpty());
      return owners.call("kv", "again", h -> h.add(RequestHeaders.TIMEOUT_MS, "2500"), 2500, second);
    });
    Message<Object> reply = outcome.reply.get(5, TimeUnit.SECONDS);
    second.reply.get(5, TimeUnit.SECONDS);
    assertEquals(2, handledOn.size());
    for (Context c : handledOn) {
      assertTrue(((ContextInternal) c).isDuplicate(), "each message on a duplicate, as the event bus does");
      assertSame(store, ((ContextInternal) c).unwrap());
    }
    assertNotSame(handledOn.get(0), handledOn.get(1));
    // the reply reaches the caller at once, inside the store's turn (no dispatch on the caller's context)
    assertSame(handledOn.get(0), outcome.completedOn);
    assertEquals("2500", deadline.get());
    assertEquals(new JsonObject().put("got", "hello"), reply.body());
    assertEquals("kv", reply.headers().get("served-by"));
    assertEquals(List.of("started kv", "replied kv", "started kv", "replied kv"), observed);
  }

  @Test
  void aSendIsQueuedInOrderWithCallsAndItsReplyGoesNowhere() throws Exception {
    Context store = loop();
    List<Object> seen = new CopyOnWriteArrayList<>();
    on(store, () -> owners.serve("kv", m -> {
      seen.add(m.body());
      m.reply("done " + m.body());
    }));
    Context bridge = sameLoopAs(store);
    Outcome first = new Outcome();
    Outcome last = new Outcome();
    CompletableFuture<Thread> handled = new CompletableFuture<>();
    Thread bridgeThread = on(bridge, Thread::currentThread);
    on(bridge, () -> {
      owners.call("kv", "a", null, 1000, first);
      assertNotNull(owners.send("kv", "b", null, 1000, () -> handled.complete(Thread.currentThread())));
      return owners.call("kv", "c", null, 1000, last);
    });
    assertEquals("done c", last.reply.get(5, TimeUnit.SECONDS).body());
    assertEquals("done a", first.reply.get(5, TimeUnit.SECONDS).body());
    assertEquals(List.of("a", "b", "c"), seen);
    assertSame(bridgeThread, handled.get(5, TimeUnit.SECONDS), "the sender learns on its own loop that the store is done");
    assertEquals(List.of("started kv", "replied kv", "started kv", "replied kv"), observed, "a send is no request");
    assertNull(on(sameLoopAs(store), () -> owners.send("nobody", "x", null, 1000, () -> { })));
  }

  @Test
  void aTurnsCallsAreDeliveredTogetherAFaultStopsOnlyItsOwnAndLaterCallsWaitTheirTurn() throws Exception {
    Context store = loop();
    List<Object> seen = new CopyOnWriteArrayList<>();
    List<Throwable> reported = new CopyOnWriteArrayList<>();
    store.exceptionHandler(reported::add);
    on(store, () -> owners.serve("kv", m -> {
      seen.add(m.body());
      if ("b".equals(m.body())) {
        throw new IllegalStateException("the store's own fault with b");
      }
      m.reply("done " + m.body());
    }));
    Context bridge = sameLoopAs(store);
    Outcome later = new Outcome();
    Outcome c = new Outcome();
    on(bridge, () -> {
      owners.call("kv", "a", null, 1000, (reply, error) -> {
        // made while the turn's calls are being delivered: a task of the loop's queued meanwhile goes first
        bridge.runOnContext(v -> seen.add("a task of the loop"));
        owners.call("kv", "later", null, 1000, later);
      });
      owners.call("kv", "b", null, 1000, new Outcome());
      return owners.call("kv", "c", null, 1000, c);
    });
    assertEquals("done c", c.reply.get(5, TimeUnit.SECONDS).body(), "the call after a faulty one is delivered");
    assertEquals("done later", later.reply.get(5, TimeUnit.SECONDS).body());
    assertEquals(List.of("a", "b", "c", "a task of the loop", "later"), seen);
    assertEquals(1, reported.size());
    assertEquals("the store's own fault with b", reported.get(0).getMessage());
  }

  @Test
  void aSendTheStoreHoldsIsHandledOnceWhenItExpiresAndNotAgainWhenTheStoreAnswersLate() throws Exception {
    Context store = loop();
    CompletableFuture<Message<Object>> holding = new CompletableFuture<>();
    on(store, () -> owners.serve("kv", holding::complete)); // holds it, as a store behind a lock does
    AtomicInteger handled = new AtomicInteger();
    DirectRequest send = on(sameLoopAs(store), () -> owners.send("kv", "b", null, 1000, handled::incrementAndGet));
    Message<Object> held = holding.get(5, TimeUnit.SECONDS);
    assertEquals(0, handled.get(), "handled while the store still holds it");
    on(sameLoopAs(store), () -> {
      send.expire();
      return null;
    });
    assertEquals(1, handled.get());
    on(store, () -> {
      held.reply("late");
      return null;
    });
    on(sameLoopAs(store), () -> null); // whatever the late reply queued on the loop has run
    assertEquals(1, handled.get(), "handled twice");
    assertNull(held.replyAddress(), "a send has no reply address for the store");
  }

  @Test
  void aStoresFailureReachesTheCallerAsTheEventBusWouldDeliverIt() throws Exception {
    Context store = loop();
    on(store, () -> owners.serve("kv", m -> m.fail(409, "the key is locked")));
    Outcome outcome = new Outcome();
    on(sameLoopAs(store), () -> owners.call("kv", "x", null, 1000, outcome));
    ReplyException e = assertInstanceOf(ReplyException.class, outcome.failure.get(5, TimeUnit.SECONDS));
    assertEquals(ReplyFailure.RECIPIENT_FAILURE, e.failureType());
    assertEquals(409, e.failureCode());
    assertEquals("the key is locked", e.getMessage());
    assertEquals(List.of("started kv", "replied kv the key is locked"), observed);
  }

  @Test
  void theCallerGetsOneOutcomeAndATimeoutBeatsALateReply() throws Exception {
    Context store = loop();
    AtomicReference<Message<Object>> held = new AtomicReference<>();
    on(store, () -> owners.serve("kv", held::set));
    Outcome outcome = new Outcome();
    Context bridge = sameLoopAs(store);
    DirectRequest call = on(bridge, () -> owners.call("kv", "x", null, 40, outcome));
    on(bridge, () -> {
      call.expire();
      held.get().reply("late");
      held.get().reply("later still");
      return null;
    });
    ReplyException e = assertInstanceOf(ReplyException.class, outcome.failure.get(5, TimeUnit.SECONDS));
    assertEquals(ReplyFailure.TIMEOUT, e.failureType());
    assertTrue(e.getMessage().contains("40(ms)") && e.getMessage().contains("kv"), e.getMessage());
    assertEquals(1, outcome.outcomes);
    // the store did answer, late: its meters count it once, as the event bus's do
    assertEquals(List.of("started kv", "replied kv"), observed);
  }

  @Test
  void noCallFromAnotherLoopOrToAnAddressNotOwnedHere() throws Exception {
    Context store = loop();
    Runnable unregister = on(store, () -> owners.serve("kv", m -> m.reply("x")));
    Context elsewhere = loop();
    if (((ContextInternal) elsewhere).nettyEventLoop() == ((ContextInternal) store).nettyEventLoop()) {
      elsewhere = loop(); // two loops: the third context is on the other one
    }
    Context other = elsewhere;
    assertNotSame(((ContextInternal) other).nettyEventLoop(), ((ContextInternal) store).nettyEventLoop());
    assertNull(on(other, () -> owners.call("kv", "x", null, 1000, new Outcome())));
    assertFalse(on(other, () -> owners.servesOnThisLoop("kv")));
    assertTrue(on(sameLoopAs(store), () -> owners.servesOnThisLoop("kv")));
    assertNull(on(store, () -> owners.call("nobody", "x", null, 1000, new Outcome())));
    assertNull(owners.call("kv", "x", null, 1000, new Outcome()), "not from a thread outside Vert.x");
    unregister.run();
    assertNull(on(store, () -> owners.call("kv", "x", null, 1000, new Outcome())));
    assertFalse(on(store, () -> owners.servesOnThisLoop("kv")));
    assertTrue(observed.isEmpty());
  }

  @Test
  void anOldOwnersUnregisteringLeavesItsSuccessor() throws Exception {
    Context store = loop();
    Runnable first = on(store, () -> owners.serve("kv", m -> m.reply("first")));
    on(store, () -> owners.serve("kv", m -> m.reply("second")));
    first.run();
    Outcome outcome = new Outcome();
    on(sameLoopAs(store), () -> owners.call("kv", "x", null, 1000, outcome));
    assertEquals("second", outcome.reply.get(5, TimeUnit.SECONDS).body());
  }

  @Test
  void aStoreOnAWorkerIsServedOnTheEventBusOnly() throws Exception {
    CompletableFuture<Runnable> served = new CompletableFuture<>();
    vertx.deployVerticle(new VerticleBase() {
      @Override
      public Future<?> start() {
        served.complete(owners.serve("kv", m -> m.reply("from a worker")));
        return Future.succeededFuture();
      }
    }, new DeploymentOptions().setThreadingModel(ThreadingModel.WORKER)).toCompletionStage().toCompletableFuture()
        .get(5, TimeUnit.SECONDS);
    served.get(5, TimeUnit.SECONDS).run(); // nothing to undo
    for (int i = 0; i < 2; i++) {
      assertNull(on(loop(), () -> owners.call("kv", "x", null, 1000, new Outcome())));
    }
    owners.serve("kv", m -> { }).run(); // nor from a thread outside Vert.x
    assertTrue(observed.isEmpty());
  }

  @Test
  void anUndeployedStoreIsNoLongerCalled() throws Exception {
    Loop store = new Loop();
    String id = vertx.deployVerticle(store).toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
    on(store.context, () -> owners.serve("kv", m -> m.reply("x")));
    Context bridge = sameLoopAs(store.context);
    Outcome before = new Outcome();
    assertNotNull(on(bridge, () -> owners.call("kv", "x", null, 1000, before)));
    before.reply.get(5, TimeUnit.SECONDS);
    vertx.undeploy(id).toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
    assertNull(on(bridge, () -> owners.call("kv", "x", null, 1000, new Outcome())));
  }

  @Test
  void aCallersFailureWithTheReplyIsReportedOnItsContextNotThrownIntoTheStore() throws Exception {
    Context store = loop();
    CompletableFuture<Throwable> storeSaw = new CompletableFuture<>();
    on(store, () -> owners.serve("kv", m -> {
      try {
        m.reply("ok");
        storeSaw.complete(null);
      } catch (Throwable t) {
        storeSaw.complete(t);
      }
    }));
    Context bridge = sameLoopAs(store);
    CompletableFuture<Throwable> reported = new CompletableFuture<>();
    bridge.exceptionHandler(reported::complete);
    on(bridge, () -> owners.call("kv", "x", null, 1000, (reply, failure) -> {
      throw new IllegalStateException("the caller's own fault");
    }));
    assertNull(storeSaw.get(5, TimeUnit.SECONDS), "the store's reply returned normally");
    assertEquals("the caller's own fault", reported.get(5, TimeUnit.SECONDS).getMessage());
  }

  @Test
  void aReplyFromAWorkerThreadReachesTheCallerOnItsContextAsACopy() throws Exception {
    Context store = loop();
    JsonObject answer = new JsonObject().put("n", 1);
    on(store, () -> owners.serve("kv", m -> vertx.executeBlocking(() -> {
      m.reply(answer);
      answer.put("n", 2); // the store changes its object after replying
      return null;
    })));
    Context bridge = sameLoopAs(store);
    Outcome outcome = new Outcome();
    on(bridge, () -> owners.call("kv", "x", null, 1000, outcome));
    assertEquals(new JsonObject().put("n", 1), outcome.reply.get(5, TimeUnit.SECONDS).body());
    assertSame(bridge, outcome.completedOn);
  }

  @Test
  void aReplyAndRequestIsDeliveredAndItsAnswerFailsAtOnce() throws Exception {
    Context store = loop();
    CompletableFuture<Throwable> asked = new CompletableFuture<>();
    on(store, () -> owners.serve("kv", m -> m.replyAndRequest("question").onComplete((r, e) -> asked.complete(e))));
    Outcome outcome = new Outcome();
    on(sameLoopAs(store), () -> owners.call("kv", "x", null, 1000, outcome));
    assertEquals("question", outcome.reply.get(5, TimeUnit.SECONDS).body());
    ReplyException e = assertInstanceOf(ReplyException.class, asked.get(5, TimeUnit.SECONDS));
    assertEquals(ReplyFailure.NO_HANDLERS, e.failureType());
  }

  @Test
  void theRequestLooksLikeAnEventBusRequestToTheStore() throws Exception {
    Context store = loop();
    CompletableFuture<Message<Object>> seen = new CompletableFuture<>();
    on(store, () -> owners.serve("kv", m -> {
      seen.complete(m);
      m.reply(null);
    }));
    Outcome outcome = new Outcome();
    on(sameLoopAs(store), () -> owners.call("kv", 7, h -> h.add("trace", "t-1"), 1000, outcome));
    Message<Object> m = seen.get(5, TimeUnit.SECONDS);
    assertEquals("kv", m.address());
    assertEquals(7, m.body());
    assertTrue(m.isSend());
    assertEquals(DirectRequest.REPLY_ADDRESS, m.replyAddress());
    assertEquals("t-1", m.headers().get("TRACE"));
    Message<Object> reply = outcome.reply.get(5, TimeUnit.SECONDS);
    assertNull(reply.body());
    assertNull(reply.replyAddress());
    assertTrue(reply.headers().isEmpty());
  }

  /** The caller's outcome, and the context it was delivered on. */
  private static final class Outcome implements Completable<Message<Object>> {
    final CompletableFuture<Message<Object>> reply = new CompletableFuture<>();
    final CompletableFuture<Throwable> failure = new CompletableFuture<>();
    volatile Context completedOn;
    volatile int outcomes;

    @Override
    public void complete(Message<Object> result, Throwable error) {
      outcomes++;
      completedOn = Vertx.currentContext();
      if (error == null) {
        reply.complete(result);
      } else {
        failure.complete(error);
      }
    }
  }

  /** A fresh event-loop context (a deployment of its own). */
  private Context loop() throws Exception {
    Loop loop = new Loop();
    vertx.deployVerticle(loop).toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
    return loop.context;
  }

  /** Another deployment's context on {@code context}'s event loop, as the bridge's is beside a store's. */
  private Context sameLoopAs(Context context) throws Exception {
    for (int i = 0; i < 8; i++) {
      Context c = loop();
      if (((ContextInternal) c).nettyEventLoop() == ((ContextInternal) context).nettyEventLoop()) {
        return c;
      }
    }
    throw new AssertionError("no second context on the same event loop in 8 deployments");
  }

  /** Runs {@code action} on {@code context} and returns what it returned. */
  private static <T> T on(Context context, Callable<T> action) throws Exception {
    CompletableFuture<T> done = new CompletableFuture<>();
    context.runOnContext(v -> {
      try {
        done.complete(action.call());
      } catch (Throwable e) {
        done.completeExceptionally(e);
      }
    });
    return done.get(5, TimeUnit.SECONDS);
  }
}
