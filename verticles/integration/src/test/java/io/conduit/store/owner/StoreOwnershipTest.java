package io.conduit.store.owner;

import io.conduit.Conditions;
import io.conduit.node.ServiceRoles;
import io.conduit.store.doc.DocStoreVerticle;
import io.conduit.store.graph.GraphStoreVerticle;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Deployable;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** One serving instance per store address: a second deployment stands by and takes over when the owner stops. */
@ExtendWith(VertxExtension.class)
class StoreOwnershipTest {

  @TempDir
  Path dir;

  private static <T> T await(Future<T> f) throws Exception {
    return f.toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
  }

  private static String deploy(Vertx vertx, Deployable store, JsonObject config) throws Exception {
    return await(vertx.deployVerticle(store, new DeploymentOptions().setConfig(config)));
  }

  private static long set(Vertx vertx, String key, int value) throws Exception {
    JsonObject r = await(vertx.eventBus().<JsonObject>request("d", new JsonObject().put("op", "set")
        .put("path", new io.vertx.core.json.JsonArray().add(key)).put("value", value))).body();
    return r.getLong("version");
  }

  private static List<String> roles(Vertx vertx) {
    return ServiceRoles.all(vertx).stream().map(j -> j.getString("role")).sorted().toList();
  }

  @Test
  void aSecondDeploymentStandsByWithoutOpeningTheDataAndTakesOverWithIt(Vertx vertx) throws Exception {
    JsonObject config = new JsonObject().put("address", "d").put("backend", "rocksdb")
        .put("dataDir", dir.resolve("d").toString());
    String owner = deploy(vertx, new DocStoreVerticle(), config);
    // the same data directory: a standby must not open it (RocksDB would refuse a second opener)
    deploy(vertx, new DocStoreVerticle(), config);
    assertEquals(List.of("OWNER", "STANDBY"), roles(vertx));
    for (int i = 1; i <= 4; i++) {
      assertEquals(i, set(vertx, "k" + i, i), "every write reaches the one owner");
    }
    assertTrue(Files.exists(dir.resolve("d").resolve(StoreOwnership.DATA_ID_FILE)));

    await(vertx.undeploy(owner));
    Conditions.await(10_000, () -> roles(vertx).equals(List.of("OWNER")), () -> "roles " + roles(vertx));
    assertEquals(5, set(vertx, "k5", 5), "the standby took over the same data");
    JsonObject claim = await(vertx.sharedData().<String, JsonObject>getAsyncMap(StoreOwnership.MAP)).get("d")
        .toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
    assertEquals(2L, claim.getLong("epoch"), "a new owner, a new epoch: " + claim);
  }

  @Test
  void aStandbyWhoseDataIsNotTheOwnersNeverServesIt(Vertx vertx) throws Exception {
    // ackReplicas 0: the standby follows, but the owner never lists it as in sync, so it is no candidate
    JsonObject ownerConfig = new JsonObject().put("address", "d").put("backend", "rocksdb")
        .put("dataDir", dir.resolve("a").toString()).put("ackReplicas", 0);
    String owner = deploy(vertx, new DocStoreVerticle(), ownerConfig);
    set(vertx, "k", 1);
    deploy(vertx, new DocStoreVerticle(), ownerConfig.copy().put("dataDir", dir.resolve("b").toString()));
    await(vertx.undeploy(owner));
    Conditions.await(10_000, () -> ServiceRoles.all(vertx).stream().anyMatch(r -> r.getString("reason", "")
        .contains("this node's data is not that owner's")), () -> "roles " + ServiceRoles.all(vertx));
    assertEquals(List.of("STANDBY"), roles(vertx));

    // the owner's data comes back: it owns the address again, with what it had
    deploy(vertx, new DocStoreVerticle(), ownerConfig);
    assertEquals(2, set(vertx, "k", 2));
  }

  @Test
  void aMemoryStoresStandbyTakesOverEmpty(Vertx vertx) throws Exception {
    JsonObject config = new JsonObject().put("address", "d").put("backend", "memory");
    String owner = deploy(vertx, new DocStoreVerticle(), config);
    set(vertx, "k", 1);
    deploy(vertx, new DocStoreVerticle(), config);
    await(vertx.undeploy(owner));
    Conditions.await(10_000, () -> roles(vertx).equals(List.of("OWNER")), () -> "roles " + roles(vertx));
    assertEquals(1, set(vertx, "k", 1), "a fresh document");
  }

