package io.conduit.store.owner;

import io.conduit.cluster.ClusterAccess;
import io.conduit.codec.ErrorCode;
import io.conduit.node.Receipts;
import io.conduit.node.ServiceRoles;
import io.conduit.store.engine.KeyValueEngine;
import io.conduit.store.engine.WriteBatch;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.core.shareddata.AsyncMap;
import io.vertx.core.spi.cluster.ClusterManager;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.temporal.ChronoUnit;
import java.util.UUID;

/**
 * One owner per store address, cluster-wide: before a store opens its data and registers its
 * consumer it must hold the address's claim in the cluster map {@code conduit.store.owners}
 * (a Hazelcast map when clustered, a local one otherwise). A second deployment of the same store
 * (on another node, or a second instance on this one) becomes a <em>standby</em>: deployed, its
 * data closed, serving nothing, trying again every {@link #CHECK_MS}. Each claim carries a fencing
 * <em>epoch</em> from a cluster counter that grows with every change of owner.
 *
 * <p>A claim is a <em>lease</em>: in a cluster the owner renews it every {@link #CHECK_MS} (a change
 * of the claim that needs the cluster's quorum, see {@code --cluster-quorum}), and once
 * its lease ({@link #LEASE_MS} unless {@link #LEASE_PROPERTY} says otherwise) has passed since the
 * start of its last successful renewal it stops serving:
 * requests get a retriable {@code UNAVAILABLE} at once, and the store closes at the next check.
 * Another deployment takes the claim over only after it has seen it unchanged for the lease
 * plus {@link #LEASE_MARGIN_MS}: by then the old owner has stopped, whether it crashed, was cut off
 * from the quorum by a partition, or stalled. Two owners never serve the same address at once.
 *
 * <p>A standby takes over only when the owner is gone (its lease ran out, or it released
 * the claim by stopping) <em>and</em> its own data is the owner's: each persistent store's data
 * directory holds a data id ({@code OWNER-ID}), and the claim records the owner's. Without
 * replication another node's copy is older than what the owner acknowledged, so that node stays a
 * standby (saying why in the log) rather than serve stale data; the store comes back when its owner
 * does. A memory store has nothing to lose that is not already gone with its owner: a standby
 * takes it over empty, and says so.
 *
 * <p>An owner steps down (unregisters, closes its data) when the claim is no longer its own or its
 * lease ran out; it takes its claim back when it is still its own once it can renew again.
 * Standalone (no cluster) there is nobody to be cut off from: a claim holds until released.
 * Event-loop only (the store's context).
 */
public final class StoreOwnership {

  /** What the store does when it becomes owner or stops being one. */
  public interface Store {
    /**
     * Opens the data and starts serving (register the consumer). The engine it opens goes through
     * {@link #owned} first, so that what it writes reaches the standbys.
     */
    Future<Void> serve();

    /** Stops serving (unregister first) and closes the data. */
    Future<Void> close();

    /** This deployment became a standby: it may serve reads of the owner's data (the document store does). */
    default Future<Void> standingBy() {
      return Future.succeededFuture();
    }

    /** It stops being a standby (it takes over, or stops). */
    default Future<Void> notStandingBy() {
      return Future.succeededFuture();
    }

    /**
     * A standby's copy of the owner's data is complete in {@code engine}: build what its reads need
     * (blocking, on a worker; later batches come through {@link #replicated}).
     */
    default void followed(KeyValueEngine engine) {
    }

    /** A batch of the owner's is durable in the standby's copy (on the store's context, in order). */
    default void replicated(WriteBatch batch) {
    }

    /** The standby's copy is closed (it takes over, re-attaches or stops): what followed built is gone. */
    default void unfollowed() {
    }

    /** Opens this store's engine for a standby to copy the owner's data into (blocking; persistent stores). */
    default KeyValueEngine openEngine() {
      throw new UnsupportedOperationException("a memory store has no engine to follow its owner with");
    }
  }

  /** The role of this deployment of the store. */
  public enum Role { STARTING, OWNER, STANDBY, STOPPED }

  static final String MAP = io.conduit.cluster.ClusterFactory.STORE_OWNERS_MAP;
  static final String DATA_ID_FILE = "OWNER-ID";
  /** How often a standby tries to take over and an owner checks its claim. */
  public static final long CHECK_MS = 1_000;
  /** How long an owner waits for a standby's acknowledgement before dropping it from the in-sync list. */
  static final long ACK_TIMEOUT_MS = 3_000;
  /** How long an owner serves after the start of its last successful renewal (in a cluster), by default. */
  public static final long LEASE_MS = 3_000;
  /**
   * The system property that sets this node's lease ({@code conduit serve --store-lease-ms}); each
   * claim records its owner's, so other nodes wait out the owner's own lease whatever theirs is.
   */
  public static final String LEASE_PROPERTY = "conduit.store.leaseMs";
  /** The shortest lease: a few renewal periods, so one slow renewal does not cost the lease. */
  public static final long MIN_LEASE_MS = 2 * 1_000;
  public static final long MAX_LEASE_MS = 600_000;
  /**
   * How much longer than the lease a claim must be seen unchanged before another deployment takes
   * it: more than the owner's check period plus the difference between two sides of a partition
   * in noticing it (a heartbeat interval), and any drift between the nodes' clocks' rates.
   */
  public static final long LEASE_MARGIN_MS = 2_000;

  /**
   * Where a store's standbys answer reads of its data: {@code <address>.ro} ({@code docs.ro}), as
   * pyzdb's read-only servers did; the stores and the bridge name it through this.
   */
  public static String replicaReads(String address) {
    return address + ".ro";
  }

