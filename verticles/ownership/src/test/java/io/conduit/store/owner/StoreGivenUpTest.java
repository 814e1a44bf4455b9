package io.conduit.store.owner;

import io.conduit.Conditions;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A store given up after a fault ({@link StoreOwnership#failed}): nothing is claimed again until it
 * has closed and its claim is released, the release is of that claim only, a stop waits for the
 * close, and a reopening that fails backs off instead of trying every second.
 */
class StoreGivenUpTest {

  @TempDir
  Path dir;

  @RegisterExtension
  final OnContext on = new OnContext();

  private StoreOwnership owner(StoreOwnership.Store store) throws Exception {
    StoreOwnership ownership = on.started(dir.resolve("t"), store);
    assertEquals(StoreOwnership.Role.OWNER, ownership.role());
    return ownership;
  }

  private JsonObject claim() throws Exception {
    return on.run(() -> on.claims().compose(m -> m.get("t")));
  }

  /** A store whose close takes {@code closeMs}, as a RocksDB flush on a sick disk may; counts serves during a close. */
  private final class SlowToClose implements StoreOwnership.Store {
    final AtomicInteger serves = new AtomicInteger();
    final AtomicInteger closing = new AtomicInteger();
    final AtomicInteger servedWhileClosing = new AtomicInteger();
    final AtomicInteger opened = new AtomicInteger();
    final AtomicInteger openedWhileClosing = new AtomicInteger();
    private final long closeMs;

    SlowToClose(long closeMs) {
      this.closeMs = closeMs;
    }

    @Override
    public Future<Void> serve() {
      serves.incrementAndGet();
      if (closing.get() > 0) {
        servedWhileClosing.incrementAndGet();
      }
      return Future.succeededFuture();
    }

    @Override
    public io.conduit.store.engine.KeyValueEngine openEngine() {
      opened.incrementAndGet();
      if (closing.get() > 0) {
        openedWhileClosing.incrementAndGet();
      }
      throw new UnsupportedOperationException("no copy in this test");
    }

    @Override
    public Future<Void> close() {
      closing.incrementAndGet();
      Promise<Void> closed = Promise.promise();
      on.vertx.setTimer(closeMs, id -> {
        closing.decrementAndGet();
        closed.complete();
      });
      return closed.future();
    }
  }

  @Test
  void aStoreThatClosesSlowlyIsNotServedAgainBeforeItHasClosedAndTheNewClaimIsNotReleased() throws Exception {
    SlowToClose store = new SlowToClose(StoreOwnership.CLAIM_AGAIN_AFTER_MS + 1_500);
    StoreOwnership ownership = owner(store);
    on.run(() -> Future.succeededFuture(ownership.failed("write 7 could not be stored")));
    Conditions.await(2_000, () -> String.valueOf(ownership.failure()).contains("test store 't' stopped serving here: "
        + "write 7 could not be stored; closing its data and giving the claim up"), ownership::failure);
    // closed, then released, then claimed again once the wait after the release is over
    Conditions.await(3 * StoreOwnership.CLAIM_AGAIN_AFTER_MS + 5_000, () -> store.serves.get() == 2,
        () -> "serves " + store.serves.get() + ", " + ownership.failure());
    assertEquals(0, store.servedWhileClosing.get(), "served again while its close was under way");
    Conditions.await(5_000, () -> ownership.role() == StoreOwnership.Role.OWNER, () -> "role " + ownership.role());
    JsonObject claim = claim();
    assertEquals(2L, claim.getLong("epoch"), claim.encode());
    assertTrue(!claim.getBoolean("released", false), "the claim taken again was released: " + claim.encode());
  }

  @Test
  void anOwnerThatTookOverIsFollowedOnlyOnceTheStoreGivenUpHasClosed() throws Exception {
    SlowToClose store = new SlowToClose(2_500);
    StoreOwnership ownership = owner(store);
    on.run(() -> {
      ownership.failed("write 7 could not be stored");
      // another deployment takes the store over at once
      return on.claims().compose(m -> m.put("t",
          new JsonObject().put("node", "other").put("instance", "other").put("epoch", 2L).put("dataId", "other-data")
              .put("dataDir", "/elsewhere").put("inSync", new io.vertx.core.json.JsonArray()).put("renewal", 0L)
              .put("leaseMs", 3_000L).put("life", "L").put("dataEpoch", 1L).put("dataHeld", DataEpoch.OWNER)));
    });
    Conditions.await(10_000, () -> store.opened.get() > 0, () -> "never followed: " + ownership.toJson());
    assertEquals(0, store.openedWhileClosing.get(), "copied into its engine while the store given up still closed");
  }

  @Test
  void aStopWhileTheStoreIsGivenUpCompletesOnceItHasClosed() throws Exception {
    SlowToClose store = new SlowToClose(1_500);
    StoreOwnership ownership = owner(store);
    on.run(() -> {
      ownership.failed("write 7 could not be stored");
      return ownership.stop();
    });
    assertEquals(0, store.closing.get(), "the stop completed while the store was still closing");
    assertEquals(true, claim().getBoolean("released"), "the claim given up: " + claim().encode());
  }

  @Test
  void reopeningThatFailsWaitsLongerEachTimeAndSaysWhy() throws Exception {
    AtomicInteger serves = new AtomicInteger();
    StoreOwnership ownership = owner(new StoreOwnership.Store() {
      @Override
      public Future<Void> serve() {
        return serves.incrementAndGet() == 1 ? Future.succeededFuture() : Future.failedFuture("I/O error opening LOCK");
      }

      @Override
      public Future<Void> close() {
        return Future.succeededFuture();
      }
    });
    on.run(() -> Future.succeededFuture(ownership.failed("write 7 could not be stored")));
    Conditions.await(StoreOwnership.CLAIM_AGAIN_AFTER_MS + 5_000, () -> serves.get() == 2, () -> "serves " + serves.get());
    Conditions.await(3_000, () -> String.valueOf(ownership.failure()).contains("write 7 could not be stored; reopening "
        + "its data failed (I/O error opening LOCK); another node's in-sync standby may take it over, else it reopens "
        + "its data at"), ownership::failure);
    // the second wait is twice the first: no third attempt for a while
    Conditions.holdsFor(2 * StoreOwnership.CLAIM_AGAIN_AFTER_MS - 1_000, () -> serves.get() == 2,
        () -> "reopened " + (serves.get() - 1) + " times");
  }
}