  @Test
  void theGraphStoreHasOneOwnerToo(Vertx vertx) throws Exception {
    JsonObject config = new JsonObject().put("address", "g").put("backend", "memory");
    deploy(vertx, new GraphStoreVerticle(), config);
    deploy(vertx, new GraphStoreVerticle(), config);
    assertEquals(List.of("OWNER", "STANDBY"), roles(vertx));
    long first = -1;
    for (int i = 0; i < 4; i++) {
      long id = await(vertx.eventBus().<JsonObject>request("g", new JsonObject().put("op", "addNode")
          .put("data", new JsonObject().put("n", i)))).body().getLong("id");
      if (first < 0) {
        first = id;
      }
      assertEquals(first + i, id, "ids handed out by one graph");
    }
  }

  @Test
  void aStoreThatFailsToOpenGivesTheClaimBackAsItWas(Vertx vertx) throws Exception {
    StoreOwnership.Store broken = new StoreOwnership.Store() {
      @Override
      public Future<Void> serve() {
        return Future.failedFuture("disk on fire");
      }

      @Override
      public Future<Void> close() {
        return Future.succeededFuture();
      }
    };
    Future<Void> first = new StoreOwnership(vertx, "test store", "t", dir.resolve("t"), 1, broken).start();
    Exception e = org.junit.jupiter.api.Assertions.assertThrows(Exception.class, () -> await(first));
    assertTrue(e.getMessage().contains("disk on fire"), e.getMessage());
    JsonObject claim = await(vertx.sharedData().<String, JsonObject>getAsyncMap(StoreOwnership.MAP)
        .compose(m -> m.get("t")));
    assertEquals(null, claim, "no claim left behind by a store that never served");
  }

  @Test
  void aStoreThatFailsPartWayThroughStartingIsClosedBeforeItsClaimGoesBack(Vertx vertx) throws Exception {
    java.util.concurrent.atomic.AtomicBoolean open = new java.util.concurrent.atomic.AtomicBoolean();
    java.util.concurrent.atomic.AtomicReference<JsonObject> claimWhileClosing = new java.util.concurrent.atomic.AtomicReference<>();
    StoreOwnership.Store halfway = new StoreOwnership.Store() {
      @Override
      public Future<Void> serve() {
        open.set(true); // its data opened and its consumer registered, then the last step failed
        return Future.failedFuture("the cluster refused a registration");
      }

      @Override
      public Future<Void> close() {
        return vertx.sharedData().<String, JsonObject>getAsyncMap(StoreOwnership.MAP).compose(m -> m.get("h"))
            .map(claim -> {
              claimWhileClosing.set(claim);
              open.set(false);
              return null;
            });
      }
    };
    Future<Void> first = new StoreOwnership(vertx, "test store", "h", dir.resolve("h"), 1, halfway).start();
    org.junit.jupiter.api.Assertions.assertThrows(Exception.class, () -> await(first));
    assertEquals(false, open.get(), "a store that failed to start still served and held its data");
    org.junit.jupiter.api.Assertions.assertNotNull(claimWhileClosing.get(), "the claim went back before the store closed");
    assertEquals(null, claim(vertx, "h"));
  }

  private static JsonObject claim(Vertx vertx, String address) throws Exception {
    return await(vertx.sharedData().<String, JsonObject>getAsyncMap(StoreOwnership.MAP).compose(m -> m.get(address)));
  }

  private static boolean standbyInSync(Vertx vertx) {
    return ServiceRoles.all(vertx).stream().anyMatch(r -> r.getString("reason", "").contains("in sync"));
  }