  /** The store whose replica reads {@code address} is ({@code docs} for {@code docs.ro}), or null. */
  public static String storeOfReplicaReads(String address) {
    return address.endsWith(".ro") && address.length() > 3 ? address.substring(0, address.length() - 3) : null;
  }

  /**
   * Why nobody answers {@code store}'s replica reads: in a cluster its standbys, on other nodes, are
   * not serving yet (retriable); standalone there are none. The bridge and the REST API say the same.
   */
  public static String noReplicaReads(String store, boolean clustered) {
    String address = replicaReads(store);
    return clustered
        ? "'" + address + "' has no consumer on any node right now: the replica reads of '" + store + "' are answered "
            + "by its standbys, which run on the other nodes of the cluster and are not serving yet; retry once one "
            + "runs, or read from '" + store + "'"
        : "'" + address + "' has no consumer: the replica reads of '" + store + "' are answered by its standbys, which "
            + "run on the other nodes of a cluster, and this node is not in one (nor does it run a replica of its own "
            + "right now); read from '" + store + "'";
  }

  private static final System.Logger LOG = System.getLogger(StoreOwnership.class.getName());
  /** A standby dropped again within this long of the last drop waits before it copies again. */
  private static final long DROPS_REMEMBERED_MS = 10 * 60_000;
  private static final long COPY_AGAIN_AFTER_MS = 30_000;
  private static final long COPY_AGAIN_MAX_MS = 30 * 60_000;
  /**
   * How long an owner whose store failed waits before it claims the store again, the first time:
   * long enough for an in-sync standby to take over first (it asks every {@link #CHECK_MS}).
   * Each fault within {@link #FAULTS_REMEMBERED_MS} of the one before doubles it, up to
   * {@link #CLAIM_AGAIN_MAX_MS}, so that a disk that fails every time is not reopened every few seconds.
   */
  public static final long CLAIM_AGAIN_AFTER_MS = 3_000;
  private static final long CLAIM_AGAIN_MAX_MS = 5 * 60_000;
  private static final long FAULTS_REMEMBERED_MS = 10 * 60_000;

  private final Vertx vertx;
  private final String kind;
  private final String address;
  private final Path dataDir;
  private final Context context;
  private final int ackReplicas;
  private ReplicationSource source;
  private ReplicaSink sink;
  private boolean sinkStarting;
  /** Checks in a row that found this live, once-listed standby missing from the owner's in-sync list. */
  private int unlistedChecks;
  /** Times the owner dropped this standby, each within {@link #DROPS_REMEMBERED_MS} of the one before. */
  private final InARow drops = new InARow(DROPS_REMEMBERED_MS);
  /** When a standby the owner dropped may copy again (epoch ms). */
  private long copyAgainAt;
  /** Why this deployment gave its store up after a fault, until it serves again or another owner serves. */
  private String failedWhy;
  /** Why reopening the data after that fault failed last, if it did. */
  private String reopenFailed;
  /** A store given up after a fault closing and its claim being released: nothing is claimed or followed meanwhile. */
  private Future<Void> givingUp = Future.succeededFuture();
  /** Faults in a row, each within {@link #FAULTS_REMEMBERED_MS} of the one before. */
  private final InARow faults = new InARow(FAULTS_REMEMBERED_MS);
  /** When a deployment that gave its store up may claim it again (epoch ms). */
  private long claimAgainAt;
  /** How current this deployment's data is, as its directory last said. */
  private volatile DataEpoch dataEpoch = DataEpoch.NONE;
  /** The refusal to follow an owner with older data last logged, so it is logged once. */
  private String refusalLogged;
  private final Store store;
  private AsyncMap<String, JsonObject> claims;
  private Role role = Role.STARTING;
  private JsonObject claim;
  private String standbyReason;
  private String lastLogged;
  private String lastFailure;
  private long timer = -1;
  private long recheck = -1;
  private boolean busy;
  private final String instance = UUID.randomUUID().toString();
  private final long leaseMs = configuredLeaseMs();
  /** This deployment holds the claim (from taking it until it steps down, fails to serve or stops). */
  private boolean holding;
  private boolean renewing;
  /** Why this deployment no longer holds the claim it took. */
  private String lostTo;
  private String lastRenewalFailure;
  /** While holding, in a cluster: System.nanoTime() at which its lease runs out unless renewed. */
  private long leaseUntil;
  /** Not owner: the last claim of another deployment seen serving the store (to judge it by should it vanish). */
  private JsonObject ownerSeen;
  /** Not owner: the claim as last read, and since when (nanoTime) it has not changed. */
  private JsonObject seenClaim;
  private long seenSince;
  /** Changes of this owner's claim, one at a time (each compares against the one before). */
  private Future<Void> claimUpdates = Future.succeededFuture();

  /**
   * @param kind        the store's kind for messages ("document store")
   * @param dataDir     its data directory, or null for a memory store
   * @param ackReplicas 1: a write completes once every in-sync standby has it, and such a standby may
   *                    take over; 0: standbys follow without being waited for, and never take over
   */
  public StoreOwnership(Vertx vertx, String kind, String address, Path dataDir, int ackReplicas, Store store) {
    this.vertx = vertx;
    this.context = vertx.getOrCreateContext();
    this.kind = kind;
    this.address = address;
    this.dataDir = dataDir;
    this.ackReplicas = ackReplicas;
    this.store = store;
  }

