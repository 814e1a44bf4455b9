package io.conduit.store.owner;

import io.conduit.codec.ErrorCode;
import io.conduit.store.engine.EngineException;
import io.conduit.store.engine.KeyValueEngine;
import io.conduit.store.engine.WriteBatch;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.List;

/**
 * A standby's side of replication: its own engine, emptied and filled with the owner's pages,
 * then kept equal to the owner's by applying every batch in order, each acknowledged once durable
 * here. Runs on the standby store's context; {@link #close} releases the engine before the store
 * opens it as the new owner.
 */
final class ReplicaSink {

  private static final long REQUEST_MS = 30_000;

  private final Vertx vertx;
  private final String address;
  private final String id;
  private final StoreOwnership.Store store;
  private final long ownerEpoch;
  private final BeforeWipe beforeWipe;
  private KeyValueEngine engine;
  private MessageConsumer<Buffer> inbox;
  private long expected = -1;
  private boolean live;
  /** The owner listed it in its claim as in sync when it went live. */
  private boolean listed;
  /** The owner answered that it no longer sends this standby its batches. */
  private boolean droppedByOwner;
  private boolean asking;
  private boolean broken;
  private boolean closed;

  /**
   * @param id         this standby's id (its data directory's id, which the claim lists when in sync)
   * @param store      opens this standby's engine, and hears of the copy and each batch applied
   * @param ownerEpoch the epoch of the owner it follows
   */
  ReplicaSink(Vertx vertx, String address, String id, StoreOwnership.Store store, long ownerEpoch) {
    this(vertx, address, id, store, ownerEpoch, () -> { });
  }

  /** @param beforeWipe runs (on a worker) once the engine is open, before its data is emptied for the copy */
  ReplicaSink(Vertx vertx, String address, String id, StoreOwnership.Store store, long ownerEpoch, BeforeWipe beforeWipe) {
    this.vertx = vertx;
    this.address = address;
    this.id = id;
    this.store = store;
    this.ownerEpoch = ownerEpoch;
    this.beforeWipe = beforeWipe;
  }

  /** What must happen before this standby's data is emptied (what it says of that data goes first). */
  interface BeforeWipe {
    void run() throws java.io.IOException;
  }

  long ownerEpoch() {
    return ownerEpoch;
  }

  /** Live: caught up and applying every batch. */
  boolean live() {
    return live && !broken;
  }

  /** A batch arrived out of order or could not be applied: attach again. */
  boolean broken() {
    return broken;
  }

  /**
   * Asks the owner whether it still sends this standby its batches. An owner lists the standbys it
   * waits for in its claim, so a listed one that the owner dropped sees it there; with
   * {@code ackReplicas} 0 it lists none, and a standby it dropped (a batch not acknowledged in
   * time) learns it here, as {@link #droppedByOwner}.
   */
  void askWhetherStillFollowed() {
    if (!live() || asking) {
      return;
    }
    asking = true;
    call(new JsonObject().put("op", "status").put("id", id)).onComplete(ar -> {
      asking = false;
      if (ReplicationSource.notAttached(ar.cause())) {
        droppedByOwner = true;
      }
    });
  }

  /** The owner said it no longer sends this standby anything: attach again. */
  boolean droppedByOwner() {
    return droppedByOwner;
  }

  /**
   * Whether the owner listed this standby as in sync when it went live: a standby so listed that
   * the owner's claim no longer lists was dropped by the owner (a batch it did not acknowledge in
   * time) and is sent nothing more, so it attaches again.
   */
  boolean listedWhenLive() {
    return listed;
  }

