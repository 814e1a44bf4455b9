package io.conduit.task;

import io.conduit.codec.ErrorCode;
import io.conduit.store.engine.BreakableEngine;
import io.conduit.store.engine.Durability;
import io.conduit.store.engine.Engines;
import io.conduit.store.engine.KeyValueEngine;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class EngineRecordMapTest {

  private final Vertx vertx = Vertx.vertx();

  @TempDir
  Path dir;

  @AfterEach
  void close() throws Exception {
    await(vertx.close());
  }

  private static <T> T await(Future<T> f) throws Exception {
    return f.toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  private RecordMap<JsonObject> open(KeyValueEngine engine, String prefix) throws Exception {
    return await(EngineRecordMap.open(vertx, engine, prefix, j -> j.toBuffer().getBytes(),
        b -> new JsonObject(Buffer.buffer(b)), JsonObject::copy, storage));
  }

  private final StorageState storage = new StorageState("q");

  @Test
  void compareAndSetSemanticsLikeASharedMap() throws Exception {
    try (KeyValueEngine engine = Engines.open("memory", dir, Durability.DEFAULT)) {
      RecordMap<JsonObject> map = open(engine, "r/");
      JsonObject a = new JsonObject().put("v", 1);
      assertNull(await(map.putIfAbsent("x", a)));
      assertEquals(a, await(map.putIfAbsent("x", new JsonObject().put("v", 2))), "the value already there");
      assertFalse(await(map.replaceIfPresent("x", new JsonObject().put("v", 9), new JsonObject().put("v", 3))));
      assertTrue(await(map.replaceIfPresent("x", a, new JsonObject().put("v", 3))));
      assertFalse(await(map.replaceIfPresent("missing", a, a)));
      JsonObject got = await(map.get("x"));
      got.put("v", 100);
      assertEquals(3, await(map.get("x")).getInteger("v"), "a value handed out is a copy");
      assertFalse(await(map.removeIfPresent("x", a)));
      assertTrue(await(map.removeIfPresent("x", new JsonObject().put("v", 3))));
      assertNull(await(map.get("x")));
      assertEquals(0, await(map.values()).size());
    }
  }

  @Test
  void entriesComeBackWhenTheEngineReopensAndPrefixesStayApart() throws Exception {
    Path data = dir.resolve("tasks");
    try (KeyValueEngine engine = Engines.open("rocksdb", data, Durability.always())) {
      RecordMap<JsonObject> records = open(engine, "r/");
      RecordMap<JsonObject> other = open(engine, "k/");
      await(records.put("t1", new JsonObject().put("state", "PENDING")));
      await(records.put("t2", new JsonObject().put("state", "SUCCESS").put("result", 7)));
      await(records.put("t3", new JsonObject()));
      assertTrue(await(records.removeIfPresent("t3", new JsonObject())));
      assertTrue(await(records.replaceIfPresent("t1", new JsonObject().put("state", "PENDING"),
          new JsonObject().put("state", "STARTED"))));
      await(other.put("key", new JsonObject().put("id", "t1")));
    }
    try (KeyValueEngine engine = Engines.open("rocksdb", data, Durability.always())) {
      RecordMap<JsonObject> records = open(engine, "r/");
      assertEquals(new JsonObject().put("state", "STARTED"), await(records.get("t1")));
      assertEquals(7, await(records.get("t2")).getInteger("result"));
      assertNull(await(records.get("t3")), "a removed entry stays removed");
      assertEquals(2, await(records.values()).size(), "only this prefix's entries");
      assertEquals("t1", await(open(engine, "k/").get("key")).getString("id"));
    }
  }

  @Test
  void storageSettingsAreCheckedAtTheEdge() {
    JsonObject config = new JsonObject().put("backend", "rocksdb").put("dataDir", dir.toString())
        .put("params", new JsonObject().put("durability", "none").put("cache.mb", 64));
    TaskQueueOptions.Storage storage = TaskQueueOptions.fromJson(config).storage();
    assertEquals("rocksdb", storage.backend());
    assertEquals(Durability.none(), storage.durability());
    assertNull(TaskQueueOptions.fromJson(new JsonObject()).storage(), "no backend: records in memory");
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> TaskQueueOptions.fromJson(new JsonObject().put("backend", "lmdb")));
    assertTrue(e.getMessage().contains("backend must be one of"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class,
        () -> TaskQueueOptions.fromJson(new JsonObject().put("backend", "memory").put("durability", "sometimes")));
    assertTrue(e.getMessage().startsWith("task queue: "), e.getMessage());
  }

  @Test
  void aChangeThatCannotBeStoredStopsTheMapAndEveryLaterCallIsRefused() throws Exception {
    // a failed write, an exception thrown on the way to the engine, an Error thrown there
    for (int fault = 0; fault < 3; fault++) {
      BreakableEngine engine = new BreakableEngine();
      StorageState state = new StorageState("q");
      RecordMap<JsonObject> map = await(EngineRecordMap.open(vertx, engine, "r/", j -> j.toBuffer().getBytes(),
          b -> new JsonObject(Buffer.buffer(b)), JsonObject::copy, state));
      await(map.put("t1", new JsonObject().put("state", "PENDING")));
      engine.broken.set(fault == 0);
      engine.faulty.set(fault == 1);
      engine.erring.set(fault == 2);
      ExecutionException failed = assertThrows(ExecutionException.class,
          () -> await(map.put("t2", new JsonObject().put("state", "PENDING"))));
      String said = fault == 0 ? "no space left" : fault == 1 ? "an engine fault" : "java.lang.StackOverflowError";
      assertTrue(String.valueOf(failed.getCause()).contains(said), String.valueOf(failed.getCause()));
      engine.broken.set(false);
      engine.faulty.set(false);
      engine.erring.set(false);
      // t2 is in memory but not stored: nothing may be served from here on
      for (Future<?> call : List.of(map.get("t2"), map.get("t1"), map.values(),
          map.put("t3", new JsonObject()))) {
        ExecutionException refused = assertThrows(ExecutionException.class,
            () -> await(call));
        TaskException e = assertInstanceOf(TaskException.class, refused.getCause());
        assertEquals(ErrorCode.INTERNAL, e.code());
        assertTrue(e.getMessage().contains("task queue 'q' stopped serving"), e.getMessage());
      }
      assertTrue(state.failure().contains("could not be stored (" + said), state.failure());
    }
  }
}
