package io.conduit.store.doc;

import io.conduit.codec.ErrorCode;
import io.conduit.codec.RequestHeaders;
import io.conduit.node.Components;
import io.conduit.node.Stateful;
import io.conduit.store.StoreHealth;
import io.conduit.store.engine.EngineException;
import io.conduit.store.engine.EngineMeters;
import io.conduit.store.engine.Engines;
import io.conduit.store.engine.KeyValueEngine;
import io.conduit.store.engine.WriteBatch;
import io.conduit.store.owner.StoreOwnership;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.lang.System.Logger.Level;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * The document store (pyzdb done properly): one JSON document at an address, with path ops,
 * atomic batches, bounded undo/redo, a lock with a lease, blobs, a change stream on
 * {@code address + ".changes"}, and, on the rocksdb backend, writes acknowledged only once durable.
 * Requests are JSON objects with an {@code op}; see {@link DocTree} for the document ops. Config:
 * {@link DocStoreOptions}. Deploy one instance per store.
 */
public class DocStoreVerticle extends VerticleBase implements StoreHealth, Stateful {

  public DocStoreVerticle() {
    this(o -> Engines.open(o.backend(), o.dataDir(), o.durability()));
  }

  /** With the engine supplied by {@code engines} (tests inject failures this way). */
  DocStoreVerticle(Function<DocStoreOptions, KeyValueEngine> engines) {
    this.engines = engines;
  }


  private static final System.Logger LOG = System.getLogger(DocStoreVerticle.class.getName());
  /** Request fields meant for the store's envelope, not the op (an array: looked through per request without an iterator). */
  private static final String[] ENVELOPE = {"token", "timeoutMs", "minVersion"};

  private DocStoreOptions options;
  /** Where each applied write is published: {@code address + ".changes"}. */
  private String changesAddress;
  /** Standalone: change events are published unbuilt ({@link ChangeEvent}); clustered: as JSON. */
  private boolean changesBuiltOnDelivery;
  private final Function<DocStoreOptions, KeyValueEngine> engines;
  private KeyValueEngine engine;
  /** Set when a write could not be made durable: memory and disk disagree, so the store stops serving. */
  private String storageFailure;
  /** The first version whose write was not stored (Long.MAX_VALUE: none): no later one is acknowledged. */
  private long firstUnstored = Long.MAX_VALUE;
  private DocJournal journal;
  private JournalTurn turn;
  private Snapshots snapshots;
  private DocState state;
  private LockGate gate;
  private StoreOwnership.Serving serving;
  private StoreOwnership ownership;
  private volatile EngineMeters engineMeters;
  private final String componentId = "store-" + java.util.UUID.randomUUID();
  private String standbyReads;
  /** Brings write acknowledgements from the engine's thread back to this store's loop. */
  private ContextHop acknowledged;

  @Override
  public Future<?> start() {
    acknowledged = new ContextHop(context);
    try {
      options = DocStoreOptions.fromJson(config());
      changesAddress = options.address() + ".changes";
      changesBuiltOnDelivery = !vertx.isClustered();
      if (changesBuiltOnDelivery) {
        ChangeEvent.registerOn(vertx);
      }
    } catch (IllegalArgumentException | IllegalStateException e) {
      return Future.failedFuture(e); // a bad config; a codec of someone else's under the change event's name
    }
    boolean persistent = !options.backend().equals("memory");
    ownership = new StoreOwnership(vertx, "document store", options.address(), persistent ? options.dataDir() : null,
        options.ackReplicas(), new StoreOwnership.Store() {
          @Override
          public Future<Void> serve() {
            return open(persistent);
          }

          @Override
          public Future<Void> close() {
            return closeData();
          }

          @Override
          public KeyValueEngine openEngine() {
            return engines.apply(options);
          }

          @Override
          public Future<Void> standingBy() {
            return serveReadsAsStandby();
          }

          @Override
          public Future<Void> notStandingBy() {
            return stopReadsAsStandby();
          }
        });
    Components.register(vertx, componentId, this); // the health checks find it, starting or serving
    return ownership.start().onFailure(e -> Components.unregister(vertx, componentId));
  }

  /**
   * A standby answers reads of the owner's document at {@code address + ".ro"}, with
   * {@code minVersion} for reading one's own writes: a {@link DocReplicaVerticle} following the
   * owner's change stream, for as long as this deployment stands by.
   */
  private Future<Void> serveReadsAsStandby() {
    return vertx.deployVerticle(new DocReplicaVerticle(), new DeploymentOptions()
            .setConfig(new JsonObject().put("primary", options.address())))
        .onSuccess(id -> standbyReads = id).mapEmpty();
  }

