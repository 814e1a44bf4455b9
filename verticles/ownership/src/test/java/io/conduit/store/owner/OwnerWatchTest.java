package io.conduit.store.owner;

import io.conduit.cluster.ClusterAccess;
import io.conduit.cluster.ClusterFactory;
import io.conduit.cluster.ClusterSettings;
import io.conduit.cluster.TestClusters;
import io.conduit.node.ServiceRoles;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What a front door's {@link OwnerWatch} tells a request in flight to a stateful address: that its
 * owner's node left while it waited (answered at once), and nothing of a departure it was sent after,
 * as when a node killed earlier has just been restarted and taken its store back but this node's copy
 * of the owners still names the dead one; and, within the suspect time, that its owner lost its claim
 * to another node while its own node stayed (a stall), or that the store on this very node, which
 * the claim as last read still names, stepped down (cut off from the quorum).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class OwnerWatchTest {

  private ClusterSettings settings;
  private Vertx vertx;
  private Context context;
  private OwnerWatch watch;

  @BeforeAll
  void start() throws Exception {
    settings = TestClusters.settings("owner-watch");
    vertx = await(ClusterFactory.startClustered(new VertxOptions(), settings));
    context = vertx.getOrCreateContext();
    watch = onContext(() -> OwnerWatch.start(vertx));
  }

  @AfterAll
  void stop() throws Exception {
    onContext(() -> {
      watch.close();
      return null;
    });
    await(vertx.close());
  }

  @Test
  void aRequestWhoseOwnerLeavesWhileItWaitsIsTold() throws Exception {
    Vertx other = await(ClusterFactory.startClustered(new VertxOptions(), settings));
    String otherNode = ClusterAccess.manager(other).getNodeId();
    claim("leaves", otherNode);
    CompletableFuture<Void> lost = new CompletableFuture<>();
    OwnerWatch.Pending pending = onContext(() -> watch.watch("leaves", () -> lost.complete(null)));
    await(other.close());
    lost.get(30, TimeUnit.SECONDS); // not the request's own timeout: the watch heard the node leave
    assertFalse(onContext(pending::settle), "its late outcome is dropped");
    assertTrue(onContext(pending::ownerLeft));
  }

  @Test
  void aRequestSentAfterItsOwnerLeftIsNotFailedForThatDeparture() throws Exception {
    claim("restarted", "a-node-killed-before-the-request");
    OwnerWatch.Pending answered = onContext(() -> watch.watch("restarted", () -> { }));
    CompletableFuture<Long> lost = new CompletableFuture<>();
    long[] sent = new long[1];
    onContext(() -> {
      sent[0] = System.nanoTime();
      return watch.watch("restarted", () -> lost.complete(System.nanoTime()));
    });
    // several checks pass: the answer that comes within SUSPECT_ANSWER_MS (the restarted owner's) is delivered
    await(vertx.timer(OwnerWatch.CHECK_MS * 3));
    assertTrue(onContext(answered::settle), "a request answered within the suspect time keeps its answer");
    assertFalse(onContext(answered::ownerLeft), "a failure of it is its own, not the old owner's departure");
    // and one that is never answered (the event bus still routed it to the dead node) hears UNAVAILABLE
    long reportedAfterMs = TimeUnit.NANOSECONDS.toMillis(lost.get(30, TimeUnit.SECONDS) - sent[0]);
    assertTrue(reportedAfterMs >= OwnerWatch.SUSPECT_ANSWER_MS, reportedAfterMs + " ms");
  }

  @Test
  void aRequestToAnOwnerThatLostItsClaimWhileItsNodeStaysIsToldWithinTheSuspectTime() throws Exception {
    Vertx other = await(ClusterFactory.startClustered(new VertxOptions(), settings));
    try {
      claim("moved", ClusterAccess.manager(vertx).getNodeId());
      servedHere("moved", "OWNER"); // as it was before it stalled
      CompletableFuture<Long> lost = new CompletableFuture<>();
      OwnerWatch.Pending stuck = onContext(() -> watch.watch("moved", () -> lost.complete(System.nanoTime())));
      OwnerWatch.Pending answered = onContext(() -> watch.watch("moved", () -> { }));
      claim("moved", ClusterAccess.manager(other).getNodeId()); // a stalled owner's lease ran out; another took over
      long readAt = System.nanoTime();
      assertTrue(onContext(answered::settle), "a request answered within the suspect time keeps its answer");
      // the one still waiting (at the stalled node) hears UNAVAILABLE, not its own timeout
      long reportedAfterMs = TimeUnit.NANOSECONDS.toMillis(lost.get(30, TimeUnit.SECONDS) - readAt);
      assertTrue(reportedAfterMs <= OwnerWatch.SUSPECT_ANSWER_MS + 4 * OwnerWatch.CHECK_MS, reportedAfterMs + " ms");
      assertFalse(onContext(stuck::settle), "its late outcome is dropped");
      assertFalse(onContext(stuck::ownerLeft), "its node did not leave the cluster");
    } finally {
      ServiceRoles.forget(vertx, "moved-here");
      await(other.close());
    }
  }

  @Test
  void aRequestToThisNodeWhoseStoreSteppedDownIsToldWithinTheSuspectTime() throws Exception {
    claim("cut-off", ClusterAccess.manager(vertx).getNodeId());
    servedHere("cut-off", "OWNER");
    try {
      CompletableFuture<Long> lost = new CompletableFuture<>();
      OwnerWatch.Pending stuck = onContext(() -> watch.watch("cut-off", () -> lost.complete(System.nanoTime())));
      // several checks pass while the store serves: the request waits for its answer
      await(vertx.timer(OwnerWatch.CHECK_MS * 3));
      assertFalse(lost.isDone(), "told while the store here still served");
      // its lease ran out: it stands by, and the claim (which a node without the quorum cannot read) still names this node
      servedHere("cut-off", "STANDBY");
      long steppedDownAt = System.nanoTime();
      long reportedAfterMs = TimeUnit.NANOSECONDS.toMillis(lost.get(30, TimeUnit.SECONDS) - steppedDownAt);
      // seen at the next check, then the suspect time: the margin for timers on a busy machine is
      // the one the test above allows (2,401 ms was seen with 2 checks)
      assertTrue(reportedAfterMs <= OwnerWatch.SUSPECT_ANSWER_MS + 4 * OwnerWatch.CHECK_MS, reportedAfterMs + " ms");
      assertFalse(onContext(stuck::settle), "its late outcome is dropped");
      assertFalse(onContext(stuck::ownerLeft), "its node did not leave the cluster");
      // a request sent now is given the suspect time from the start, not its own timeout
      CompletableFuture<Long> next = new CompletableFuture<>();
      long sentAt = System.nanoTime();
      onContext(() -> watch.watch("cut-off", () -> next.complete(System.nanoTime())));
      long nextAfterMs = TimeUnit.NANOSECONDS.toMillis(next.get(30, TimeUnit.SECONDS) - sentAt);
      assertTrue(nextAfterMs >= OwnerWatch.SUSPECT_ANSWER_MS - OwnerWatch.CHECK_MS
          && nextAfterMs <= OwnerWatch.SUSPECT_ANSWER_MS + 2 * OwnerWatch.CHECK_MS, nextAfterMs + " ms");
    } finally {
      ServiceRoles.forget(vertx, "cut-off-here");
    }
  }

  @Test
  void aRequestToAnOwnerThatStaysIsLeftToItsAnswer() throws Exception {
    claim("stays", ClusterAccess.manager(vertx).getNodeId());
    servedHere("stays", "OWNER");
    boolean[] lost = new boolean[1];
    OwnerWatch.Pending pending = onContext(() -> watch.watch("stays", () -> lost[0] = true));
    await(vertx.timer(OwnerWatch.SUSPECT_ANSWER_MS + OwnerWatch.CHECK_MS * 2));
    assertTrue(onContext(pending::settle));
    assertFalse(onContext(() -> lost[0]));
    assertEquals(ClusterAccess.manager(vertx).getNodeId(), onContext(() -> watch.owner("stays")));
    ServiceRoles.forget(vertx, "stays-here");
  }

  /** Reports the role of a deployment of {@code address} on this node, as a store's ownership does. */
  private void servedHere(String address, String role) {
    ServiceRoles.report(vertx, address + "-here", new JsonObject().put("address", address).put("role", role));
  }

  /** Writes a claim and waits until the watch has read it. */
  private void claim(String address, String node) throws Exception {
    await(vertx.sharedData().<String, JsonObject>getAsyncMap(StoreOwnership.MAP)
        .compose(m -> m.put(address, new JsonObject().put("node", node).put("epoch", 1))));
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (!node.equals(onContext(() -> watch.owner(address)))) {
      assertTrue(System.nanoTime() < deadline, "the watch never read the claim of " + address);
      await(vertx.timer(50));
    }
  }

  private <T> T onContext(Callable<T> action) throws Exception {
    Promise<T> result = Promise.promise();
    context.runOnContext(v -> {
      try {
        result.complete(action.call());
      } catch (Exception e) {
        result.fail(e);
      }
    });
    return await(result.future());
  }

  private static <T> T await(Future<T> f) throws Exception {
    return f.toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
  }
}
