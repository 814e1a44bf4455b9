package io.conduit.store.owner;

import io.conduit.cluster.ClusterFactory;
import io.conduit.cluster.TestClusters;
import io.conduit.codec.ErrorCode;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The owner's lease in a cluster: an owner whose event loop stalls past its lease (a long GC
 * pause, say) answers nothing it receives afterwards, because by then another node may own the
 * address; it steps down and, its claim being still its own, takes it back under a new epoch.
 */
class StoreLeaseTest {

  private Vertx vertx;

  /** A stateful service: answers its epoch while it holds the lease, and can be made to stall. */
  static final class Held extends VerticleBase {
    StoreOwnership ownership;
    private MessageConsumer<Object> consumer;

    @Override
    public Future<?> start() {
      vertx.eventBus().<Long>consumer("lease-test.stall", m -> {
        LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(m.body())); // the event loop stalls
        m.reply("stalled");
      });
      ownership = new StoreOwnership(vertx, "test store", "lease-test", null, 0, new StoreOwnership.Store() {
        @Override
        public Future<Void> serve() {
          consumer = vertx.eventBus().consumer("lease-test", ownership.guard(m -> m.reply(ownership.toJson().getLong("epoch"))));
          return consumer.completion();
        }

        @Override
        public Future<Void> close() {
          return consumer.unregister();
        }
      });
      return ownership.start();
    }

    @Override
    public Future<?> stop() {
      return ownership.stop();
    }
  }

  /** A stateful service whose data takes a while to open and then fails to (a missing file, say). */
  static final class FailsToOpen extends VerticleBase {
    final java.util.concurrent.atomic.AtomicInteger failures = new java.util.concurrent.atomic.AtomicInteger();
    private StoreOwnership ownership;

    @Override
    public Future<?> start() {
      ownership = new StoreOwnership(vertx, "test store", "lease-test", null, 0, new StoreOwnership.Store() {
        @Override
        public Future<Void> serve() {
          // longer than a renewal period: the claim is renewed while the store opens
          return vertx.timer(StoreOwnership.CHECK_MS + 600).compose(v -> {
            failures.incrementAndGet();
            return Future.failedFuture("cannot open the data");
          });
        }

        @Override
        public Future<Void> close() {
          return Future.succeededFuture();
        }
      });
      return ownership.start();
    }

    @Override
    public Future<?> stop() {
      return ownership.stop();
    }
  }

  @BeforeEach
  void cluster() throws Exception {
    // the stall is on purpose: no blocked-thread warnings for it
    vertx = await(ClusterFactory.startClustered(new VertxOptions().setMaxEventLoopExecuteTime(30)
        .setMaxEventLoopExecuteTimeUnit(TimeUnit.SECONDS), TestClusters.settings("lease")));
  }

  @AfterEach
  void close() throws Exception {
    await(vertx.close());
  }

  private static <T> T await(Future<T> f) throws Exception {
    return f.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
  }

  @Test
  void anOwnerThatStalledPastItsLeaseAnswersNothingUntilItHoldsTheClaimAgain() throws Exception {
    stallPastTheLease(StoreOwnership.LEASE_MS);
  }

  @Test
  void theLeaseIsTheOneConfiguredAndItsClaimSaysSo() throws Exception {
    System.setProperty(StoreOwnership.LEASE_PROPERTY, "2000");
    try {
      stallPastTheLease(2_000);
    } finally {
      System.clearProperty(StoreOwnership.LEASE_PROPERTY);
    }
    JsonObject claim = await(vertx.sharedData().<String, JsonObject>getAsyncMap("conduit.store.owners")
        .compose(m -> m.get("lease-test")));
    assertEquals(2_000L, claim.getLong("leaseMs"), claim.encode());
  }

  @Test
  void aLeaseOutsideItsRangeIsRefusedNamingTheSetting() {
    for (String bad : new String[] {"1999", "600001", "soon"}) {
      System.setProperty(StoreOwnership.LEASE_PROPERTY, bad);
      try {
        IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
            StoreOwnership::configuredLeaseMs);
        assertEquals("the store lease (conduit.store.leaseMs, --store-lease-ms) must be 2000-600000 milliseconds, got '"
            + bad + "'", e.getMessage());
      } finally {
        System.clearProperty(StoreOwnership.LEASE_PROPERTY);
      }
    }
  }

  @Test
  void aStoreThatFailsToOpenAfterItsClaimWasRenewedGivesTheClaimBack() throws Exception {
    String owner = await(vertx.deployVerticle(new Held(), new DeploymentOptions()));
    FailsToOpen standby = new FailsToOpen();
    await(vertx.deployVerticle(standby, new DeploymentOptions()));
    await(vertx.undeploy(owner)); // releases the claim: the standby takes it and fails to open
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    JsonObject claim = null;
    while (System.nanoTime() < deadline) {
      claim = await(vertx.sharedData().<String, JsonObject>getAsyncMap("conduit.store.owners")
          .compose(m -> m.get("lease-test")));
      if (standby.failures.get() > 0 && claim != null && claim.getBoolean("released", false)) {
        return; // the claim went back to the owner's released one, for the next try (or another node)
      }
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(50));
    }
    throw new AssertionError("after " + standby.failures.get() + " failures to open, the claim is still " + claim);
  }

  private void stallPastTheLease(long leaseMs) throws Exception {
    await(vertx.deployVerticle(new Held(), new DeploymentOptions()));
    assertEquals(1L, (Long) await(vertx.eventBus().request("lease-test", "?")).body());

    Future<Object> stall = vertx.eventBus().request("lease-test.stall", leaseMs + 1_500).map(m -> m.body());
    LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(300)); // the stall has begun
    Future<Object> during = vertx.eventBus().request("lease-test", "?").map(m -> m.body());
    assertEquals("stalled", await(stall));
    ExecutionException refused = org.junit.jupiter.api.Assertions.assertThrows(ExecutionException.class,
        () -> await(during));
    ReplyException rex = assertInstanceOf(ReplyException.class, refused.getCause());
    assertEquals(ErrorCode.UNAVAILABLE.status(), rex.failureCode(), rex.getMessage());
    assertTrue(rex.getMessage().contains("lost its lease"), rex.getMessage());

    // it steps down, and takes its own claim back under the next epoch
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
    Object epoch = null;
    while (System.nanoTime() < deadline) {
      try {
        epoch = await(vertx.eventBus().request("lease-test", "?")).body();
        if (epoch instanceof Long e && e > 1) {
          break;
        }
      } catch (ExecutionException e) {
        // refused or no consumer while it steps down and back
      }
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(100));
    }
    assertEquals(2L, epoch);
  }
}