  private Future<Void> stopReadsAsStandby() {
    String id = standbyReads;
    standbyReads = null;
    return id == null ? Future.succeededFuture() : vertx.undeploy(id).otherwiseEmpty();
  }

  /** Opens the data (recovering it) and registers the consumer: this deployment is the owner. */
  private Future<Void> open(boolean persistent) {
    storageFailure = null;
    firstUnstored = Long.MAX_VALUE;
    return vertx.executeBlocking(() -> {
      engine = ownership.owned(engines.apply(options));
      engineMeters = new EngineMeters(options.address(), engine);
      if (!persistent) {
        return DocState.empty(options.historySize());
      }
      journal = new DocJournal(engine);
      DocJournal.Recovered recovered = journal.recover(options.historySize());
      LOG.log(Level.INFO, "document store '" + options.address() + "': " + engine.describe() + "; recovered version "
          + recovered.state().version + " replaying " + recovered.replayed() + " log records in " + recovered.millis() + " ms");
      DocJournal.Dropped dropped = recovered.dropped();
      if (dropped != null) {
        LOG.log(Level.WARNING, "document store '" + options.address() + "': the log has no record of version "
            + dropped.missing() + ", a write that could not be stored before the store stopped; the " + dropped.count()
            + " record" + (dropped.count() == 1 ? "" : "s") + " after it (versions " + dropped.first() + " to "
            + dropped.last() + ") cannot be replayed without it and were set aside in the data folder (keys 0x04...): "
            + "the store acknowledged none of them");
      }
      // Copying the document for the snapshot thread is O(n): done here, off the event loop.
      snapshots = new Snapshots(journal, recovered.state(), recovered.snapshotVersion(), options.historySize(),
          options.snapshotEvery(), options.address());
      turn = new JournalTurn(context, journal, snapshots::applied, acknowledged);
      return recovered.state();
    }).compose(recovered -> {
      state = recovered;
      gate = new LockGate(vertx, this::run, w -> waitMs(w.message(), w.request()),
          () -> serving != null && ownership.leaseValid());
      serving = ownership.serve(this::receive);
      return serving.completion();
    });
  }

  @Override
  public Future<?> stop() {
    Components.unregister(vertx, componentId);
    return ownership == null ? Future.succeededFuture() : ownership.stop();
  }

  /** Unregisters, saves a snapshot and closes the data (stopping, or no longer the owner). */
  private Future<Void> closeData() {
    StoreOwnership.Serving c = serving;
    serving = null;
    if (gate != null) {
      gate.close("document store '" + options.address() + "' stopped serving here while this request waited for "
          + "its lock; nothing was changed; retry");
    }
    Future<Void> unregistered = c == null ? Future.succeededFuture() : c.unregister();
    Snapshots s = snapshots;
    KeyValueEngine e = engine;
    snapshots = null;
    engine = null;
    if (engineMeters != null) {
      engineMeters.close();
      engineMeters = null;
    }
    // after a write that was not stored, memory (and the snapshot thread's copy) may hold it: no
    // snapshot of that (the snapshot thread also refuses, should a failure come during the stop)
    return unregistered.compose(v -> s == null || firstUnstored != Long.MAX_VALUE ? Future.succeededFuture()
            : Future.fromCompletionStage(s.save(), context).<Void>mapEmpty())
        .eventually(() -> vertx.executeBlocking(() -> {
          if (s != null) {
            s.close();
          }
          if (e != null) {
            e.close();
          }
          return null;
        })).mapEmpty();
  }

  /**
   * Why this store does not serve, or null while it does: not started, its engine closed, or a
   * write that could not be made durable (the health check asks).
   */
  @Override
  public String storageFailure() {
    if (ownership != null && ownership.role() == StoreOwnership.Role.STANDBY) {
      // a standby serves nothing by design (ownership() says why), unless it gave the store up after a fault
      return ownership.failure();
    }
    String failure = storageFailure;
    if (failure != null) {
      return failure;
    }
    return state == null ? "document store not started" : null;
  }

  @Override
  public StoreOwnership ownership() {
    return ownership;
  }