  @Test
  void aStandbyOnOtherDataFollowsTheOwnerAndTakesOverWithEveryWrite(Vertx vertx) throws Exception {
    JsonObject a = new JsonObject().put("address", "d").put("backend", "rocksdb").put("dataDir", dir.resolve("a").toString());
    String owner = deploy(vertx, new DocStoreVerticle(), a);
    for (int i = 1; i <= 30; i++) {
      set(vertx, "before" + i, i);
    }
    deploy(vertx, new DocStoreVerticle(), a.copy().put("dataDir", dir.resolve("b").toString()));
    Conditions.await(20_000, () -> standbyInSync(vertx), () -> "roles " + ServiceRoles.all(vertx));
    assertEquals(1, claim(vertx, "d").getJsonArray("inSync").size(), "the claim lists the standby");
    long version = 0;
    for (int i = 1; i <= 30; i++) {
      version = set(vertx, "after" + i, i); // each acknowledged by the standby too
    }
    // the standby answers reads at d.ro, and waits for the version a client names
    JsonObject read = await(vertx.eventBus().<JsonObject>request("d.ro", new JsonObject().put("op", "get")
        .put("path", new io.vertx.core.json.JsonArray().add("after30")).put("minVersion", version))).body();
    assertEquals(30, read.getInteger("value"), read.encode());
    await(vertx.undeploy(owner));
    Conditions.await(10_000, () -> roles(vertx).equals(List.of("OWNER")), () -> "roles " + ServiceRoles.all(vertx));
    JsonObject doc = await(vertx.eventBus().<JsonObject>request("d", new JsonObject().put("op", "get")
        .put("path", new io.vertx.core.json.JsonArray()))).body().getJsonObject("value");
    for (int i = 1; i <= 30; i++) {
      assertEquals(i, doc.getInteger("before" + i), "copied with the owner's data");
      assertEquals(i, doc.getInteger("after" + i), "followed batch by batch");
    }
    assertEquals(61, set(vertx, "next", 1), "the new owner goes on from the same version");
  }

  @Test
  void aStandbyThatGoesAwayLeavesTheInSyncListAndWritesGoOn(Vertx vertx) throws Exception {
    JsonObject a = new JsonObject().put("address", "d").put("backend", "rocksdb").put("dataDir", dir.resolve("a").toString());
    deploy(vertx, new DocStoreVerticle(), a);
    String standby = deploy(vertx, new DocStoreVerticle(), a.copy().put("dataDir", dir.resolve("b").toString()));
    Conditions.await(20_000, () -> standbyInSync(vertx), () -> "roles " + ServiceRoles.all(vertx));
    String inbox = "conduit.replica.d.standby." + StoreOwnership.readOrMakeDataId(dir.resolve("b"));
    ExecutionException bad = org.junit.jupiter.api.Assertions.assertThrows(ExecutionException.class,
        () -> await(vertx.eventBus().request(inbox, io.vertx.core.buffer.Buffer.buffer("abc"))));
    assertEquals(400, ((io.vertx.core.eventbus.ReplyException) bad.getCause()).failureCode(), "a frame too short");
    await(vertx.undeploy(standby));
    assertEquals(1, set(vertx, "k", 1), "the owner drops the standby it cannot reach, then acknowledges");
    assertEquals(0, claim(vertx, "d").getJsonArray("inSync").size(), "and no longer lists it");
  }

  @Test
  void aStandbyTheOwnerDroppedForAnUnacknowledgedBatchCopiesAgainAndIsInSyncOnceMore(Vertx vertx) throws Exception {
    JsonObject a = new JsonObject().put("address", "d").put("backend", "rocksdb").put("dataDir", dir.resolve("a").toString());
    deploy(vertx, new DocStoreVerticle(), a);
    deploy(vertx, new DocStoreVerticle(), a.copy().put("dataDir", dir.resolve("b").toString()));
    Conditions.await(20_000, () -> standbyInSync(vertx), () -> "roles " + ServiceRoles.all(vertx));
    String inbox = "conduit.replica.d.standby." + StoreOwnership.readOrMakeDataId(dir.resolve("b"));
    // the standby stalls: batches sent to it are not taken, so none is acknowledged
    java.util.concurrent.atomic.AtomicBoolean stalled = new java.util.concurrent.atomic.AtomicBoolean(true);
    vertx.eventBus().addInboundInterceptor(delivery -> {
      if (!(stalled.get() && delivery.message().address().equals(inbox))) {
        delivery.next();
      }
    });
    assertEquals(1, set(vertx, "during", 1), "acknowledged once the owner dropped the standby");
    assertEquals(0, claim(vertx, "d").getJsonArray("inSync").size(), "no longer listed");
    stalled.set(false);
    // it notices, copies the owner's data again and is listed: a candidate to take over once more
    Conditions.await(20_000, () -> claimListsOne(vertx), () -> "the standby never caught up again; roles "
        + ServiceRoles.all(vertx));
    long version = set(vertx, "after", 2);
    JsonObject read = await(vertx.eventBus().<JsonObject>request("d.ro", new JsonObject().put("op", "get")
        .put("path", new io.vertx.core.json.JsonArray().add("during")).put("minVersion", version))).body();
    assertEquals(1, read.getInteger("value"), "the write it missed while stalled came with the copy: " + read.encode());
  }

