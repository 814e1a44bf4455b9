package io.conduit.store.doc;

import io.conduit.store.engine.BreakableEngine;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;

import static io.conduit.store.doc.StoreCalls.await;
import static io.conduit.store.doc.StoreCalls.call;
import static io.conduit.store.doc.StoreCalls.failure;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A write that cannot be made durable stops the store, so nobody reads data a restart would lose. */
@ExtendWith(VertxExtension.class)
class StorageFailureTest {

  @Test
  void aWriteThatCannotBeStoredFailsAndTheStoreRefusesEverythingAfter(Vertx vertx) throws Exception {
    BreakableEngine engine = new BreakableEngine();
    await(vertx.deployVerticle(new DocStoreVerticle(o -> engine), new DeploymentOptions().setConfig(
        new JsonObject().put("address", "sf").put("backend", "rocksdb"))));
    call(vertx, "sf", "{\"op\":\"set\",\"path\":[\"x\"],\"value\":1}");
    engine.broken.set(true);

    ReplyException write = failure(vertx, "sf", "{\"op\":\"set\",\"path\":[\"x\"],\"value\":2}");
    assertEquals(500, write.failureCode());
    assertTrue(write.getMessage().contains("could not be stored (no space left on device)"), write.getMessage());

    ReplyException read = failure(vertx, "sf", "{\"op\":\"get\",\"path\":[\"x\"]}");
    assertEquals(500, read.failureCode(), "the unstored value 2 must not be served");
    assertTrue(read.getMessage().contains("stopped serving"), read.getMessage());
  }

  /** An exception, or an Error such as a stack overflow, thrown on the way to the engine. */
  @ParameterizedTest
  @ValueSource(booleans = {false, true})
  void aWriteWhoseEngineThrowsIsAWriteThatWasNotStored(boolean anError, Vertx vertx) throws Exception {
    BreakableEngine engine = new BreakableEngine();
    String address = "sf2-" + anError;
    await(vertx.deployVerticle(new DocStoreVerticle(o -> engine), new DeploymentOptions().setConfig(
        new JsonObject().put("address", address).put("backend", "rocksdb"))));
    call(vertx, address, "{\"op\":\"set\",\"path\":[\"x\"],\"value\":1}");
    AtomicBoolean fault = anError ? engine.erring : engine.faulty;
    fault.set(true);

    ReplyException write = failure(vertx, address, "{\"op\":\"set\",\"path\":[\"x\"],\"value\":2}");
    assertEquals(500, write.failureCode());
    assertTrue(write.getMessage().contains("could not be stored (an engine fault"), write.getMessage());

    fault.set(false);
    ReplyException read = failure(vertx, address, "{\"op\":\"get\",\"path\":[\"x\"]}");
    assertEquals(500, read.failureCode(), "the unstored value 2 must not be served");
    assertTrue(read.getMessage().contains("stopped serving"), read.getMessage());
  }

  @Test
  void aWriteThatWaitedBehindTheLockWhileAnotherFailedIsRefusedNotApplied(Vertx vertx) throws Exception {
    BreakableEngine engine = new BreakableEngine();
    await(vertx.deployVerticle(new DocStoreVerticle(o -> engine), new DeploymentOptions().setConfig(
        new JsonObject().put("address", "sf3").put("backend", "rocksdb"))));
    String token = call(vertx, "sf3", "{\"op\":\"lock\",\"ttlMs\":500}").getString("token");
    // another client's write waits behind the lock
    var waiting = vertx.eventBus().request("sf3", new JsonObject("{\"op\":\"set\",\"path\":[\"y\"],\"value\":1,"
        + "\"timeoutMs\":10000}"));
    engine.broken.set(true);
    ReplyException write = failure(vertx, "sf3", "{\"op\":\"set\",\"path\":[\"x\"],\"value\":2,\"token\":\"" + token + "\"}");
    assertTrue(write.getMessage().contains("could not be stored"), write.getMessage());
    engine.broken.set(false); // the next write would be stored: it must not be made all the same
    // the holder cannot unlock a store that stopped; the lock's lease ends and the waiting write runs
    ReplyException refused = assertInstanceOf(ReplyException.class,
        assertThrows(ExecutionException.class, () -> await(waiting)).getCause());
    assertEquals(500, refused.failureCode());
    assertTrue(refused.getMessage().contains("stopped serving"), refused.getMessage());
  }
}
