package io.conduit.store.owner;

import io.conduit.codec.ErrorCode;
import io.conduit.store.engine.KeyValueEngine;
import io.conduit.store.engine.WriteBatch;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.internal.ContextInternal;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * The owner's side of replication, on the store's context. A standby attaches (its id and an
 * inbox address) and learns the number of the last batch; it reads the owner's engine in pages
 * (each page a consistent read of the keys after the last one it has) while the batches written
 * meanwhile are queued for it; then it asks to go live, gets the queued batches and every later
 * one, in order, and acknowledges each once it is durable on its side.
 *
 * <p>A live standby is <em>in sync</em> (with {@code ackReplicas} 1): the claim lists it
 * ({@link StoreOwnership} may let only a listed standby take over), and a write completes only
 * when every in-sync standby has acknowledged it. A standby that does not acknowledge within
 * {@code ackTimeoutMs} is dropped, and the claim stops listing it <em>before</em> any write
 * completes without it; if the claim cannot be changed, those writes fail (they are on the owner,
 * not acknowledged). With {@code ackReplicas} 0, standbys follow without being waited for and are
 * never listed: they serve as copies, not as owners-in-waiting.
 */
final class ReplicationSource {

  static final int PAGE_BYTES = 1 << 20;
  private static final System.Logger LOG = System.getLogger(ReplicationSource.class.getName());

  private final Vertx vertx;
  private final Context context;
  private final String kind;
  private final String address;
  private final int ackReplicas;
  private final long ackTimeoutMs;
  /** Changes the claim's list of in-sync standbys; completes when the cluster has the new list. */
  private final Function<Set<String>, Future<Void>> inSync;
  private final Map<String, Standby> standbys = new LinkedHashMap<>();
  private final Set<String> inSyncIds = new LinkedHashSet<>();
  private final TreeMap<Long, Pending> pending = new TreeMap<>();
  private KeyValueEngine engine;
  private MessageConsumer<JsonObject> consumer;
  private long lastSeq;
  private Future<Void> settled = Future.succeededFuture();
  /** Writes every in-sync standby has, waiting for {@link #settled}: failed too if the owner steps down first. */
  private final Set<CompletableFuture<Void>> settling = ConcurrentHashMap.newKeySet();
  private boolean stopped;
  /** Batches handed to the context and not yet taken in: while any wait, later ones queue behind them. */
  private final AtomicInteger queued = new AtomicInteger();

  /** A batch waiting for a standby that is still copying. */
  private record Queued(long seq, byte[] batch) {
  }

  private static final class Standby {
    final String id;
    final String inbox;
    boolean live;
    List<Queued> queue = new ArrayList<>();
    /**
     * Live, not yet in sync: its request to go live, answered once it has acknowledged every batch
     * of those queued during its copy ({@link #toCatchUp}); every later write waits for it.
     */
    Message<JsonObject> catchingUp;
    /** The batches queued during its copy that it has not acknowledged yet. */
    Set<Long> toCatchUp = new HashSet<>();

    Standby(String id, String inbox) {
      this.id = id;
      this.inbox = inbox;
    }
  }

  private record Pending(CompletableFuture<Void> done, Set<String> waitingFor) {
  }

  ReplicationSource(Vertx vertx, Context context, String kind, String address, int ackReplicas, long ackTimeoutMs,
                    Function<Set<String>, Future<Void>> inSync) {
    this.vertx = vertx;
    this.context = context;
    this.kind = kind;
    this.address = address;
    this.ackReplicas = ackReplicas;
    this.ackTimeoutMs = ackTimeoutMs;
    this.inSync = inSync;
  }

  static String sourceAddress(String storeAddress) {
    return "conduit.replica." + storeAddress;
  }

  /** The owner's engine (unwrapped), whose pages standbys read. */
  void engine(KeyValueEngine engine) {
    this.engine = engine;
  }

  Future<Void> start() {
    consumer = vertx.eventBus().consumer(sourceAddress(address), this::request);
    return consumer.completion();
  }

  /** No longer the owner: standbys are let go and writes still waiting for them fail. */
  Future<Void> stop() {
    stopped = true;
    for (Standby s : standbys.values()) {
      if (s.catchingUp != null) {
        s.catchingUp.fail(ErrorCode.UNAVAILABLE.status(), "the owner stopped before this standby was in sync");
        s.catchingUp = null;
      }
    }
    standbys.clear();
    for (Pending p : pending.values()) {
      p.done().completeExceptionally(new SteppedDownException(kind, address));
    }
    pending.clear();
    // a change of the in-sync list may wait on a cluster without its quorum for long: not its writes
    for (CompletableFuture<Void> done : settling) {
      done.completeExceptionally(new SteppedDownException(kind, address));
    }
    settling.clear();
    return consumer == null ? Future.succeededFuture() : consumer.unregister();
  }

  /** Whether acknowledged writes wait for the claim's list of in-sync standbys to change (for tests). */
  boolean waitingForTheClaim() {
    return !settling.isEmpty();
  }