  @Test
  void aStandbyDroppedBeforeItWasInSyncWaitsLongerBeforeEachCopy(Vertx vertx) throws Exception {
    JsonObject a = new JsonObject().put("address", "d").put("backend", "rocksdb").put("dataDir", dir.resolve("a").toString());
    deploy(vertx, new DocStoreVerticle(), a);
    java.util.concurrent.atomic.AtomicInteger attaches = new java.util.concurrent.atomic.AtomicInteger();
    String source = ReplicationSource.sourceAddress("d");
    vertx.eventBus().addInboundInterceptor(delivery -> {
      String to = delivery.message().address();
      Object body = delivery.message().body();
      if (to.startsWith(source + ".standby.")) {
        return; // the standby is too slow: it never takes a batch in, so never acknowledges one
      }
      if (to.equals(source) && body instanceof JsonObject r && "attach".equals(r.getString("op"))) {
        attaches.incrementAndGet();
      }
      if (to.equals(source) && body instanceof JsonObject r && "live".equals(r.getString("op"))) {
        // a write lands while the standby copies: queued for it, it must be acknowledged to be in sync
        set(vertx.eventBus(), "k").onComplete(ar -> delivery.next());
        return;
      }
      delivery.next();
    });
    deploy(vertx, new DocStoreVerticle(), a.copy().put("dataDir", dir.resolve("b").toString()));
    // dropped twice (3 s each): it copies again at once the first time, then waits 30 s
    Conditions.await(20_000, () -> ServiceRoles.all(vertx).stream().anyMatch(r -> r.getString("reason", "")
        .contains("the owner dropped it 2 times")), () -> attaches.get() + " attaches; roles " + ServiceRoles.all(vertx));
    assertEquals(2, attaches.get(), "copies without a wait between them");
  }

  private static Future<?> set(io.vertx.core.eventbus.EventBus bus, String key) {
    return bus.request("d", new JsonObject().put("op", "set").put("path", new io.vertx.core.json.JsonArray().add(key))
        .put("value", 1));
  }

  @Test
  void aStandbyThatIsNotWaitedForLearnsThatTheOwnerDroppedItAndCopiesAgain(Vertx vertx) throws Exception {
    // ackReplicas 0: the owner lists no standby in its claim and waits for none; the graph store's
    // standby answers reads at g.ro from its copy of the owner's data
    JsonObject a = new JsonObject().put("address", "g").put("backend", "rocksdb").put("ackReplicas", 0)
        .put("dataDir", dir.resolve("a").toString());
    deploy(vertx, new GraphStoreVerticle(), a);
    deploy(vertx, new GraphStoreVerticle(), a.copy().put("dataDir", dir.resolve("b").toString()));
    Conditions.await(20_000, () -> following(vertx), () -> "roles " + ServiceRoles.all(vertx));
    String standby = StoreOwnership.readOrMakeDataId(dir.resolve("b"));
    String inbox = "conduit.replica.g.standby." + standby;
    java.util.concurrent.atomic.AtomicInteger lost = new java.util.concurrent.atomic.AtomicInteger();
    vertx.eventBus().addInboundInterceptor(delivery -> {
      if (delivery.message().address().equals(inbox) && lost.compareAndSet(0, 1)) {
        return; // the standby misses one batch: it is never acknowledged
      }
      delivery.next();
    });
    // not waited for: acknowledged at once; the owner drops the standby when the batch's 3 s are up
    await(vertx.eventBus().request("g", new JsonObject().put("op", "addNode").put("data", new JsonObject())));
    Conditions.await(10_000, () -> !attached(vertx, "g", standby), () -> "the owner never dropped the standby");
    // the owner sends it nothing more: no later batch shows it a gap
    await(vertx.eventBus().request("g", new JsonObject().put("op", "addNode").put("data", new JsonObject())));
    // it asks, learns it was dropped, copies the owner's data again and follows once more
    Conditions.await(20_000, () -> nodesAtStandby(vertx) == 2, () -> "the standby's copy has " + nodesAtStandby(vertx)
        + " nodes; roles " + ServiceRoles.all(vertx));
  }

