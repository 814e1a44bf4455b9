package io.conduit.store.owner;

import io.conduit.Conditions;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * A claim can vanish without being released: the cluster map kept it on the owner's member alone,
 * which left before the member that had just joined held a copy. A standby that saw that claim
 * judges it as that owner's, not as a store nobody ever owned: it does not serve data that is not
 * the owner's.
 */
class VanishedClaimTest {

  @TempDir
  Path dir;

  @RegisterExtension
  final OnContext on = new OnContext();

  @Test
  void aStandbyThatSawTheOwnersClaimDoesNotServeItsOwnDataWhenThatClaimVanishes() throws Exception {
    JsonObject owner = new JsonObject().put("node", "other").put("instance", "other").put("epoch", 4L)
        .put("dataId", "other-data").put("dataDir", "/elsewhere").put("inSync", new JsonArray()).put("renewal", 0L)
        .put("leaseMs", 3_000L).put("life", "L").put("dataEpoch", 0L).put("dataHeld", "");
    on.run(() -> on.claims().compose(m -> m.put("t", owner)));
    AtomicInteger serves = new AtomicInteger();
    StoreOwnership standby = on.started(dir.resolve("t"), new StoreOwnership.Store() {
      @Override
      public Future<Void> serve() {
        serves.incrementAndGet();
        return Future.succeededFuture();
      }

      @Override
      public Future<Void> close() {
        return Future.succeededFuture();
      }
    });
    assertEquals(StoreOwnership.Role.STANDBY, standby.role());
    // the owner's member leaves, and the claim with it
    on.run(() -> on.claims().compose(m -> m.remove("t")));
    Conditions.await(5_000, () -> String.valueOf(standby.toJson().getString("reason")).contains("its last owner "
        + "(node other, epoch 4) is gone and its claim with it"), () -> standby.toJson().encode());
    Conditions.holdsFor(2_500, () -> serves.get() == 0 && standby.role() == StoreOwnership.Role.STANDBY,
        () -> "served its own data: " + standby.toJson().encode());
    // the owner's node comes back and claims the store again: followed, not refused
    on.run(() -> on.claims().compose(m -> m.put("t", owner.copy().put("epoch", 5L))));
    Conditions.await(5_000, () -> String.valueOf(standby.toJson().getString("reason")).contains("served by node other "
        + "(epoch 5)"), () -> standby.toJson().encode());
  }
}