  /**
   * Called in the order the engine receives the batches (any thread); completes when in-sync
   * standbys have it. The batch is encoded only if a standby is attached to receive it.
   */
  CompletableFuture<Void> replicate(long seq, WriteBatch batch) {
    CompletableFuture<Void> done = new CompletableFuture<>();
    // The store's own writes come from its event loop: handled there at once, unless a batch from
    // another thread (the snapshot writer) is still queued, which must go first. Queuing every
    // write cost each one a dispatch on the loop, most of them on a node with no standby at all.
    if (queued.get() == 0 && ((ContextInternal) context).inThread()) {
      onBatch(seq, batch, done);
    } else {
      queued.incrementAndGet();
      context.runOnContext(v -> {
        queued.decrementAndGet();
        onBatch(seq, batch, done);
      });
    }
    return done;
  }

  private void onBatch(long seq, WriteBatch batch, CompletableFuture<Void> done) {
    lastSeq = seq;
    if (stopped) {
      done.completeExceptionally(new SteppedDownException(kind, address));
      return;
    }
    if (standbys.isEmpty()) {
      finish(done);
      return;
    }
    byte[] encoded = batch.encode();
    Set<String> need = new HashSet<>();
    List<Standby> live = new ArrayList<>();
    for (Standby s : standbys.values()) {
      if (!s.live) {
        s.queue.add(new Queued(seq, encoded));
      } else {
        live.add(s);
        if (inSyncIds.contains(s.id) || s.catchingUp != null) {
          need.add(s.id);
        }
      }
    }
    // the write waits before anything is sent: a failed send may be reported at once
    if (!need.isEmpty()) {
      pending.put(seq, new Pending(done, need));
    }
    for (Standby s : live) {
      send(s, seq, encoded);
    }
    // completed only once sent: a write its completion sets off on this thread goes out after it
    if (need.isEmpty()) {
      finish(done);
    }
  }

  private void send(Standby s, long seq, byte[] batch) {
    Buffer frame = Buffer.buffer(batch.length + 8).appendLong(seq).appendBytes(batch);
    vertx.eventBus().request(s.inbox, frame, new DeliveryOptions().setSendTimeout(ackTimeoutMs)).onComplete(ar -> {
      if (ar.succeeded()) {
        acked(s.id, seq);
      } else {
        lost(s, "no acknowledgement of batch " + seq + " within " + ackTimeoutMs + " ms (" + ar.cause().getMessage() + ")");
      }
    });
  }

  private void acked(String id, long seq) {
    Standby s = standbys.get(id);
    if (s != null && s.catchingUp != null && s.toCatchUp.remove(seq) && s.toCatchUp.isEmpty()) {
      listInSync(s);
    }
    Pending p = pending.get(seq);
    if (p != null && p.waitingFor().remove(id) && p.waitingFor().isEmpty()) {
      pending.remove(seq);
      finish(p.done());
    }
  }

  /** Completes a write once any change of the in-sync list made before it has reached the cluster. */
  private void finish(CompletableFuture<Void> done) {
    boolean waits = !settled.isComplete();
    if (waits) {
      settling.add(done);
    }
    settled.onComplete(ar -> {
      if (waits) {
        settling.remove(done);
      }
      if (ar.succeeded()) {
        done.complete(null);
      } else {
        done.completeExceptionally(new IllegalStateException("a standby fell behind and the cluster could not be told "
            + "(" + ar.cause().getMessage() + "); the write is on the owner but not acknowledged"));
      }
    });
  }

  private void lost(Standby s, String why) {
    if (standbys.get(s.id) != s) {
      return;
    }
    standbys.remove(s.id);
    LOG.log(Level.WARNING, kind + " '" + address + "': standby " + s.id + " dropped: " + why);
    if (s.catchingUp != null) {
      // NOT_FOUND, as for a standby no longer attached: the standby counts it as a drop
      s.catchingUp.fail(ErrorCode.NOT_FOUND.status(), "dropped before it was in sync: " + why);
      s.catchingUp = null;
    }
    if (inSyncIds.remove(s.id)) {
      settled = inSync.apply(Set.copyOf(inSyncIds));
    }
    for (Map.Entry<Long, Pending> e : new ArrayList<>(pending.entrySet())) {
      if (e.getValue().waitingFor().remove(s.id) && e.getValue().waitingFor().isEmpty()) {
        pending.remove(e.getKey());
        finish(e.getValue().done());
      }
    }
  }

