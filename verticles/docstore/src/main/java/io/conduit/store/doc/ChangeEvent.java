package io.conduit.store.doc;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.MessageCodec;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/**
 * A write's change event, {@code {"version", "kind", "op", "path", "value", "record"}}, made into
 * JSON only when a consumer takes it.
 *
 * <p>A store publishes one per write, and often nobody listens: building the JSON and publishing it
 * was about 4 % of the event loop's time per {@code set} under 16 clients, and cost a RocksDB store
 * 1–8 % of its {@code set}s per second. Vert.x gives each local consumer its own copy through the
 * codec's {@link Codec#transform}, during the publish; with no consumer it never calls it. So on a
 * standalone node, where every consumer is in this JVM, the store publishes this and the JSON is
 * built per consumer, as the JSON codec's copy was. A clustered node publishes the JSON itself
 * ({@link #toJson}), since a consumer on another node decodes what was sent with the codec it has.
 *
 * @param record the write's log record ({@code {"v", "kind", "op"}}); never changed once made
 * @param result what the write did: its value stands in for the op's when the op has none
 */
record ChangeEvent(JsonObject record, Result result) {

  static final Codec CODEC = new Codec();
  /** The Vert.x instance's local map that says the codec is registered on its event bus. */
  private static final String REGISTERED = "conduit.codecs";

  /** The event as consumers get it. It shares the record and the value; a consumer's copy is {@code toJson().copy()}. */
  JsonObject toJson() {
    JsonObject op = record.getJsonObject("op");
    Object path = op.getValue("path"); // a batch has none
    return new JsonObject().put("version", record.getLong("v")).put("kind", record.getString("kind"))
        .put("op", op.getString("op")).put("path", path != null ? path : new JsonArray())
        .put("value", op.getValue("value", result.value())).put("record", record);
  }

  /**
   * Lets {@code vertx}'s event bus carry these: once per Vert.x instance, however many stores it
   * runs. Throws when the bus refuses (another codec already has this class or this name).
   */
  static void registerOn(Vertx vertx) {
    vertx.sharedData().<String, Boolean>getLocalMap(REGISTERED).computeIfAbsent(CODEC.name(), name -> {
      vertx.eventBus().registerDefaultCodec(ChangeEvent.class, CODEC);
      return Boolean.TRUE;
    });
  }

  /**
   * Carries a {@link ChangeEvent} as the JSON object it stands for: a local consumer gets a deep
   * copy, made when it is delivered (what Vert.x's JSON codec gives it). Between nodes (both must
   * have the codec, which the store does not rely on: a clustered node publishes JSON) it carries
   * the JSON's bytes, and the receiver gets a JSON object.
   */
  static final class Codec implements MessageCodec<ChangeEvent, JsonObject> {

    @Override
    public void encodeToWire(Buffer buffer, ChangeEvent event) {
      Buffer encoded = event.toJson().toBuffer();
      buffer.appendInt(encoded.length()).appendBuffer(encoded);
    }

    @Override
    public JsonObject decodeFromWire(int pos, Buffer buffer) {
      int length = buffer.getInt(pos);
      return new JsonObject(buffer.slice(pos + 4, pos + 4 + length));
    }

    @Override
    public JsonObject transform(ChangeEvent event) {
      return event.toJson().copy(); // the consumer's own: it shares nothing with the store's record or document
    }

    @Override
    public String name() {
      return "conduit-doc-change";
    }

    @Override
    public byte systemCodecID() {
      return -1;
    }
  }
}