  private void receive(Message<Object> message) {
    if (storageFailure != null) {
      message.fail(ErrorCode.INTERNAL.status(), storageFailure);
      return;
    }
    Object body = message.body();
    JsonObject request;
    Object op;
    if (body instanceof Buffer && "putBlob".equals(message.headers().get("op"))) {
      request = new JsonObject().put("op", "putBlob").put("path", message.headers().get("path"))
          .put("token", message.headers().get("token"));
      op = "putBlob";
    } else if (body instanceof JsonObject json && (op = json.getValue("op")) instanceof String) {
      request = json;
    } else {
      message.fail(ErrorCode.BAD_REQUEST.status(), "a document store request is a JSON object with an \"op\" field, "
          + "e.g. {\"op\": \"get\", \"path\": [\"x\"]}; blobs: a binary body with headers op=putBlob and path=[...]");
      return;
    }
    if ("snapshot".equals(op)) {
      // A replica's snapshot is a pure read of the snapshot thread's copy: no lock to wait for.
      snapshot(message);
      return;
    }
    gate.submit(new LockGate.Waiting(message, request));
  }

  /** How long the request may wait for the lock: its own timeout (less a margin) or the store's default. */
  private long waitMs(Message<Object> message, JsonObject request) {
    long wait = options.lockWaitMs();
    Object own = request.getValue("timeoutMs", message.headers().get(RequestHeaders.TIMEOUT_MS));
    try {
      if (own != null) {
        wait = RequestHeaders.waitWithin(Long.parseLong(String.valueOf(own)));
      }
    } catch (NumberFormatException e) {
      // a malformed timeout is reported by the op's own validation when it matters; keep the default
    }
    return wait;
  }

  private void run(LockGate.Waiting w) {
    Message<Object> message = w.message();
    JsonObject request = w.request();
    String op = request.getString("op");
    if (storageFailure != null) {
      // it waited behind the lock while a write failed: nothing more may change or be read
      message.fail(ErrorCode.INTERNAL.status(), storageFailure);
      return;
    }
    try {
      switch (op) {
        case "lock" -> lock(message, request);
        case "unlock" -> unlock(message, request);
        case "renew" -> renew(message, request);
        case "undo" -> commit(message, state.undo(), "nothing to undo");
        case "redo" -> commit(message, state.redo(), "nothing to redo");
        case "save" -> save(message);
        case "snapshot" -> snapshot(message);
        case "putBlob" -> putBlob(message, request);
        case "getBlob" -> getBlob(message, request);
        case "deleteBlob" -> deleteBlob(message, request);
        default -> {
          JsonObject docRequest = withoutEnvelope(request);
          if (ReadReplies.OPS.contains(op)) {
            message.reply(ReadReplies.of(op, state.tree.apply(docRequest).value()));
          } else {
            commit(message, state.write(docRequest), null);
          }
        }
      }
    } catch (DocException e) {
      message.fail(e.code().status(), e.getMessage());
    } catch (RuntimeException e) {
      // a fault of the store's own: the request is answered (its sender, its receipt, do not wait
      // for nothing) and the store serves on
      LOG.log(Level.ERROR, "document store '" + options.address() + "': a fault handling '" + op + "'", e);
      message.fail(ErrorCode.INTERNAL.status(), "internal error in document store '" + options.address() + "': " + e);
    }
  }

  /** Logs a write (durably, on a persistent backend), then replies and publishes the change. */
  private void commit(Message<Object> message, DocState.Applied applied, String nothingMessage) {
    commit(message, applied, nothingMessage, new WriteBatch());
  }

  private void commit(Message<Object> message, DocState.Applied applied, String nothingMessage, WriteBatch with) {
    if (applied == null) {
      message.fail(ErrorCode.CONFLICT.status(), nothingMessage);
      return;
    }
    JsonObject record = applied.record();
    JsonObject reply = new JsonObject().put("version", record.getLong("v"));
    Object value = applied.result().value();
    // undo and redo answer their version only, as documented
    if ("write".equals(record.getString("kind"))
        && (value != null || Op.repliesWithValue(record.getJsonObject("op").getString("op")))) {
      reply.put("value", value);
    }
    Consumer<Throwable> outcome = failure -> stored(message, reply, record, applied.result(), failure);
    CompletableFuture<Void> durable;
    if (journal != null) {
      try {
        turn.append(applied, with, outcome);
        return;
      } catch (RuntimeException | Error e) {
        durable = CompletableFuture.failedFuture(e); // a record that cannot be encoded is a write that was not stored
      }
    } else {
      durable = with.isEmpty() ? CompletableFuture.completedFuture(null) : KeyValueEngine.attempt(() -> engine.write(with));
    }
    // a fault on the way to storage is a write that was not stored: the document in memory holds it all the same
    if (durable.isCompletedExceptionally() && (ownership == null || ownership.leaseValid())) {
      // known at once: stop now, so that no request after this one is applied over the missing write
      stopServing(record.getLong("v"), durable.handle((ok, failure) -> failure).join());
    }
    acknowledged.whenComplete(durable, (ok, failure) -> outcome.accept(failure));
  }

