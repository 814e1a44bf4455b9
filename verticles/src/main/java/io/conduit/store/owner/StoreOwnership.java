package io.conduit.store.owner;

import io.conduit.deploy.ServiceRoles;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.internal.VertxInternal;
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
import java.util.function.Supplier;

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
    /** Opens the data and starts serving (register the consumer). */
    Future<Void> serve();

    /** Stops serving (unregister first) and closes the data. */
    Future<Void> close();
  }

  /** The role of this deployment of the store. */
  public enum Role { STARTING, OWNER, STANDBY, STOPPED }

  static final String MAP = "conduit.store.owners";
  static final String DATA_ID_FILE = "OWNER-ID";
  /** How often a standby tries to take over and an owner checks its claim. */
  public static final long CHECK_MS = 1_000;

  private static final System.Logger LOG = System.getLogger(StoreOwnership.class.getName());

  private final Vertx vertx;
  private final String kind;
  private final String address;
  private final Path dataDir;
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
   * @param kind    the store's kind for messages ("document store")
   * @param dataDir its data directory, or null for a memory store
   */
  public StoreOwnership(Vertx vertx, String kind, String address, Path dataDir, Store store) {
    this.vertx = vertx;
    this.kind = kind;
    this.address = address;
    this.dataDir = dataDir;
    this.store = store;
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
    if (was != Role.OWNER) {
      return Future.succeededFuture();
    }
    JsonObject mine = claim;
    return store.close().eventually(() -> claims.replaceIfPresent(address, mine, mine.copy().put("released", true))
        .otherwiseEmpty());
  }

  public Role role() {
    return role;
  }

  /** The roles of every store deployment on this node (the banner and the console show them). */
  public static List<JsonObject> roles(Vertx vertx) {
    return ServiceRoles.all(vertx);
  }

  private void publish() {
    if (role == Role.STOPPED) {
      ServiceRoles.forget(vertx, instance);
    } else {
      ServiceRoles.report(vertx, instance, toJson().put("kind", kind));
    }
  }

  /** The epoch of this owner's claim, or 0 when it is not the owner. */
  public long epoch() {
    return role == Role.OWNER ? claim.getLong("epoch") : 0;
  }

  /** Why a standby is not serving, in a sentence; null for an owner. */
  public String standbyReason() {
    return role == Role.STANDBY ? standbyReason : null;
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
      return store.close();
    });
  }

  private Future<Void> attempt() {
    return dataId().compose(dataId -> claims.get(address).compose(current -> {
      if (current != null && holderAlive(current)) {
        return standby("served by node " + current.getString("node") + " (epoch " + current.getValue("epoch") + ")");
      }
      if (current != null && dataDir != null && !dataId.equals(current.getString("dataId"))) {
        return standby("its last owner (node " + current.getString("node") + ", epoch " + current.getValue("epoch")
            + ") is gone, and this node's data is not that owner's: serving it would lose what the owner "
            + "acknowledged; start the owner's node again");
      }
      if (current != null && dataDir == null) {
        LOG.log(Level.WARNING, kind + " '" + address + "': taking over from node " + current.getString("node")
            + ", which is gone; a memory store's data went with it, so this one starts empty");
      }
      return vertx.sharedData().getCounter(MAP + "." + address + ".epoch").compose(c -> c.incrementAndGet())
          .compose(epoch -> {
            JsonObject mine = new JsonObject().put("node", nodeId()).put("epoch", epoch).put("dataId", dataId);
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
    return store.serve().compose(v -> {
      if (role == Role.STOPPED) {
        return store.close().eventually(() -> claims.replaceIfPresent(address, mine, mine.copy().put("released", true))
            .otherwiseEmpty());
      }
      role = Role.OWNER;
      publish();
      lastLogged = null;
      LOG.log(Level.INFO, kind + " '" + address + "': owner, epoch " + mine.getLong("epoch"));
      return Future.<Void>succeededFuture();
    }, failure -> (previous == null ? claims.removeIfPresent(address, mine) : claims.replaceIfPresent(address, mine, previous))
        .transform(ignored -> Future.failedFuture(failure)));
  }

  private Future<Void> standby(String reason) {
    if (role != Role.STOPPED) {
      role = Role.STANDBY;
    }
    standbyReason = reason;
    publish();
    if (!reason.equals(lastLogged)) {
      LOG.log(Level.INFO, kind + " '" + address + "': standby, " + reason);
      lastLogged = reason;
    }
    return Future.succeededFuture();
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
    Supplier<String> read = () -> {
      Path file = dataDir.resolve(DATA_ID_FILE);
      try {
        if (Files.exists(file)) {
          return Files.readString(file, StandardCharsets.UTF_8).trim();
        }
        Files.createDirectories(dataDir);
        String id = UUID.randomUUID().toString();
        Path tmp = dataDir.resolve(DATA_ID_FILE + ".tmp");
        Files.writeString(tmp, id + "\n", StandardCharsets.UTF_8);
        Files.move(tmp, file, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        return id;
      } catch (IOException e) {
        throw new java.io.UncheckedIOException("cannot read or write " + file + ": " + e.getMessage(), e);
      }
    };
    return vertx.executeBlocking(read::get);
  }
}