  /**
   * The engine a store opened as owner, as it must write to it: through replication to the
   * standbys (a persistent store's); a memory store's engine as it is.
   */
  public KeyValueEngine owned(KeyValueEngine engine) {
    ReplicationSource s = source;
    if (s == null) {
      return engine;
    }
    s.engine(engine);
    return new ReplicatedEngine(engine, s);
  }

  /** Claims the address and serves, or becomes a standby; fails only when serving fails to start. */
  public Future<Void> start() {
    return vertx.sharedData().<String, JsonObject>getAsyncMap(MAP).compose(map -> {
      claims = map;
      // a cluster without its quorum (yet) cannot say who owns the store: stand by and keep asking
      return attempt().recover(e -> e instanceof ClusterUnanswered ? standby(e.getMessage() + "; asking again every "
          + CHECK_MS + " ms") : Future.failedFuture(e));
    }).onSuccess(v -> timer = vertx.setPeriodic(CHECK_MS, id -> {
      renew();
      check();
    }));
  }

  /** Stops serving and releases the claim, so that a standby may take over at once. */
  public Future<Void> stop() {
    if (timer >= 0) {
      vertx.cancelTimer(timer);
    }
    if (recheck >= 0) {
      vertx.cancelTimer(recheck);
    }
    Role was = role;
    role = Role.STOPPED;
    holding = false;
    publish();
    Future<Void> following = closeSink().eventually(() -> was == Role.STANDBY ? store.notStandingBy()
        : Future.succeededFuture());
    if (was != Role.OWNER) {
      return givingUp.eventually(() -> following); // a store given up after a fault is closed when this completes
    }
    return stopSource().eventually(store::close)
        .eventually(() -> updateClaim(c -> c.copy().put("released", true)).otherwiseEmpty());
  }

  /**
   * The owner's store stopped serving after a fault of its own ({@code why}: a write its engine could
   * not store; memory that may no longer match what is stored): the store closes and the claim is given up,
   * so that an in-sync standby takes over at once with every acknowledged write, and this
   * deployment stands by. Unless another deployment serves the store by then, it claims it again
   * after {@link #CLAIM_AGAIN_AFTER_MS} (longer after repeated faults): reopening the data recovers
   * what was stored, as a restart would. A memory store's data went with the fault: it is not
   * claimed again here (deploy it again to serve it empty). Call on the store's context.
   */
  public Future<Void> failed(String why) {
    if (role != Role.OWNER) {
      return Future.succeededFuture();
    }
    long wait = faulted();
    failedWhy = why;
    reopenFailed = null;
    holding = false;
    claimAgainAt = Long.MAX_VALUE; // counted from when the claim is given up
    LOG.log(Level.ERROR, kind + " '" + address + "' stopped serving: " + why + (dataDir == null
        ? "; giving the claim up (this memory store's data is gone: another deployment of it may take it over, "
            + "empty, or deploy it again)"
        : "; giving the claim up so that an in-sync standby takes over, or this deployment reopens its data "
            + wait / 1000 + " s after"));
    standby(gaveUp());
    JsonObject given = claim;
    givingUp = stopSource().eventually(store::close)
        // only the claim given up: never one taken since
        .eventually(() -> updateClaim(c -> c.getLong("epoch").equals(given.getLong("epoch"))
            ? c.copy().put("released", true) : c).otherwiseEmpty())
        .onComplete(ar -> {
          claimAgainAt = dataDir == null ? Long.MAX_VALUE : System.currentTimeMillis() + wait;
          if (role == Role.STANDBY && failedWhy != null) {
            standby(gaveUp());
          }
        });
    return givingUp;
  }

  /** Counts a fault: how long to wait before claiming again, doubling with each fault in a row. */
  private long faulted() {
    return InARow.doubling(CLAIM_AGAIN_AFTER_MS, CLAIM_AGAIN_MAX_MS, faults.count(System.currentTimeMillis()));
  }

  /** Events in a row, each within {@code windowMs} of the one before (a fault, a drop), for waits that double. */
  private static final class InARow {
    private final long windowMs;
    private int count;
    private long last;

    InARow(long windowMs) {
      this.windowMs = windowMs;
    }

    /** Counts one at {@code now}: how many in a row, this one included. */
    int count(long now) {
      count = now - last < windowMs ? count + 1 : 1;
      last = now;
      return count;
    }

    int count() {
      return count;
    }

    /** {@code first} for the first of a row, twice as long for each after it, at most {@code max}. */
    static long doubling(long first, long max, int inARow) {
      return Math.min(max, first << Math.min(16, inARow - 1));
    }
  }

  /**
   * Why this deployment gave its store up after a fault, while nobody serves the store since (it
   * waits to claim it again, or it is a memory store): null otherwise. The health checks ask.
   */
  public String failure() {
    return failedWhy == null || role != Role.STANDBY ? null : gaveUp();
  }

  /** The same words every second while it waits (they are logged once), with the time it reopens. */
  private String gaveUp() {
    String next;
    if (dataDir == null) {
      next = "another deployment of it may take it over, empty, or deploy it again";
    } else if (!givingUp.isComplete()) {
      next = "closing its data and giving the claim up, for an in-sync standby to take over";
    } else if (System.currentTimeMillis() < claimAgainAt) {
      next = "another node's in-sync standby may take it over, else it reopens its data at "
          + java.time.Instant.ofEpochMilli(claimAgainAt).truncatedTo(ChronoUnit.SECONDS);
    } else {
      next = "reopening its data";
    }
    return kind + " '" + address + "' stopped serving here: " + failedWhy
        + (reopenFailed == null ? "" : "; reopening its data failed (" + reopenFailed + ")") + "; " + next;
  }