  /** Opens the engine, attaches, copies the owner's data and goes live; fails when any step does. */
  Future<Void> start() {
    String inboxAddress = ReplicationSource.sourceAddress(address) + ".standby." + id;
    return vertx.executeBlocking(store::openEngine).compose(e -> {
      engine = e;
      inbox = vertx.eventBus().consumer(inboxAddress, this::batch);
      return inbox.completion();
    }).compose(v -> call(new JsonObject().put("op", "attach").put("id", id).put("inbox", inboxAddress)))
        .compose(attached -> wipe().map(attached.getLong("seq")))
        .compose(seq -> copy(null).map(seq))
        .compose(seq -> vertx.executeBlocking(() -> {
          store.followed(engine);
          return seq;
        }))
        .map(seq -> {
          if (closed) {
            store.unfollowed(); // closed while the store built its copy: drop what it built
          }
          return seq;
        })
        .compose(seq -> {
          expected = seq + 1;
          return call(new JsonObject().put("op", "live").put("id", id));
        })
        .map(reply -> {
          live = true;
          listed = reply.getBoolean("inSync", false);
          return (Void) null;
        });
  }

  Future<Void> close() {
    closed = true;
    live = false;
    store.unfollowed();
    Future<Void> unregistered = inbox == null ? Future.succeededFuture() : inbox.unregister();
    KeyValueEngine e = engine;
    engine = null;
    return unregistered.eventually(() -> e == null ? Future.succeededFuture() : vertx.executeBlocking(() -> {
      e.close();
      return null;
    })).mapEmpty();
  }

  private Future<JsonObject> call(JsonObject request) {
    return vertx.eventBus().<JsonObject>request(ReplicationSource.sourceAddress(address), request,
        new DeliveryOptions().setSendTimeout(REQUEST_MS)).map(Message::body);
  }

  /** Empties this standby's engine: what it held is replaced by the owner's pages. */
  private Future<Void> wipe() {
    return vertx.executeBlocking(() -> {
      beforeWipe.run();
      List<byte[]> keys = new ArrayList<>();
      engine.scan(null, null, (k, v) -> keys.add(k));
      for (int i = 0; i < keys.size(); i += 10_000) {
        WriteBatch b = new WriteBatch();
        keys.subList(i, Math.min(keys.size(), i + 10_000)).forEach(b::delete);
        engine.write(b).join();
      }
      return null;
    });
  }

  private Future<Void> copy(String after) {
    return call(new JsonObject().put("op", "page").put("id", id).put("after", after)).compose(page -> {
      JsonArray entries = page.getJsonArray("entries");
      WriteBatch b = new WriteBatch();
      for (Object o : entries) {
        JsonArray kv = (JsonArray) o;
        b.put(kv.getBinary(0), kv.getBinary(1));
      }
      Future<Void> written = b.isEmpty() ? Future.succeededFuture()
          : Future.fromCompletionStage(engine.write(b), vertx.getOrCreateContext());
      return written.compose(v -> page.getBoolean("more") ? copy(page.getString("last")) : Future.succeededFuture());
    });
  }

  private void batch(Message<Buffer> m) {
    Buffer frame = m.body();
    if (frame == null || frame.length() < 8) {
      m.fail(ErrorCode.BAD_REQUEST.status(), "a batch is an 8-byte number followed by the encoded batch");
      return;
    }
    long seq = frame.getLong(0);
    if (closed || expected < 0) {
      m.fail(ErrorCode.UNAVAILABLE.status(), "this standby is not ready for batches");
      return;
    }
    if (seq < expected) {
      m.reply(seq); // seen before
      return;
    }
    if (seq > expected || broken) {
      broken = true;
      m.fail(ErrorCode.CONFLICT.status(), "batch " + seq + " arrived, " + expected + " was next");
      return;
    }
    WriteBatch b;
    try {
      b = WriteBatch.decode(frame.getBytes(8, frame.length()));
    } catch (IllegalArgumentException e) {
      broken = true;
      m.fail(ErrorCode.BAD_REQUEST.status(), e.getMessage());
      return;
    }
    expected = seq + 1;
    // a fault of the engine's: not applied, as a failed write
    Future.fromCompletionStage(KeyValueEngine.attempt(() -> engine.write(b)), vertx.getOrCreateContext()).onComplete(ar -> {
      if (ar.succeeded()) {
        if (!closed) {
          store.replicated(b);
        }
        m.reply(seq);
      } else {
        broken = true;
        m.fail(ErrorCode.INTERNAL.status(), "applying batch " + seq + " failed: " + EngineException.reason(ar.cause()));
      }
    });
  }
}