  /** Whether the owner of {@code store} still sends the standby {@code id} its batches. */
  private static boolean attached(Vertx vertx, String store, String id) {
    try {
      await(vertx.eventBus().request(ReplicationSource.sourceAddress(store), new JsonObject().put("op", "status").put("id", id)));
      return true;
    } catch (Exception e) {
      return false;
    }
  }

  private static long nodesAtStandby(Vertx vertx) {
    try {
      return await(vertx.eventBus().<JsonObject>request("g.ro", new JsonObject().put("op", "query")
          .put("steps", new io.vertx.core.json.JsonArray("[[\"V\"], [\"count\"]]")))).body().getLong("result");
    } catch (Exception e) {
      return -1;
    }
  }

  private static boolean following(Vertx vertx) {
    return ServiceRoles.all(vertx).stream().anyMatch(r -> r.getString("reason", "").contains("; following it"));
  }

  @Test
  void aCopyCutShortIsNotServedWhenItsNodeStartsFirstAndFollowsTheWholeDataWhenItComes() throws Exception {
    JsonObject a = new JsonObject().put("address", "d").put("backend", "rocksdb").put("dataDir", dir.resolve("a").toString());
    JsonObject b = a.copy().put("dataDir", dir.resolve("b").toString());
    Vertx first = Vertx.vertx();
    try {
      deploy(first, new DocStoreVerticle(), a);
      set(first, "k1", 1);
    } finally {
      await(first.close());
    }
    // B's data as a copy from A leaves it when the copy is cut short (the marker a copy writes as it begins)
    DataEpoch.copyBegins(dir.resolve("b"));
    Vertx second = Vertx.vertx();
    try {
      deploy(second, new DocStoreVerticle(), b);
      Conditions.holdsFor(2_500, () -> roles(second).equals(List.of("STANDBY")), () -> "B served a cut copy: roles "
          + ServiceRoles.all(second));
      assertTrue(ServiceRoles.all(second).get(0).getString("reason").contains("a copy from an owner that was cut short"),
          ServiceRoles.all(second).toString());
      deploy(second, new DocStoreVerticle(), a);
      Conditions.await(20_000, () -> standbyInSync(second), () -> "roles " + ServiceRoles.all(second));
      assertEquals(2, set(second, "k2", 2));
      // in sync: at its next check the standby records the owner's epoch in place of the marker
      Conditions.await(5_000, () -> !copyMarked(dir.resolve("b")), () -> "B's data still marked as a copy under way");
    } finally {
      await(second.close());
    }
  }

  private static boolean copyMarked(Path data) {
    try {
      return DataEpoch.read(data).copying();
    } catch (java.io.IOException e) {
      return true;
    }
  }

  private static boolean refusesToFollow(Vertx vertx) {
    return ServiceRoles.all(vertx).stream().anyMatch(r -> r.getString("reason", "")
        .contains("not following it: this node's data is newer"));
  }

  private static boolean claimListsOne(Vertx vertx) {
    try {
      return claim(vertx, "d").getJsonArray("inSync").size() == 1;
    } catch (Exception e) {
      return false;
    }
  }