  private void request(Message<JsonObject> m) {
    JsonObject r = m.body();
    String op = r == null ? null : r.getString("op");
    String id = r == null ? null : r.getString("id");
    if (op == null || id == null) {
      m.fail(ErrorCode.BAD_REQUEST.status(), "a replication request has an op (attach, page, live, status) and an id");
      return;
    }
    switch (op) {
      case "attach" -> {
        if (!(r.getValue("inbox") instanceof String inbox) || inbox.isBlank()) {
          m.fail(ErrorCode.BAD_REQUEST.status(), "attach names the standby's 'inbox' address");
          return;
        }
        Standby old = standbys.get(id);
        if (old != null) {
          lost(old, "it attached again");
        }
        standbys.put(id, new Standby(id, r.getString("inbox")));
        long seq = lastSeq;
        LOG.log(Level.INFO, kind + " '" + address + "': standby " + id + " attached at batch " + seq);
        // Every batch up to seq was handed to the engine before its number came here, but may not
        // be readable yet (RocksDB's writer thread applies it): the standby is not sent those again,
        // so its first page must show them. An empty write completes once every earlier one has.
        KeyValueEngine e = engine;
        Future.fromCompletionStage(e == null ? CompletableFuture.completedFuture(null)
            : KeyValueEngine.attempt(() -> e.write(new WriteBatch())), context)
            .onComplete(ar -> m.reply(new JsonObject().put("seq", seq)));
      }
      case "page" -> page(m, r.getString("after"));
      case "live" -> live(m, id);
      case "status" -> {
        // a standby that is not listed in the claim (ackReplicas 0) learns here that it was dropped
        if (standbys.containsKey(id)) {
          m.reply(new JsonObject().put("attached", true));
        } else {
          m.fail(ErrorCode.NOT_FOUND.status(), "standby " + id + " is not attached (dropped; attach again)");
        }
      }
      default -> m.fail(ErrorCode.BAD_REQUEST.status(), "unknown replication op '" + op + "'");
    }
  }

  private void page(Message<JsonObject> m, String after) {
    byte[] from;
    try {
      from = after == null ? null : Base64.getDecoder().decode(after);
    } catch (IllegalArgumentException e) {
      m.fail(ErrorCode.BAD_REQUEST.status(), "page: 'after' must be a key in base64, the 'last' of the page before");
      return;
    }
    vertx.executeBlocking(() -> {
      JsonArray entries = new JsonArray();
      long[] bytes = {0};
      String[] last = {null};
      boolean[] more = {false};
      engine.scan(from, null, (k, v) -> {
        if (from != null && java.util.Arrays.equals(k, from)) {
          return true; // exclusive of the last key of the page before
        }
        if (bytes[0] >= PAGE_BYTES) {
          more[0] = true;
          return false;
        }
        entries.add(new JsonArray().add(k).add(v));
        bytes[0] += k.length + v.length;
        last[0] = Base64.getEncoder().encodeToString(k);
        return true;
      });
      return new JsonObject().put("entries", entries).put("last", last[0]).put("more", more[0]);
    }).onComplete(ar -> {
      if (ar.succeeded()) {
        m.reply(ar.result());
      } else {
        m.fail(ErrorCode.INTERNAL.status(), "reading a page for a standby failed: " + ar.cause().getMessage());
      }
    });
  }

  /**
   * Whether {@code failure} is the owner's answer that a standby is not attached (any more): it was
   * dropped, before or after it was in sync, and attaches again.
   */
  static boolean notAttached(Throwable failure) {
    return failure instanceof io.vertx.core.eventbus.ReplyException r && r.failureCode() == ErrorCode.NOT_FOUND.status();
  }

  private void live(Message<JsonObject> m, String id) {
    Standby s = standbys.get(id);
    if (s == null) {
      m.fail(ErrorCode.NOT_FOUND.status(), "standby " + id + " is not attached (attach again)");
      return;
    }
    List<Queued> queued = s.queue;
    s.queue = null;
    s.live = true;
    if (ackReplicas == 0) {
      m.reply(new JsonObject().put("inSync", false));
    } else {
      // Acknowledged writes among the batches queued during its copy are not on it yet: it is listed
      // in sync (and may take over) only once it has acknowledged them; every write from now on
      // waits for it, so that nothing acknowledged meanwhile is missing from it either.
      s.catchingUp = m;
      queued.forEach(q -> s.toCatchUp.add(q.seq()));
      if (queued.isEmpty()) {
        listInSync(s);
      }
    }
    queued.forEach(q -> send(s, q.seq(), q.batch()));
  }

  /** Lists a standby that caught up as in sync; its request to go live is answered once the claim says so. */
  private void listInSync(Standby s) {
    Message<JsonObject> m = s.catchingUp;
    s.catchingUp = null;
    inSyncIds.add(s.id);
    Promise<Void> listed = Promise.promise();
    settled = settled.transform(ignored -> inSync.apply(Set.copyOf(inSyncIds))).onComplete(listed);
    listed.future().onComplete(ar -> {
      if (ar.succeeded()) {
        LOG.log(Level.INFO, kind + " '" + address + "': standby " + s.id + " is in sync");
        m.reply(new JsonObject().put("inSync", true));
      } else {
        m.fail(ErrorCode.UNAVAILABLE.status(), "could not list the standby as in sync: " + ar.cause().getMessage());
      }
    });
  }
}