  public Role role() {
    return role;
  }

  private void publish() {
    if (role == Role.STOPPED) {
      ServiceRoles.forget(vertx, instance);
    } else {
      ServiceRoles.report(vertx, instance, toJson().put("kind", kind));
    }
  }

  /** What a health check or the console shows. */
  public JsonObject toJson() {
    JsonObject j = new JsonObject().put("address", address).put("role", role.name());
    if (role == Role.OWNER) {
      j.put("epoch", claim.getLong("epoch"));
    } else if (role == Role.STANDBY) {
      j.put("reason", standbyReason);
    }
    return j;
  }

  private void check() {
    if (busy || role == Role.STOPPED) {
      return;
    }
    busy = true;
    Future<Void> done = role == Role.OWNER ? verify() : attempt();
    done.onComplete(ar -> {
      busy = false;
      String failure = ar.failed() ? ar.cause().getMessage() : null;
      if (failure != null && !failure.equals(lastFailure)) {
        LOG.log(Level.WARNING, kind + " '" + address + "': " + failure); // once, not every second while it lasts
      }
      lastFailure = failure;
    });
  }

  /**
   * An owner steps down when its claim is no longer its own, or (in a cluster) when its lease ran
   * out because it could not renew it; standalone it reads its claim to see.
   */
  private Future<Void> verify() {
    if (!clustered()) {
      return claims.get(address).compose(now -> isMine(now) ? Future.succeededFuture()
          : stepDown("another deployment took the claim (epoch " + (now == null ? "none" : now.getValue("epoch")) + ")"));
    }
    if (!holding) {
      return stepDown(lostTo);
    }
    if (!leaseValid()) {
      return stepDown("its lease ran out: it could not renew its claim for " + leaseMs + " ms (cut off from the "
          + "cluster's quorum, or stalled); it stopped serving so that another node may take over");
    }
    return Future.succeededFuture();
  }

  /**
   * While this deployment holds the claim in a cluster (from the moment it took it, also while its
   * store is still opening), it renews its lease every {@link #CHECK_MS}: each renewal changes the
   * claim, which a cluster without the quorum refuses, and lasts the lease from its start.
   */
  private void renew() {
    if (!holding || renewing || !clustered()) {
      return;
    }
    renewing = true;
    long started = System.nanoTime();
    updateClaim(c -> c.copy().put("renewal", c.getLong("renewal", 0L) + 1)).onComplete(ar -> {
      renewing = false;
      String failure = null;
      if (ar.succeeded()) {
        if (holding) {
          leaseUntil = started + leaseMs * 1_000_000;
        }
      } else if (ar.cause() instanceof ClaimLost lost) {
        holding = false;
        lostTo = "another deployment took the claim (epoch " + lost.epoch + ")";
        stepDown(lostTo);
      } else {
        failure = "could not renew its lease (" + ar.cause().getMessage() + "); it stops serving in "
            + Math.max(0, (leaseUntil - System.nanoTime()) / 1_000_000) + " ms unless a renewal succeeds";
      }
      if (failure != null && !failure.equals(lastRenewalFailure)) {
        LOG.log(Level.WARNING, kind + " '" + address + "': " + failure);
      }
      lastRenewalFailure = failure;
    });
  }

  /** No longer the owner: stops serving, and becomes a standby (which takes the claim back if it is still its own). */
  private Future<Void> stepDown(String why) {
    if (role != Role.OWNER) {
      return Future.succeededFuture();
    }
    holding = false;
    standby(why);
    return stopSource().eventually(store::close);
  }

  /**
   * While this deployment may serve: always standalone; in a cluster, until its lease runs out.
   * A store asks before each request (see {@link #guard}), so that an owner that stalled past its
   * lease answers nothing before its next check steps it down.
   */
  public boolean leaseValid() {
    return holding && (!clustered() || System.nanoTime() - leaseUntil < 0);
  }

  /** What an owner serves its address with: its event-bus consumer and, once that is registered, its entry in {@link LocalOwners}. */
  public static final class Serving {
    private final MessageConsumer<Object> consumer;
    private final Runnable receiptsWhenDone;
    private Runnable direct;
    private boolean stopped;

    private Serving(MessageConsumer<Object> consumer, Runnable receiptsWhenDone) {
      this.consumer = consumer;
      this.receiptsWhenDone = receiptsWhenDone;
    }

    /** Completes once the consumer is registered (cluster-wide on a clustered event bus). */
    public Future<Void> completion() {
      return consumer.completion();
    }

    /** Stops serving: direct calls at once, then the consumer. */
    public Future<Void> unregister() {
      stopped = true;
      if (direct != null) {
        direct.run();
        direct = null;
      }
      return consumer.unregister().andThen(v -> receiptsWhenDone.run());
    }

    private void direct(Runnable unregister) {
      if (stopped) {
        unregister.run();
      } else {
        direct = unregister;
      }
    }
  }

  /**
   * Serves the store's address with {@code handler} (guarded by the lease, {@link #guard}): on the
   * event bus, and, once the consumer is registered, for direct calls from this node's bridge on the
   * same event loop (none if registering fails). Call it from the store's context once this
   * deployment is the owner.
   */
  public Serving serve(Handler<Message<Object>> handler) {
    Handler<Message<Object>> guarded = guard(handler);
    // a one-way message may wait behind a lock: the bridge that sent it learns it was taken only
    // once the store has answered it (see guard), not when the store was handed it
    Runnable receiptsWhenDone = Receipts.answeredWhenDone(vertx, address);
    MessageConsumer<Object> consumer = vertx.eventBus().consumer(address, guarded);
    Serving serving = new Serving(consumer, receiptsWhenDone);
    consumer.completion().onSuccess(v -> serving.direct(LocalOwners.of(vertx).serve(address, guarded)));
    return serving;
  }