  /** The write's outcome, on the store's context: replies and publishes the change, or says why not. */
  private void stored(Message<Object> message, JsonObject reply, JsonObject record, Result result, Throwable failure) {
    long version = record.getLong("v");
    if (failure != null && ownership != null && !ownership.leaseValid()) {
      // it stopped being the owner with this write in flight: not a storage failure; its data
      // closes now, and the next owner's data decides whether the write is there
      unstored(version);
      message.fail(ErrorCode.UNAVAILABLE.status(), notAcknowledged(version));
      return;
    }
    if (failure != null) {
      stopServing(version, failure);
      message.fail(ErrorCode.INTERNAL.status(), storageFailure);
      return;
    }
    if (version > firstUnstored) {
      // stored, but after a write that was not: a restart replays the log up to the missing one
      // and keeps this aside, so it is not acknowledged (the writes before it are)
      message.fail(storageFailure != null ? ErrorCode.INTERNAL.status() : ErrorCode.UNAVAILABLE.status(),
          storageFailure != null ? storageFailure : notAcknowledged(version));
      return;
    }
    message.reply(reply);
    ChangeEvent change = new ChangeEvent(record, result);
    vertx.eventBus().publish(changesAddress, changesBuiltOnDelivery ? change : change.toJson());
  }

  /**
   * A write that could not be stored: the document in memory already holds it, and serving on
   * would show data a restart loses, so from now on every request is refused (the first failure's
   * reason stands) and the store is given up ({@link StoreOwnership#failed}): an in-sync standby
   * takes over, or this deployment reopens the data, recovering what was stored.
   */
  private void stopServing(long version, Throwable failure) {
    unstored(version);
    if (storageFailure != null) {
      return;
    }
    LOG.log(Level.ERROR, "document store '" + options.address() + "': write " + version + " could not be made durable",
        failure);
    String why = "write " + version + " could not be stored (" + EngineException.reason(failure) + ")";
    storageFailure = "document store '" + options.address() + "' stopped serving: " + why;
    // once this request is answered: the store closes, and a standby takes over or the data is reopened
    StoreOwnership gaveUp = ownership;
    context.runOnContext(v -> gaveUp.failed(why));
  }

  /** Write {@code version} was not stored: no later write is acknowledged, and no snapshot is written of memory. */
  private void unstored(long version) {
    firstUnstored = Math.min(firstUnstored, version);
    if (snapshots != null) {
      snapshots.halt();
    }
  }

  private String notAcknowledged(long version) {
    return "document store '" + options.address() + "' stopped being the owner before write " + version
        + " was acknowledged: it may or may not have been applied; retry";
  }

  private void lock(Message<Object> message, JsonObject request) {
    long ttl = ttl(request);
    String token = gate.acquire(ttl);
    if (token == null) {
      // Only the holder itself gets here while the lock is held (others wait in the gate).
      message.fail(ErrorCode.CONFLICT.status(), "you already hold the lock; renew it instead");
      return;
    }
    message.reply(new JsonObject().put("token", token).put("ttlMs", ttl).put("version", state.version));
  }

  private void unlock(Message<Object> message, JsonObject request) {
    if (!gate.release(request.getString("token"))) {
      message.fail(ErrorCode.CONFLICT.status(), "bad token: the lock is not held with this token (its lease may have "
          + "run out)");
      return;
    }
    message.reply(new JsonObject().put("version", state.version));
  }

  private void renew(Message<Object> message, JsonObject request) {
    long ttl = ttl(request);
    if (!gate.renew(request.getString("token"), ttl)) {
      message.fail(ErrorCode.CONFLICT.status(), "bad token: the lock is not held with this token (its lease may have "
          + "run out)");
      return;
    }
    message.reply(new JsonObject().put("ttlMs", ttl).put("version", state.version));
  }

