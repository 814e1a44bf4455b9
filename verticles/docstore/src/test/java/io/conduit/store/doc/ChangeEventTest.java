package io.conduit.store.doc;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A change event is the JSON consumers always got, each consumer's a copy of its own, carried on
 * the wire as a JSON object, and built only for a consumer.
 */
@ExtendWith(VertxExtension.class)
class ChangeEventTest {

  private static final JsonObject RECORD = new JsonObject(
      "{\"v\":7,\"kind\":\"write\",\"op\":{\"op\":\"set\",\"path\":[\"a\",0],\"value\":{\"n\":1}}}");

  private static JsonObject expected() {
    return new JsonObject().put("version", 7L).put("kind", "write").put("op", "set")
        .put("path", new JsonArray().add("a").add(0)).put("value", new JsonObject().put("n", 1)).put("record", RECORD);
  }

  @Test
  void itIsTheJsonConsumersAlwaysGot() {
    JsonObject json = new ChangeEvent(RECORD, new Result(new JsonObject().put("n", 1), null)).toJson();
    assertEquals(expected(), json);
    assertEquals(List.of("version", "kind", "op", "path", "value", "record"), List.copyOf(json.fieldNames()));
    // an op without a path or a value (a batch, an incr): an empty path, the write's value
    JsonObject batch = new JsonObject("{\"v\":8,\"kind\":\"write\",\"op\":{\"op\":\"incr\"}}");
    JsonObject event = new ChangeEvent(batch, new Result(5, null)).toJson();
    assertEquals(new JsonArray(), event.getJsonArray("path"));
    assertEquals(5, event.getInteger("value"));
  }

  @Test
  void eachConsumerGetsACopyOfItsOwn(Vertx vertx) throws Exception {
    ChangeEvent.registerOn(vertx);
    ChangeEvent.registerOn(vertx); // a second store on the same Vert.x
    CompletableFuture<JsonObject> first = new CompletableFuture<>();
    CompletableFuture<JsonObject> second = new CompletableFuture<>();
    vertx.eventBus().<JsonObject>consumer("t.changes", m -> first.complete(m.body())).completion()
        .compose(v -> vertx.eventBus().<JsonObject>consumer("t.changes", m -> second.complete(m.body())).completion())
        .toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    JsonObject record = RECORD.copy();
    vertx.eventBus().publish("t.changes", new ChangeEvent(record, new Result(null, null)));
    JsonObject a = first.get(10, TimeUnit.SECONDS);
    JsonObject b = second.get(10, TimeUnit.SECONDS);
    assertEquals(expected(), a);
    assertEquals(expected(), b);
    assertEquals(List.copyOf(expected().fieldNames()), List.copyOf(a.fieldNames()), "in the same order");
    assertNotSame(a, b);
    a.getJsonObject("record").put("v", 99);
    a.getJsonObject("value").put("n", 2);
    assertEquals(RECORD, record, "a consumer changing its event changes nothing of the store's");
    assertEquals(expected(), b, "nor another consumer's");
  }

  @Test
  void nothingIsBuiltWhenNobodyListens(Vertx vertx) {
    ChangeEvent.registerOn(vertx);
    // a record whose event cannot be built: publishing it must not try
    ChangeEvent unbuildable = new ChangeEvent(new JsonObject().put("v", 1).put("kind", "write").put("op", "x"),
        new Result(null, null));
    assertThrows(ClassCastException.class, unbuildable::toJson);
    vertx.eventBus().publish("nobody.changes", unbuildable);
  }

  @Test
  void aCodecOfSomeoneElsesUnderItsNameIsRefused(Vertx vertx) {
    vertx.eventBus().registerCodec(new ChangeEvent.Codec());
    IllegalStateException refused = assertThrows(IllegalStateException.class, () -> ChangeEvent.registerOn(vertx));
    assertTrue(refused.getMessage().contains(ChangeEvent.CODEC.name()), refused.getMessage());
  }

  @Test
  void theWireCarriesItAsAJsonObject() {
    ChangeEvent event = new ChangeEvent(RECORD, new Result(null, null));
    Buffer wire = Buffer.buffer().appendString("head");
    ChangeEvent.CODEC.encodeToWire(wire, event);
    assertEquals(expected(), ChangeEvent.CODEC.decodeFromWire(4, wire));
  }
}