  /**
   * The store's request handler, answering a retriable {@code UNAVAILABLE} instead while this owner
   * has lost its lease (another node may be the owner by now).
   */
  public <T> Handler<Message<T>> guard(Handler<Message<T>> handler) {
    return received -> {
      // a one-way message from the event bus sends its receipt when answered (direct calls have none)
      Message<T> message = received instanceof DirectRequest ? received : Receipts.whenDone(vertx, received);
      if (!leaseValid()) { // also after stepping down, until the consumer is gone
        message.fail(ErrorCode.UNAVAILABLE.status(), failedWhy != null ? gaveUp() + "; retry"
            : kind + " '" + address + "' lost its lease on this node (cut off from the cluster's quorum, or stalled); "
            + "another node takes it over: retry");
        return;
      }
      handler.handle(message);
    };
  }

  private boolean isMine(JsonObject now) {
    return now != null && !now.getBoolean("released", false) && claim.getString("node").equals(now.getString("node"))
        && claim.getLong("epoch").equals(now.getLong("epoch"));
  }

  /** The cluster map of claims could not answer (no quorum, members leaving): nothing was decided. */
  private static final class ClusterUnanswered extends RuntimeException {
    private static final long serialVersionUID = 1L;

    ClusterUnanswered(Throwable cause) {
      super("the cluster could not say who owns it (" + cause.getMessage() + ")", cause, false, false);
    }
  }

  private static <T> Future<T> asked(Future<T> clusterCall) {
    return clusterCall.recover(e -> Future.failedFuture(new ClusterUnanswered(e)));
  }

  /** The claim changed under this owner: another deployment holds it now. */
  private static final class ClaimLost extends RuntimeException {
    private static final long serialVersionUID = 1L;
    final Object epoch;

    ClaimLost(JsonObject now) {
      super("the claim is no longer this owner's", null, false, false);
      this.epoch = now == null ? "none" : now.getValue("epoch");
    }
  }

  /**
   * Changes this owner's claim in the cluster map, after any change still under way (each one
   * compares against the claim the one before left); fails with {@link ClaimLost} when the claim
   * is no longer this owner's.
   */
  private Future<Void> updateClaim(java.util.function.UnaryOperator<JsonObject> change) {
    Future<Void> next = claimUpdates.transform(ignored -> {
      JsonObject mine = claim;
      JsonObject updated = change.apply(mine);
      return claims.replaceIfPresent(address, mine, updated).compose(ok -> {
        if (ok) {
          if (claim == mine) {
            claim = updated;
          }
          return Future.<Void>succeededFuture();
        }
        return claims.get(address).compose(now -> Future.failedFuture(new ClaimLost(now)));
      });
    });
    claimUpdates = next;
    return next;
  }

  /**
   * Takes the claim when nobody may be serving it. After its own claim updates still under way (a
   * renewal sent just before it stepped down): the claim it reads is then settled, and its replace
   * cannot lose to its own late renewal (which spent an epoch and said "another deployment claimed
   * it first").
   */
  private Future<Void> attempt() {
    if (!givingUp.isComplete()) {
      return standby(gaveUp()); // its store still closes: neither claimed again nor followed until it has
    }
    return claimUpdates.transform(settled -> dataId()).compose(id -> dataEpochLoaded().map(id))
        .compose(dataId -> asked(claims.get(address)).compose(current -> {
      if (current != null && holderAlive(current)) {
        failedWhy = null; // another deployment serves it
        ownerSeen = current;
        return standby("served by node " + current.getString("node") + " (epoch " + current.getValue("epoch") + ")"
            + follow(current, dataId));
      }
      if (failedWhy != null && System.currentTimeMillis() < claimAgainAt) {
        return standby(gaveUp());
      }
      // A claim gone without being released went with the member that held it: its owner's node
      // left before the cluster had a copy (it had only just been joined). It is judged as the
      // owner's claim this deployment last saw, not as a store nobody ever owned.
      JsonObject last = current != null ? current
          : ownerSeen != null && !ownerSeen.getBoolean("released", false) ? ownerSeen : null;
      if (last != null && dataDir != null && !dataId.equals(last.getString("dataId"))
          && !(sink != null && sink.live() && sink.ownerEpoch() == last.getLong("epoch")
              && last.getJsonArray("inSync", new JsonArray()).contains(dataId))) {
        return standby("its last owner (node " + last.getString("node") + ", epoch " + last.getValue("epoch")
            + ") is gone" + (current == null ? " and its claim with it (that node left before the cluster held a copy "
            + "of the claim)" : "") + ", and this node's data is not that owner's: serving it would lose what the "
            + "owner acknowledged; start the owner's node again");
      }
      if (current == null && last == null && ClusterAccess.storeClaimMayBeLost(vertx, address)) {
        return standby("nobody serves it, but its claim may have been lost: the member that held it left before this "
            + "node had a copy (Hazelcast lost that part of the claims map), so another node may have owned it with "
            + "newer data; start that node again (this one follows it), or restart this one to serve its data as it "
            + "is");
      }
      if (current == null && dataEpoch.copying()) {
        return standby("nobody serves it, and this node's data is a copy from an owner that was cut short before it "
            + "was in sync: it is not served; start a node whose data is whole (or delete "
            + dataDir.resolve(DataEpoch.FILE) + " to serve this copy as it is)");
      }
      if (last != null && dataDir == null && !instance.equals(last.getString("instance"))) {
        LOG.log(Level.WARNING, kind + " '" + address + "': taking over from node " + last.getString("node")
            + ", whose lease ran out; what it held in memory went with it, so this one starts empty");
      }
      seenClaim = null; // the claim is taken now (or another deployment's was, first)
      return vertx.sharedData().getCounter(MAP + "." + address + ".epoch").compose(c -> c.incrementAndGet())
          .compose(counted -> {
            // a counter that a partition's merge set back must not hand out an epoch again, nor a
            // cluster that stopped whole (its counter went with it: the data remembers)
            long epoch = last == null ? Math.max(counted, dataEpoch.epoch() + 1)
                : Math.max(counted, last.getLong("epoch") + 1);
            JsonObject mine = new JsonObject().put("node", nodeId()).put("instance", instance).put("epoch", epoch)
                .put("dataId", dataId).put("dataDir", dataDir == null ? null : dataDir.toAbsolutePath().toString())
                .put("inSync", new JsonArray()).put("renewal", 0L).put("leaseMs", leaseMs);
            if (dataDir != null) {
              // how current the data of this life of claims was when it began: a fresh claim's own
              // record, carried on by every takeover with the life's id
              mine.put("life", last == null ? UUID.randomUUID().toString() : last.getString("life", ""))
                  .put("dataEpoch", last == null ? dataEpoch.epoch() : last.getValue("dataEpoch"))
                  .put("dataHeld", last == null ? dataEpoch.held() : last.getValue("dataHeld"));
            }
            long started = System.nanoTime();
            Future<Boolean> taken = asked(current == null
                ? claims.putIfAbsent(address, mine).map(before -> before == null)
                : claims.replaceIfPresent(address, current, mine));
            return taken.compose(ok -> {
              if (!ok) {
                return standby("another deployment claimed it first");
              }
              leaseUntil = started + leaseMs * 1_000_000;
              holding = true;
              return own(mine, current);
            });
          });
    }));
  }

