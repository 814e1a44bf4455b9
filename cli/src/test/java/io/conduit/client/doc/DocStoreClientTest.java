package io.conduit.client.doc;

import io.conduit.bridge.ZmqBridgeVerticle;
import io.conduit.client.ConduitClient;
import io.conduit.cluster.TestClusters;
import io.conduit.codec.ErrorCode;
import io.conduit.store.doc.DocStoreVerticle;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The typed document-store client, as an application sees it: every scenario runs twice, against
 * a store reached over the event bus and the same kind of store reached through the ZeroMQ bridge,
 * and must come out the same.
 */
@ExtendWith(VertxExtension.class)
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class DocStoreClientTest {

  private static final Duration LEASE = Duration.ofSeconds(10);
  private static final AtomicInteger STORES = new AtomicInteger();

  private static Vertx vertx;
  private static ConduitClient client;

  /** How a scenario reaches its store. */
  enum Transport {
    EVENT_BUS {
      DocStore over(String address) {
        return DocStore.overEventBus(vertx, address);
      }
    },
    BRIDGE {
      DocStore over(String address) {
        return DocStore.overBridge(client, address);
      }
    };

    abstract DocStore over(String address);
  }

  /** A scenario that runs once over each {@link Transport}. */
  @Retention(RetentionPolicy.RUNTIME)
  @Target(ElementType.METHOD)
  @ParameterizedTest(name = "over the {0}")
  @EnumSource(Transport.class)
  @interface OverBothTransports {
  }

  @BeforeAll
  static void startBridge(Vertx shared) throws Exception {
    vertx = shared;
    String endpoint = "tcp://127.0.0.1:" + TestClusters.freePort();
    await(vertx.deployVerticle(new ZmqBridgeVerticle(), new DeploymentOptions().setConfig(
        new JsonObject().put("endpoint", endpoint).putNull("eventsEndpoint"))).toCompletionStage());
    client = ConduitClient.connect(endpoint);
  }

  @AfterAll
  static void closeClient() {
    if (client != null) {
      client.close();
    }
  }

  /** A new, empty in-memory store at an address of its own, reached over {@code transport}. */
  private static DocStore newStore(Transport transport) throws Exception {
    String address = "docs-" + STORES.incrementAndGet();
    await(vertx.deployVerticle(new DocStoreVerticle(), new DeploymentOptions().setConfig(
        new JsonObject().put("address", address).put("backend", "memory"))).toCompletionStage());
    return transport.over(address);
  }

  private static <T> T await(CompletionStage<T> stage) throws Exception {
    try {
      return stage.toCompletableFuture().get(10, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      throw e.getCause() instanceof Exception cause ? cause : e;
    }
  }

  /** The failure of a request, which must be a DocStoreException. */
  private static DocStoreException fails(CompletionStage<?> stage) {
    ExecutionException e = assertThrows(ExecutionException.class,
        () -> stage.toCompletableFuture().get(10, TimeUnit.SECONDS));
    return assertInstanceOf(DocStoreException.class, e.getCause());
  }

  private static long number(Object value) {
    return ((Number) value).longValue();
  }

  private static JsonObject json(String singleQuoted) {
    return new JsonObject(singleQuoted.replace('\'', '"'));
  }

  // ---- reads and writes

  @OverBothTransports
  void setStoresAValueThatGetReadsBackAndEachWriteIsTheNextVersion(Transport transport) throws Exception {
    DocStore docs = newStore(transport);
    assertEquals(1L, await(docs.set(json("{'name': 'Ann'}"), "u1")));
    assertEquals(2L, await(docs.set(7, "n")));
    assertEquals("Ann", await(docs.get("u1", "name")));
    assertEquals(json("{'name': 'Ann'}"), await(docs.get("u1")));
    assertEquals(json("{'u1': {'name': 'Ann'}, 'n': 7}"), await(docs.get()));
  }

  @OverBothTransports
  void keysLenAndContainsDescribeTheValueAtAPath(Transport transport) throws Exception {
    DocStore docs = newStore(transport);
    await(docs.set(json("{'b': 1, 'a': 2}"), "o"));
    await(docs.set(new JsonArray("[1, 2, 3]"), "l"));
    assertEquals(List.of("b", "a"), await(docs.keys("o")));
    assertEquals(List.of("o", "l"), await(docs.keys()));
    assertEquals(3L, await(docs.len("l")));
    assertEquals(true, await(docs.contains(2, "l")));
    assertEquals(true, await(docs.contains("a", "o")));
    assertEquals(false, await(docs.contains("zz", "o")));
  }

  @OverBothTransports
  void scanPagesThroughAListUntilThereIsNoNextCursor(Transport transport) throws Exception {
    DocStore docs = newStore(transport);
    await(docs.set(new JsonArray("[1, 2, 3, 4, 5]"), "l"));
    List<Object> seen = new ArrayList<>();
    int pages = 0;
    ScanRequest request = ScanRequest.of("l").withLimit(2);
    Page page;
    do {
      page = await(docs.scan(request));
      page.items().forEach(item -> seen.add(number(item)));
      pages++;
      request = request.withCursor(page.next());
    } while (page.hasNext());
    assertEquals(List.of(1L, 2L, 3L, 4L, 5L), seen);
    assertEquals(3, pages);
  }

  @OverBothTransports
  void scanOfAnObjectAnswersKeyValueEntriesInOrder(Transport transport) throws Exception {
    DocStore docs = newStore(transport);
    await(docs.set(json("{'b': {'x': 1}, 'a': 2}"), "o"));
    Page page = await(docs.scan(ScanRequest.of("o")));
    assertEquals(List.of(json("{'key': 'b', 'value': {'x': 1}}"), json("{'key': 'a', 'value': 2}")), page.items());
    assertNull(page.next());
  }

  @OverBothTransports
  void appendInsertAndExtendChangeAList(Transport transport) throws Exception {
    DocStore docs = newStore(transport);
    await(docs.set(new JsonArray(), "l"));
    await(docs.append("b", "l"));
    await(docs.insert(0, "a", "l"));
    assertEquals(4L, await(docs.extend(List.of("c", json("{'d': true}")), "l")));
    assertEquals(new JsonArray("[\"a\", \"b\", \"c\", {\"d\": true}]"), await(docs.get("l")));
  }

  @OverBothTransports
  void popRemovesTheLastItemAndPopAtTheItemAtAnIndex(Transport transport) throws Exception {
    DocStore docs = newStore(transport);
    await(docs.set(new JsonArray("[\"a\", \"b\", \"c\"]"), "l"));
    assertEquals(new Written(2, "c"), await(docs.pop("l")));
    assertEquals(new Written(3, "a"), await(docs.popAt(0, "l")));
    assertEquals(new JsonArray("[\"b\"]"), await(docs.get("l")));
  }

  @OverBothTransports
  void incrCreatesOrAddsToANumberAndAnswersTheResult(Transport transport) throws Exception {
    DocStore docs = newStore(transport);
    assertEquals(5L, number(await(docs.incr(5, "n")).value()));
    Written after = await(docs.incr(-2, "n"));
    assertEquals(2L, after.version());
    assertEquals(3L, number(after.value()));
    assertEquals(3.5, ((Number) await(docs.incr(0.5, "n")).value()).doubleValue());
  }

  @OverBothTransports
  void updateSetDefaultDeleteAndClearEditAnObject(Transport transport) throws Exception {
    DocStore docs = newStore(transport);
    await(docs.set(json("{'a': 1}"), "o"));
    await(docs.update(json("{'b': 2, 'c': 3}"), "o"));
    assertEquals(1L, number(await(docs.setDefault("a", 9, "o")).value()), "an existing key stays");
    assertEquals("new", await(docs.setDefault("d", "new", "o")).value());
    await(docs.delete("o", "b"));
    assertEquals(json("{'a': 1, 'c': 3, 'd': 'new'}"), await(docs.get("o")));
    await(docs.clear("o"));
    assertEquals(new JsonObject(), await(docs.get("o")));
  }

  // ---- batch, undo, redo, save

  @OverBothTransports
  void aBatchAppliesEveryOpAsOneVersionAndOneUndoStep(Transport transport) throws Exception {
    DocStore docs = newStore(transport);
    Written batch = await(docs.batch(List.of(json("{'op': 'set', 'path': ['a'], 'value': 1}"),
        json("{'op': 'incr', 'path': ['n'], 'by': 4}"))));
    assertEquals(1L, batch.version());
    assertEquals(new JsonArray("[null, 4]"), batch.value());
    await(docs.undo());
    assertEquals(new JsonObject(), await(docs.get()));
  }

  @OverBothTransports
  void aBatchWithAFailingOpChangesNothingAndNamesTheOp(Transport transport) throws Exception {
    DocStore docs = newStore(transport);
    DocStoreException e = fails(docs.batch(List.of(json("{'op': 'set', 'path': ['a'], 'value': 1}"),
        json("{'op': 'delete', 'path': ['missing']}"))));
    assertEquals(404, e.status());
    assertTrue(e.getMessage().contains("batch op 1"), e.getMessage());
    assertEquals(new JsonObject(), await(docs.get()));
  }

  @OverBothTransports
  void undoAndRedoStepThroughTheWrites(Transport transport) throws Exception {
    DocStore docs = newStore(transport);
    await(docs.set(1, "x"));
    await(docs.set(2, "x"));
    assertEquals(3L, await(docs.undo()));
    assertEquals(1L, number(await(docs.get("x"))));
    assertEquals(4L, await(docs.redo()));
    assertEquals(2L, number(await(docs.get("x"))));
  }

  @OverBothTransports
  void nothingToUndoOrRedoIsAConflict(Transport transport) throws Exception {
    DocStore docs = newStore(transport);
    DocStoreException undo = fails(docs.undo());
    assertEquals(409, undo.status());
    assertEquals(ErrorCode.CONFLICT, undo.code());
    assertEquals(409, fails(docs.redo()).status());
  }

  @OverBothTransports
  void saveAnswersTheVersionTheDocumentIsAt(Transport transport) throws Exception {
    DocStore docs = newStore(transport);
    await(docs.set(1, "x"));
    assertEquals(1L, await(docs.save()));
  }

  // ---- locking

  @OverBothTransports
  void whileLockedOtherRequestsWaitAndProceedAfterUnlock(Transport transport) throws Exception {
    DocStore docs = newStore(transport);
    Lock lock = await(docs.lock(LEASE));
    CompletableFuture<Long> other = docs.set("other", "who").toCompletableFuture();
    assertEquals(1L, await(lock.store().set("holder", "who")));
    assertFalse(other.isDone(), "another client's write waits for the lock");
    assertEquals("holder", await(lock.store().get("who")));
    await(lock.unlock());
    assertEquals(2L, await(other));
    assertEquals("other", await(docs.get("who")));
  }

  @OverBothTransports
  void aRequestThatWaitsForTheLockPastItsTimeoutIsAConflictAndChangesNothing(Transport transport) throws Exception {
    DocStore docs = newStore(transport);
    Lock lock = await(docs.lock(LEASE));
    DocStoreException e = fails(docs.withTimeout(Duration.ofMillis(500)).set(1, "k"));
    assertEquals(409, e.status());
    assertTrue(e.getMessage().contains("stayed locked"), e.getMessage());
    assertEquals(404, fails(lock.store().get("k")).status());
  }

  @OverBothTransports
  void renewKeepsTheLockPastItsFirstLease(Transport transport) throws Exception {
    DocStore docs = newStore(transport);
    Lock lock = await(docs.lock(Duration.ofMillis(300)));
    await(lock.renew(LEASE));
    assertEquals(409, fails(docs.withTimeout(Duration.ofSeconds(1)).set(1, "k")).status(),
        "the lock outlived its first 300 ms lease");
  }

  @OverBothTransports
  void aTokenThatNoLongerHoldsTheLockIsAConflict(Transport transport) throws Exception {
    DocStore docs = newStore(transport);
    Lock lock = await(docs.lock(LEASE));
    await(lock.unlock());
    DocStoreException again = fails(lock.unlock());
    assertEquals(409, again.status());
    assertTrue(again.getMessage().contains("bad token"), again.getMessage());
    assertEquals(409, fails(lock.renew(LEASE)).status());
  }

  @OverBothTransports
  void withLockRunsTheWorkUnderTheLockAndThenUnlocks(Transport transport) throws Exception {
    DocStore docs = newStore(transport);
    await(docs.set(5, "stock"));
    long version = await(docs.withLock(LEASE, locked -> locked.get("stock")
        .thenCompose(stock -> locked.set(number(stock) - 1, "stock"))));
    assertEquals(2L, version);
    assertEquals(4L, number(await(docs.get("stock"))));
    assertEquals(3L, await(docs.withTimeout(Duration.ofSeconds(2)).set(0, "stock")), "the lock was released");
  }

  @OverBothTransports
  void withLockUnlocksWhenTheWorkFailsAndPassesTheFailureOn(Transport transport) throws Exception {
    DocStore docs = newStore(transport);
    DocStoreException e = fails(docs.withLock(LEASE, locked -> locked.get("missing")));
    assertEquals(404, e.status());
    assertEquals(1L, await(docs.withTimeout(Duration.ofSeconds(2)).set(1, "x")), "the lock was released");
  }

  // ---- blobs

  @OverBothTransports
  void aBlobRoundTripsAndTheDocumentHoldsItsReference(Transport transport) throws Exception {
    DocStore docs = newStore(transport);
    byte[] bytes = new byte[100_000];
    new Random(7).nextBytes(bytes);
    assertEquals(1L, await(docs.putBlob(bytes, "avatar")));
    assertArrayEquals(bytes, await(docs.getBlob("avatar")));
    JsonObject reference = (JsonObject) await(docs.get("avatar"));
    assertEquals(bytes.length, reference.getInteger("size"));
    assertEquals(2L, await(docs.deleteBlob("avatar")));
    assertEquals(404, fails(docs.getBlob("avatar")).status());
  }

  // ---- failures

  @OverBothTransports
  void aMissingPathIsNotFoundAndTheMessageNamesThePath(Transport transport) throws Exception {
    DocStore docs = newStore(transport);
    DocStoreException e = fails(docs.get("nope"));
    assertEquals(404, e.status());
    assertEquals(ErrorCode.NOT_FOUND, e.code());
    assertTrue(e.getMessage().contains("[\"nope\"]"), e.getMessage());
  }

  @OverBothTransports
  void aWrongTypeOrABadArgumentIsABadRequest(Transport transport) throws Exception {
    DocStore docs = newStore(transport);
    await(docs.set("text", "s"));
    DocStoreException e = fails(docs.incr(1, "s"));
    assertEquals(400, e.status());
    assertEquals(ErrorCode.BAD_REQUEST, e.code());
    assertEquals(400, fails(docs.keys("s")).status());
    assertEquals(400, fails(docs.scan(ScanRequest.of().withLimit(0))).status());
    assertEquals(400, fails(docs.lock(Duration.ZERO)).status());
  }

  @OverBothTransports
  void noStoreAtTheAddressIsUnavailable(Transport transport) throws Exception {
    DocStoreException e = fails(transport.over("no-store-here").get());
    assertEquals(503, e.status());
    assertEquals(ErrorCode.NO_HANDLERS, e.code());
  }

  @OverBothTransports
  void aPathStepThatIsNotAStringOrAnIntegerIsRefusedBeforeSending(Transport transport) {
    DocStore docs = transport.over("no-store-here"); // anything sent would fail later, not at the call
    assertThrows(IllegalArgumentException.class, () -> docs.get("a", 1.5));
    assertThrows(IllegalArgumentException.class, () -> docs.set(1, "a", null));
    assertThrows(IllegalArgumentException.class, () -> docs.keys(List.of("a")));
    assertThrows(IllegalArgumentException.class, () -> docs.get((Object[]) null));
    assertThrows(IllegalArgumentException.class, () -> ScanRequest.of(true));
  }

  @OverBothTransports
  void aValueThatIsNotJsonIsRefusedBeforeSending(Transport transport) {
    DocStore docs = transport.over("no-store-here");
    assertThrows(IllegalArgumentException.class, () -> docs.set(new Object(), "a"));
    assertThrows(IllegalArgumentException.class, () -> docs.extend(List.of(Instant.now()), "l"));
    assertThrows(IllegalArgumentException.class, () -> docs.update(new JsonObject().put("at", Instant.now()), "o"));
  }
}
