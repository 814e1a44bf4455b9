package io.conduit.store.owner;

import io.conduit.deploy.ServiceRoles;
import io.conduit.store.engine.KeyValueEngine;
import io.conduit.store.engine.WriteBatch;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.internal.VertxInternal;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.core.shareddata.AsyncMap;
import io.vertx.core.spi.cluster.ClusterManager;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;

/**
 * One owner per store address, cluster-wide: before a store opens its data and registers its
 * consumer it must hold the address's claim in the cluster map {@code conduit.store.owners}
 * (a Hazelcast map when clustered, a local one otherwise). A second deployment of the same store
 * (on another node, or a second instance on this one) becomes a <em>standby</em>: deployed, its
 * data closed, serving nothing, trying again every {@link #CHECK_MS}. Each claim carries a fencing
 * <em>epoch</em> from a cluster counter that grows with every change of owner.
 *
 * <p>A standby takes over only when the owner is gone (its node left the cluster, or it released
 * the claim by stopping) <em>and</em> its own data is the owner's: each persistent store's data
 * directory holds a data id ({@code OWNER-ID}), and the claim records the owner's. Without
 * replication another node's copy is older than what the owner acknowledged, so that node stays a
 * standby (saying why in the log) rather than serve stale data; the store comes back when its owner
 * does. A memory store has nothing to lose that is not already gone with its owner: a standby
 * takes it over empty, and says so.
 *
 * <p>An owner checks its claim on the same period and steps down (unregisters, closes its data)
 * when the claim is no longer its own. Event-loop only (the store's context).
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

  static final String MAP = "conduit.store.owners";
  static final String DATA_ID_FILE = "OWNER-ID";
  /** How often a standby tries to take over and an owner checks its claim. */
  public static final long CHECK_MS = 1_000;
  /** How long an owner waits for a standby's acknowledgement before dropping it from the in-sync list. */
  static final long ACK_TIMEOUT_MS = 3_000;

  private static final System.Logger LOG = System.getLogger(StoreOwnership.class.getName());

  private final Vertx vertx;
  private final String kind;
  private final String address;
  private final Path dataDir;
  private final Context context;
  private final int ackReplicas;
  private ReplicationSource source;
  private ReplicaSink sink;
  private boolean sinkStarting;
  private final Store store;
  private AsyncMap<String, JsonObject> claims;
  private Role role = Role.STARTING;
  private JsonObject claim;
  private String standbyReason;
  private String lastLogged;
  private long timer = -1;
  private boolean busy;
  private final String instance = UUID.randomUUID().toString();

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
      return attempt();
    }).onSuccess(v -> timer = vertx.setPeriodic(CHECK_MS, id -> check()));
  }

  /** Stops serving and releases the claim, so that a standby may take over at once. */
  public Future<Void> stop() {
    if (timer >= 0) {
      vertx.cancelTimer(timer);
    }
    Role was = role;
    role = Role.STOPPED;
    publish();
    Future<Void> following = closeSink().eventually(() -> was == Role.STANDBY ? store.notStandingBy()
        : Future.succeededFuture());
    if (was != Role.OWNER) {
      return following;
    }
    JsonObject mine = claim;
    return stopSource().eventually(store::close)
        .eventually(() -> claims.replaceIfPresent(address, mine, mine.copy().put("released", true)).otherwiseEmpty());
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
      if (ar.failed()) {
        LOG.log(Level.WARNING, kind + " '" + address + "': " + ar.cause().getMessage());
      }
    });
  }

  /** An owner whose claim is no longer its own steps down. */
  private Future<Void> verify() {
    return claims.get(address).compose(now -> {
      if (now != null && !now.getBoolean("released", false) && claim.getString("node").equals(now.getString("node"))
          && claim.getLong("epoch").equals(now.getLong("epoch"))) {
        return Future.succeededFuture();
      }
      standby("another deployment took the claim (epoch " + (now == null ? "none" : now.getValue("epoch")) + ")");
      return stopSource().eventually(store::close);
    });
  }

  private Future<Void> attempt() {
    return dataId().compose(dataId -> claims.get(address).compose(current -> {
      if (current != null && holderAlive(current)) {
        return standby("served by node " + current.getString("node") + " (epoch " + current.getValue("epoch") + ")"
            + follow(current, dataId));
      }
      if (current != null && dataDir != null && !dataId.equals(current.getString("dataId"))
          && !(sink != null && sink.live() && sink.ownerEpoch() == current.getLong("epoch")
              && current.getJsonArray("inSync", new JsonArray()).contains(dataId))) {
        return standby("its last owner (node " + current.getString("node") + ", epoch " + current.getValue("epoch")
            + ") is gone, and this node's data is not that owner's: serving it would lose what the owner "
            + "acknowledged; start the owner's node again");
      }
      if (current != null && dataDir == null) {
        LOG.log(Level.WARNING, kind + " '" + address + "': taking over from node " + current.getString("node")
            + ", which is gone; what it held in memory went with it, so this one starts empty");
      }
      return vertx.sharedData().getCounter(MAP + "." + address + ".epoch").compose(c -> c.incrementAndGet())
          .compose(epoch -> {
            JsonObject mine = new JsonObject().put("node", nodeId()).put("epoch", epoch).put("dataId", dataId)
                .put("dataDir", dataDir == null ? null : dataDir.toAbsolutePath().toString()).put("inSync", new JsonArray());
            Future<Boolean> taken = current == null
                ? claims.putIfAbsent(address, mine).map(before -> before == null)
                : claims.replaceIfPresent(address, current, mine);
            return taken.compose(ok -> ok ? own(mine, current) : standby("another deployment claimed it first"));
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
    if (dataDir != null) {
      source = new ReplicationSource(vertx, context, kind, address, ackReplicas, ACK_TIMEOUT_MS, this::listInSync);
    }
    boolean wasStandby = role == Role.STANDBY;
    return closeSink().compose(v -> wasStandby ? store.notStandingBy() : Future.<Void>succeededFuture())
        .compose(v -> store.serve()).compose(v -> source == null ? Future.<Void>succeededFuture()
        : source.start()).compose(v -> {
      if (role == Role.STOPPED) {
        return stopSource().eventually(store::close)
            .eventually(() -> claims.replaceIfPresent(address, mine, mine.copy().put("released", true)).otherwiseEmpty());
      }
      role = Role.OWNER;
      publish();
      lastLogged = null;
      LOG.log(Level.INFO, kind + " '" + address + "': owner, epoch " + mine.getLong("epoch"));
      return Future.<Void>succeededFuture();
    }, failure -> stopSource().transform(ignored -> previous == null ? claims.removeIfPresent(address, mine)
        : claims.replaceIfPresent(address, mine, previous)).transform(ignored -> Future.failedFuture(failure)));
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
    if (sink != null && (sink.broken() || sink.ownerEpoch() != epoch)) {
      closeSink();
    }
    if (sink == null && !sinkStarting) {
      sinkStarting = true;
      ReplicaSink started = new ReplicaSink(vertx, address, dataId, store, epoch);
      started.start().onComplete(ar -> {
        sinkStarting = false;
        if (ar.succeeded() && role == Role.STANDBY) {
          sink = started;
        } else {
          started.close();
          if (ar.failed()) {
            LOG.log(Level.WARNING, kind + " '" + address + "': following the owner failed (" + ar.cause().getMessage()
                + "); trying again");
          }
        }
      });
    }
    if (sink == null) {
      return "; copying its data";
    }
    return owner.getJsonArray("inSync", new JsonArray()).contains(dataId) ? "; following it, in sync"
        : "; following it" + (ackReplicas == 0 ? " (ackReplicas 0: not a candidate to take over)" : "");
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
    JsonObject mine = claim;
    JsonObject updated = mine.copy().put("inSync", new JsonArray(new java.util.ArrayList<>(ids)));
    return claims.replaceIfPresent(address, mine, updated).compose(ok -> {
      if (!ok) {
        return Future.failedFuture("the claim is no longer this owner's");
      }
      claim = updated;
      return Future.succeededFuture();
    });
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

  private boolean holderAlive(JsonObject claim) {
    if (claim.getBoolean("released", false)) {
      return false;
    }
    String node = claim.getString("node");
    if (node.equals(nodeId())) {
      return true; // another deployment on this node holds it
    }
    ClusterManager cluster = ((VertxInternal) vertx).clusterManager();
    List<String> members = cluster == null ? List.of() : cluster.getNodes();
    return members.contains(node);
  }

  /** This Vert.x's node id: the cluster's, or one made up for a standalone Vert.x. */
  private String nodeId() {
    ClusterManager cluster = ((VertxInternal) vertx).clusterManager();
    if (cluster != null) {
      return cluster.getNodeId();
    }
    return (String) vertx.sharedData().getLocalMap(MAP).computeIfAbsent("node", k -> UUID.randomUUID().toString());
  }

  /** The data directory's id, made on first use; a memory store has none (""). */
  private Future<String> dataId() {
    if (dataDir == null) {
      return Future.succeededFuture("");
    }
    return vertx.executeBlocking(() -> readOrMakeDataId(dataDir));
  }
}