  /**
   * Serves under the claim just taken; when serving fails to start, the claim goes back to what
   * it was ({@code previous}, so the check of whose data may serve still holds), and when the
   * store was stopped meanwhile, it is released.
   */
  private Future<Void> own(JsonObject mine, JsonObject previous) {
    claim = mine;
    claimUpdates = Future.succeededFuture();
    if (dataDir != null) {
      source = new ReplicationSource(vertx, context, kind, address, ackReplicas, ACK_TIMEOUT_MS, this::listInSync);
    }
    boolean wasStandby = role == Role.STANDBY;
    return closeSink().compose(v -> wasStandby ? store.notStandingBy() : Future.<Void>succeededFuture())
        // durably before the first write is acknowledged: the data now holds this epoch
        .compose(v -> recordDataEpoch(DataEpoch.owning(mine)))
        .compose(v -> store.serve()).compose(v -> source == null ? Future.<Void>succeededFuture()
        : source.start()).compose(v -> {
      if (role == Role.STOPPED) {
        return stopSource().eventually(store::close)
            .eventually(() -> updateClaim(c -> c.copy().put("released", true)).otherwiseEmpty());
      }
      role = Role.OWNER;
      ownerSeen = null;
      failedWhy = null;
      reopenFailed = null;
      publish();
      lastLogged = null;
      LOG.log(Level.INFO, kind + " '" + address + "': owner, epoch " + mine.getLong("epoch"));
      return Future.<Void>succeededFuture();
    }, failure -> {
      holding = false;
      if (failedWhy != null) {
        // reopening after a fault failed (the disk still fails?): not again every second
        claimAgainAt = System.currentTimeMillis() + faulted();
        reopenFailed = failure.getMessage();
      }
      // The store may have started serving before the step that failed: its consumer, its entry for
      // direct calls and its open data go too, or they would answer for a store it does not own and
      // hold the data's lock against its next attempt. Then the claim goes back: as renewals left
      // it (they run while the store opens), not as it was taken.
      return stopSource().eventually(() -> store.close().otherwiseEmpty())
          .transform(ignored -> previous == null
              ? claimUpdates.transform(done -> claims.removeIfPresent(address, claim).<Void>mapEmpty())
              : updateClaim(c -> previous))
          .transform(ignored -> Future.<Void>failedFuture(failure));
    });
  }

  private Future<Void> standby(String reason) {
    if (role != Role.STOPPED && role != Role.STANDBY) {
      role = Role.STANDBY;
      store.standingBy().onFailure(e -> LOG.log(Level.WARNING, kind + " '" + address + "': serving reads as a standby "
          + "failed: " + e.getMessage()));
    }
    standbyReason = reason;
    publish();
    if (!reason.equals(lastLogged)) {
      LOG.log(Level.INFO, kind + " '" + address + "': standby, " + reason);
      lastLogged = reason;
    }
    return Future.succeededFuture();
  }