  @Test
  void afterTheWholeClusterStoppedANodeWithNewerDataKeepsItRatherThanFollowAnOlderCopy() throws Exception {
    JsonObject a = new JsonObject().put("address", "d").put("backend", "rocksdb").put("dataDir", dir.resolve("a").toString());
    JsonObject b = a.copy().put("dataDir", dir.resolve("b").toString());
    // a cluster's life: A owns, B follows in sync, A goes, B takes over and acknowledges k2 alone
    Vertx first = Vertx.vertx();
    try {
      String owner = deploy(first, new DocStoreVerticle(), a);
      deploy(first, new DocStoreVerticle(), b);
      Conditions.await(20_000, () -> standbyInSync(first), () -> "roles " + ServiceRoles.all(first));
      set(first, "k1", 1);
      await(first.undeploy(owner));
      Conditions.await(10_000, () -> roles(first).equals(List.of("OWNER")), () -> "roles " + ServiceRoles.all(first));
      set(first, "k2", 2);
    } finally {
      await(first.close()); // the whole cluster stops: its claims go with it
    }
    // the next life: A, whose copy is older, happens to start first and claims the store afresh
    Vertx second = Vertx.vertx();
    try {
      String older = deploy(second, new DocStoreVerticle(), a);
      deploy(second, new DocStoreVerticle(), b);
      Conditions.await(10_000, () -> refusesToFollow(second), () -> "roles " + ServiceRoles.all(second));
      // the older owner claims again, under a later epoch of its life: still not newer than B's data
      await(second.undeploy(older));
      deploy(second, new DocStoreVerticle(), a);
      Conditions.await(10_000, () -> roles(second).equals(List.of("OWNER", "STANDBY")),
          () -> "roles " + ServiceRoles.all(second));
      Conditions.holdsFor(3_000, () -> refusesToFollow(second), () -> "B followed: roles " + ServiceRoles.all(second));
    } finally {
      await(second.close());
    }
    // B's data was kept: started first, it serves every acknowledged write
    Vertx third = Vertx.vertx();
    try {
      deploy(third, new DocStoreVerticle(), b);
      JsonObject doc = await(third.eventBus().<JsonObject>request("d", new JsonObject().put("op", "get")
          .put("path", new io.vertx.core.json.JsonArray()))).body().getJsonObject("value");
      assertEquals(new JsonObject().put("k1", 1).put("k2", 2), doc);
    } finally {
      await(third.close());
    }
  }

  @Test
  void afterTheWholeClusterStoppedAnOwnerKeepsWhatItWroteAfterItsStandbyStoppedRatherThanFollowThatCopy()
      throws Exception {
    JsonObject a = new JsonObject().put("address", "d").put("backend", "rocksdb").put("dataDir", dir.resolve("a").toString());
    JsonObject b = a.copy().put("dataDir", dir.resolve("b").toString());
    // a cluster's life: A owns, B follows in sync and stops part-way through A's epoch, A acknowledges k2 alone
    Vertx first = Vertx.vertx();
    try {
      deploy(first, new DocStoreVerticle(), a);
      String standby = deploy(first, new DocStoreVerticle(), b);
      Conditions.await(20_000, () -> standbyInSync(first), () -> "roles " + ServiceRoles.all(first));
      set(first, "k1", 1);
      Conditions.await(5_000, () -> DataEpoch.STANDBY.equals(held(dir.resolve("b"))),
          () -> "B's data not recorded as in sync with A: " + held(dir.resolve("b")));
      await(first.undeploy(standby));
      set(first, "k2", 2);
    } finally {
      await(first.close()); // the whole cluster stops: its claims go with it
    }
    // the next life: B, whose copy of the same epoch lacks k2, happens to start first and claims afresh
    Vertx second = Vertx.vertx();
    try {
      deploy(second, new DocStoreVerticle(), b);
      deploy(second, new DocStoreVerticle(), a);
      Conditions.await(10_000, () -> refusesToFollow(second), () -> "roles " + ServiceRoles.all(second));
      assertTrue(ServiceRoles.all(second).stream().anyMatch(r -> r.getString("reason", "")
          .contains("the owner started from a standby's copy of that epoch")), ServiceRoles.all(second).toString());
    } finally {
      await(second.close());
    }
    // A's data was kept: started first, it serves every acknowledged write
    Vertx third = Vertx.vertx();
    try {
      deploy(third, new DocStoreVerticle(), a);
      JsonObject doc = await(third.eventBus().<JsonObject>request("d", new JsonObject().put("op", "get")
          .put("path", new io.vertx.core.json.JsonArray()))).body().getJsonObject("value");
      assertEquals(new JsonObject().put("k1", 1).put("k2", 2), doc);
    } finally {
      await(third.close());
    }
  }