  private static long ttl(JsonObject request) {
    Object v = request.getValue("ttlMs", 30_000L);
    if (!(v instanceof Number n) || n.longValue() < 1 || n.longValue() > LeaseLock.MAX_TTL_MS) {
      throw new DocException(ErrorCode.BAD_REQUEST, "ttlMs must be a number of milliseconds from 1 to "
          + LeaseLock.MAX_TTL_MS + ", got " + v);
    }
    return n.longValue();
  }

  private void save(Message<Object> message) {
    if (snapshots == null) {
      message.reply(new JsonObject().put("version", state.version));
      return;
    }
    turn.flush();
    Future.fromCompletionStage(snapshots.save(), context).onComplete(ar -> {
      if (ar.failed()) {
        message.fail(ErrorCode.INTERNAL.status(), "the snapshot could not be written: " + ar.cause().getMessage());
      } else {
        message.reply(new JsonObject().put("version", ar.result()));
      }
    });
  }

  /** The whole document and its version, for replicas; served off the event loop when persistent. */
  private void snapshot(Message<Object> message) {
    if (snapshots == null) {
      message.reply(new JsonObject().put("version", state.version).put("document", state.tree.snapshot()));
      return;
    }
    turn.flush();
    Future.fromCompletionStage(snapshots.current(), context).onComplete(ar -> {
      if (ar.failed()) {
        message.fail(ErrorCode.INTERNAL.status(), "no snapshot: " + ar.cause().getMessage());
      } else {
        message.reply(ar.result());
      }
    });
  }

  /** Stores the bytes out of the tree and a reference {@code {"$blob": id, "size": n}} at the path. */
  private void putBlob(Message<Object> message, JsonObject request) {
    if (!(message.body() instanceof Buffer body)) {
      // {"op": "putBlob"} as a JSON request: the bytes have nowhere to come from
      throw new DocException(ErrorCode.BAD_REQUEST, "putBlob takes the blob's bytes as a binary body (headers op=putBlob "
          + "and path=[...]), not a JSON request");
    }
    Object path = request.getValue("path");
    JsonArray parsedPath;
    try {
      parsedPath = path instanceof JsonArray a ? a : new JsonArray(String.valueOf(path));
    } catch (RuntimeException e) {
      throw new DocException(ErrorCode.BAD_REQUEST, "putBlob needs a 'path' header holding a JSON array, got " + path);
    }
    byte[] bytes = body.getBytes();
    String id = UUID.randomUUID().toString();
    JsonObject ref = new JsonObject().put("$blob", id).put("size", bytes.length);
    DocState.Applied applied = state.write(new JsonObject().put("op", "set").put("path", parsedPath).put("value", ref));
    commit(message, applied, null, new WriteBatch().put(DocJournal.blobKey(id), bytes));
  }

  private void getBlob(Message<Object> message, JsonObject request) {
    String id = blobAt(request.getValue("path"));
    if (turn != null) {
      turn.flush();
    }
    // read once every write before this one is done (an empty batch is the engine's barrier): the
    // bytes of a putBlob just before, still on their way to the disk, are then there to read
    KeyValueEngine reading = engine;
    Future.fromCompletionStage(KeyValueEngine.attempt(() -> reading.write(new WriteBatch())), context)
        .transform(written -> vertx.executeBlocking(() -> reading.get(DocJournal.blobKey(id)))).onComplete(ar -> {
      if (ar.failed() || ar.result() == null) {
        message.fail(ErrorCode.NOT_FOUND.status(), "the bytes of blob " + id + " are missing");
      } else {
        message.reply(Buffer.buffer(ar.result()));
      }
    });
  }

  /**
   * Removes the blob reference at the path (an undoable delete). The bytes stay stored, so that an
   * undo finds them again; they are not reclaimed yet.
   */
  private void deleteBlob(Message<Object> message, JsonObject request) {
    blobAt(request.getValue("path"));
    commit(message, state.write(new JsonObject().put("op", "delete").put("path", request.getValue("path"))), null);
  }

  private String blobAt(Object path) {
    Object ref = state.tree.apply(new JsonObject().put("op", "get").put("path", path)).value();
    if (!(ref instanceof JsonObject o) || !(o.getValue("$blob") instanceof String id)) {
      throw new DocException(ErrorCode.BAD_REQUEST, "path " + path + " does not hold a blob");
    }
    return id;
  }

  private static JsonObject withoutEnvelope(JsonObject request) {
    JsonObject copy = null;
    for (String field : ENVELOPE) {
      if (request.containsKey(field)) {
        copy = copy == null ? request.copy() : copy;
        copy.remove(field);
      }
    }
    return copy == null ? request : copy;
  }
}