  /**
   * A standby of a persistent store on another node or data directory follows the owner: starts
   * (or restarts) its replica, and says how far it is, for the standby's reason.
   */
  private String follow(JsonObject owner, String dataId) {
    boolean sameData = dataId.equals(owner.getString("dataId"));
    if (dataDir == null || sameData) {
      return ""; // a memory store, or a second instance on the owner's own data
    }
    long epoch = owner.getLong("epoch");
    boolean listed = owner.getJsonArray("inSync", new JsonArray()).contains(dataId);
    boolean dropped = sink != null && sink.live() && sink.listedWhenLive() && !listed && sink.ownerEpoch() == epoch;
    // seen on two checks in a row: a claim read while the sink went live may predate its listing
    unlistedChecks = dropped ? unlistedChecks + 1 : 0;
    boolean toldDropped = sink != null && sink.droppedByOwner() && sink.ownerEpoch() == epoch;
    if (unlistedChecks >= 2 || toldDropped) {
      // the owner dropped it (a batch not acknowledged in time: this node stalled) and sends it nothing more
      unlistedChecks = 0;
      dropped(epoch, toldDropped ? "no longer sends this standby its batches" : "no longer lists this standby as in sync");
      closeSink();
    } else if (sink != null && (sink.broken() || sink.ownerEpoch() != epoch)) {
      closeSink();
    }
    if (sink == null && !sinkStarting && !dataEpoch.coveredBy(owner)) {
      // a copy starts by emptying this node's engine: not when this data is newer than the owner's
      String why = dataEpoch.aheadOfCopy(owner)
          ? "; not following it: this node's data is newer than the data the owner started from, or may be: it is "
              + "epoch " + dataEpoch.epoch() + "'s owner's, and the owner started from a standby's copy of that epoch, "
              + "which may lack this node's last writes (the whole cluster stopped and the standby's node started "
              + "first); replacing it with the owner's copy could lose writes that were acknowledged. This node's data "
              + "is kept. To keep it: stop every node of the store, start this one first, and before starting the "
              + "owner's node again delete DATA-EPOCH in its data directory (" + owner.getString("dataDir") + "), which "
              + "drops what that node acknowledged since it started from its copy (it refuses to follow otherwise). "
              + "To keep the owner's data instead: delete " + dataDir.resolve(DataEpoch.FILE) + " to follow it and drop "
              + "this node's last writes"
          : "; not following it: this node's data is newer (epoch " + dataEpoch.epoch() + ") than the data the owner "
              + "started from (epoch " + owner.getValue("dataEpoch") + "), which the whole cluster stopping and an older "
              + "node starting first can lead to; replacing it with the owner's copy would lose writes that were "
              + "acknowledged. This node's data is kept: stop every node of the store, start this one first, then the "
              + "others (or delete " + dataDir.resolve(DataEpoch.FILE) + " to follow and drop them)";
      if (!why.equals(refusalLogged)) {
        refusalLogged = why;
        LOG.log(Level.ERROR, kind + " '" + address + "': served by node " + owner.getString("node") + why);
      }
      return why;
    }
    if (sink == null && !sinkStarting && System.currentTimeMillis() < copyAgainAt) {
      return "; copying its data again in " + (copyAgainAt - System.currentTimeMillis()) / 1000 + " s (the owner "
          + "dropped it " + drops.count() + " times: too slow to acknowledge)";
    }
    if (sink == null && !sinkStarting) {
      sinkStarting = true;
      // the copy empties the engine first (once it has it): until it is in sync again, the data says nothing
      ReplicaSink started = new ReplicaSink(vertx, address, dataId, store, epoch, () -> {
        DataEpoch.copyBegins(dataDir);
        dataEpoch = DataEpoch.COPYING;
      });
      started.start().onComplete(ar -> {
        sinkStarting = false;
        if (ar.succeeded() && role == Role.STANDBY) {
          sink = started;
        } else {
          started.close();
          if (ReplicationSource.notAttached(ar.cause())) {
            // dropped before it was in sync (the batches queued during its copy not acknowledged in time)
            dropped(epoch, "dropped this standby before it was in sync (" + ar.cause().getMessage() + ")");
          } else if (ar.failed()) {
            LOG.log(Level.WARNING, kind + " '" + address + "': following the owner failed (" + ar.cause().getMessage()
                + "); trying again");
          }
        }
      });
    }
    if (sink == null) {
      return "; copying its data";
    }
    if (listed && sink.live() && !dataEpoch.claim().equals(DataEpoch.claimId(owner))) {
      // in sync with this owner: this data holds its epoch's
      recordDataEpoch(DataEpoch.following(owner)).onFailure(e -> LOG.log(Level.WARNING, kind + " '" + address + "': could not "
          + "record the data's epoch in " + dataDir.resolve(DataEpoch.FILE) + ": " + e.getMessage()));
    }
    if (sink.live() && !sink.listedWhenLive()) {
      sink.askWhetherStillFollowed(); // not in the claim's list: the owner says whether it dropped it
    }
    return listed ? "; following it, in sync"
        : "; following it" + (ackReplicas == 0 ? " (ackReplicas 0: not a candidate to take over)" : "");
  }

  /**
   * The owner (of {@code epoch}) dropped this standby: it copies again, at once the first time; a
   * standby too slow for the owner every time would be dropped and copy everything again and
   * again, so after the first each copy waits twice as long as the last.
   */
  private void dropped(long epoch, String how) {
    long now = System.currentTimeMillis();
    int inARow = drops.count(now);
    copyAgainAt = inARow <= 1 ? now : now + InARow.doubling(COPY_AGAIN_AFTER_MS, COPY_AGAIN_MAX_MS, inARow - 1);
    LOG.log(Level.WARNING, kind + " '" + address + "': the owner (epoch " + epoch + ") " + how + "; copying its data again"
        + (inARow <= 1 ? "" : " in " + (copyAgainAt - now) / 1000 + " s (dropped " + inARow + " times within "
            + DROPS_REMEMBERED_MS / 60_000 + " minutes)"));
  }