  private static String held(Path data) {
    try {
      return DataEpoch.read(data).held();
    } catch (java.io.IOException e) {
      return e.toString();
    }
  }

  @Test
  void theGraphStoreFollowsItsOwnerToo(Vertx vertx) throws Exception {
    JsonObject a = new JsonObject().put("address", "g").put("backend", "rocksdb").put("dataDir", dir.resolve("a").toString());
    String owner = deploy(vertx, new GraphStoreVerticle(), a);
    deploy(vertx, new GraphStoreVerticle(), a.copy().put("dataDir", dir.resolve("b").toString()));
    Conditions.await(20_000, () -> standbyInSync(vertx), () -> "roles " + ServiceRoles.all(vertx));
    for (int i = 0; i < 10; i++) {
      await(vertx.eventBus().<JsonObject>request("g", new JsonObject().put("op", "addNode")
          .put("data", new JsonObject().put("n", i))));
    }
    await(vertx.undeploy(owner));
    Conditions.await(10_000, () -> roles(vertx).equals(List.of("OWNER")), () -> "roles " + ServiceRoles.all(vertx));
    JsonObject count = await(vertx.eventBus().<JsonObject>request("g", new JsonObject().put("op", "query")
        .put("steps", new io.vertx.core.json.JsonArray("[[\"V\"], [\"count\"]]")))).body();
    assertEquals(10, count.getInteger("result"), "the ten nodes came over: " + count.encode());
  }

  @Test
  void deploymentsOnOneDirectoryAgreeOnItsDataId() throws Exception {
    Path d = dir.resolve("shared");
    var pool = java.util.concurrent.Executors.newFixedThreadPool(8);
    try {
      List<java.util.concurrent.Future<String>> ids = new java.util.ArrayList<>();
      for (int i = 0; i < 8; i++) {
        ids.add(pool.submit(() -> StoreOwnership.readOrMakeDataId(d)));
      }
      java.util.Set<String> distinct = new java.util.HashSet<>();
      for (var f : ids) {
        distinct.add(f.get(10, TimeUnit.SECONDS));
      }
      assertEquals(1, distinct.size(), "one id: " + distinct);
      try (var files = Files.list(d)) {
        assertEquals(List.of(StoreOwnership.DATA_ID_FILE), files.map(f -> f.getFileName().toString()).toList(),
            "no temporary file left behind");
      }
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void badReplicationRequestsAreRefusedWithA400(Vertx vertx) throws Exception {
    deploy(vertx, new DocStoreVerticle(), new JsonObject().put("address", "d").put("backend", "rocksdb")
        .put("dataDir", dir.resolve("a").toString()));
    String source = "conduit.replica.d";
    for (JsonObject bad : List.of(new JsonObject(), new JsonObject().put("op", "attach").put("id", "x"),
        new JsonObject().put("op", "page").put("id", "x").put("after", "%%% not base64"),
        new JsonObject().put("op", "dance").put("id", "x"))) {
      ExecutionException e = org.junit.jupiter.api.Assertions.assertThrows(ExecutionException.class,
          () -> await(vertx.eventBus().request(source, bad)));
      io.vertx.core.eventbus.ReplyException r = (io.vertx.core.eventbus.ReplyException) e.getCause();
      assertEquals(400, r.failureCode(), bad.encode() + ": " + r.getMessage());
    }
    ExecutionException e = org.junit.jupiter.api.Assertions.assertThrows(ExecutionException.class,
        () -> await(vertx.eventBus().request(source, new JsonObject().put("op", "live").put("id", "nobody"))));
    assertEquals(404, ((io.vertx.core.eventbus.ReplyException) e.getCause()).failureCode());
    assertEquals(1, set(vertx, "k", 1), "the owner serves on");
  }
}