  private Future<Void> closeSink() {
    ReplicaSink s = sink;
    sink = null;
    return s == null ? Future.succeededFuture() : s.close();
  }

  private Future<Void> stopSource() {
    ReplicationSource s = source;
    source = null;
    return s == null ? Future.succeededFuture() : s.stop();
  }

  /** The owner's new list of in-sync standbys, written into its claim. */
  private Future<Void> listInSync(java.util.Set<String> ids) {
    return updateClaim(c -> c.copy().put("inSync", new JsonArray(new java.util.ArrayList<>(ids))));
  }

  /**
   * The id in {@code dir/OWNER-ID}, made when missing. Two deployments on one directory (in this
   * JVM or not) agree on it: the file appears whole or not at all (a complete temporary file, then
   * a hard link that fails when the file exists), and the loser reads the winner's.
   */
  static synchronized String readOrMakeDataId(Path dir) throws IOException {
    Path file = dir.resolve(DATA_ID_FILE);
    if (!Files.exists(file)) {
      Files.createDirectories(dir);
      Path tmp = dir.resolve(DATA_ID_FILE + "." + UUID.randomUUID() + ".tmp");
      try {
        Files.writeString(tmp, UUID.randomUUID() + "\n", StandardCharsets.UTF_8);
        try (java.nio.channels.FileChannel c = java.nio.channels.FileChannel.open(tmp, java.nio.file.StandardOpenOption.WRITE)) {
          c.force(true);
        }
        Files.createLink(file, tmp);
      } catch (java.nio.file.FileAlreadyExistsException lost) {
        // another deployment made it first: its id is the one
      } finally {
        Files.deleteIfExists(tmp);
      }
    }
    String id = Files.readString(file, StandardCharsets.UTF_8).trim();
    if (id.isEmpty()) {
      throw new IOException(file + " is empty; remove it and start again");
    }
    return id;
  }

  /**
   * Whether the claim's holder may still be serving: it did not release it, the claim is not this
   * deployment's own from before it stepped down, and (in a cluster) its lease may still run: the
   * claim has changed (been renewed) within the lease plus the margin, as this deployment saw it.
   * Standalone, a claim holds until it is released.
   */
  private boolean holderAlive(JsonObject claim) {
    if (claim.getBoolean("released", false) || instance.equals(claim.getString("instance"))) {
      return false;
    }
    if (!clustered()) {
      return true;
    }
    long now = System.nanoTime();
    if (!claim.equals(seenClaim)) {
      seenClaim = claim;
      seenSince = now;
      return true;
    }
    long left = seenSince + (claim.getLong("leaseMs", LEASE_MS) + LEASE_MARGIN_MS) * 1_000_000 - now;
    if (left > 0 && left < CHECK_MS * 1_000_000 && recheck < 0) {
      // ask again the moment the lease has run out, not up to a check period later
      recheck = vertx.setTimer(Math.max(1, left / 1_000_000 + 1), id -> {
        recheck = -1;
        check();
      });
    }
    return left > 0;
  }

  /**
   * This node's lease: {@value #LEASE_PROPERTY} when set (milliseconds, {@value #MIN_LEASE_MS} to
   * {@value #MAX_LEASE_MS}), else {@link #LEASE_MS}.
   *
   * @throws IllegalArgumentException naming the property and the value when it is not such a number
   */
  public static long configuredLeaseMs() {
    String given = System.getProperty(LEASE_PROPERTY);
    if (given == null) {
      return LEASE_MS;
    }
    try {
      long ms = Long.parseLong(given.trim());
      if (ms >= MIN_LEASE_MS && ms <= MAX_LEASE_MS) {
        return ms;
      }
    } catch (NumberFormatException e) {
      // refused below
    }
    throw new IllegalArgumentException("the store lease (" + LEASE_PROPERTY + ", --store-lease-ms) must be "
        + MIN_LEASE_MS + "-" + MAX_LEASE_MS + " milliseconds, got '" + given + "'");
  }

  private boolean clustered() {
    return ClusterAccess.manager(vertx) != null;
  }

  /** This Vert.x's node id: the cluster's, or one made up for a standalone Vert.x. */
  private String nodeId() {
    ClusterManager cluster = ClusterAccess.manager(vertx);
    if (cluster != null) {
      return cluster.getNodeId();
    }
    return (String) vertx.sharedData().getLocalMap(MAP).computeIfAbsent("node", k -> UUID.randomUUID().toString());
  }

  /**
   * Reads how current this deployment's data is, at every attempt: another deployment on the same
   * directory may have recorded it since.
   */
  private Future<Void> dataEpochLoaded() {
    if (dataDir == null) {
      return Future.succeededFuture();
    }
    return vertx.executeBlocking(() -> DataEpoch.read(dataDir)).map(read -> {
      dataEpoch = read;
      return null;
    });
  }

  /** Records, beside the data, that it holds {@code current}'s epoch in full (off the event loop). */
  private Future<Void> recordDataEpoch(DataEpoch current) {
    if (dataDir == null) {
      return Future.succeededFuture();
    }
    return vertx.executeBlocking(() -> {
      current.write(dataDir);
      return null;
    }).map(v -> {
      dataEpoch = current;
      return null;
    });
  }

  /** The data directory's id, made on first use; a memory store has none (""). */
  private Future<String> dataId() {
    if (dataDir == null) {
      return Future.succeededFuture("");
    }
    return vertx.executeBlocking(() -> readOrMakeDataId(dataDir));
  }
}
