package io.conduit.store.owner;

import io.conduit.cluster.ClusterAccess;
import io.conduit.node.ServiceRoles;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.core.shareddata.AsyncMap;
import io.vertx.core.spi.cluster.ClusterManager;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Answers requests in flight to a store whose owner's node dies. The event bus has no notion of
 * that: a request sent to an owner that is then killed waits its whole timeout and ends in
 * {@code TIMEOUT}, which tells the client nothing it can act on. A front door watches each request
 * to a stateful address (one with an owner in {@link StoreOwnership}'s claim map) and, when the
 * owner's node leaves the cluster before the reply comes, hears about it within
 * {@link #CHECK_MS} so that it can answer a retriable {@code UNAVAILABLE} at once.
 *
 * <p>It keeps a copy of who owns which address, refreshed every {@link #REFRESH_MS}, and compares
 * the owners of pending requests with the cluster's members while any are pending. For a while
 * after an owner's node left, the event bus may still route a request to it, although a new
 * owner serves: a request sent then that is not answered within {@link #SUSPECT_ANSWER_MS} is
 * answered {@code UNAVAILABLE} too (its outcome unknown, as the message says). The same holds
 * for a request whose owner, as last read, had already left when it was sent: the copy may
 * predate a new owner's claim (a restarted node takes its store back), so such a request goes to
 * whoever serves the address now and is only given {@link #SUSPECT_ANSWER_MS}, never failed at the
 * next check for a departure that happened before it was sent. The same again when the claim moves
 * to another node while the old owner's node is still a member: it stalled or was cut off, and
 * stopped serving when its lease ran out, yet the event bus may hand it requests until the cluster
 * drops it; the requests pending there and those sent in the next {@link #SUSPECT_MS} are given
 * {@link #SUSPECT_ANSWER_MS} from when the move was read, not their whole timeout. The same, last,
 * when the owner as last read is this very node but no deployment here serves the address any more:
 * its lease ran out (this node is cut off from the quorum, which also keeps the claim from being
 * read again), and the event bus, whose routing asks the cluster, may hold a request for seconds
 * while the cluster drops the members it lost. Standalone (no cluster) nothing can leave, and it
 * only keeps the owners. Event-loop confined: one per front-door instance, used from its context only.
 */
public final class OwnerWatch {

  /** How often the owners are read from the cluster. */
  static final long REFRESH_MS = 1_000;
  /** How often, while requests are pending, their owners' nodes are checked. */
  static final long CHECK_MS = 200;
  /**
   * How long after an owner's node left the event bus may still route a request to it: each node
   * drops a departed node's consumers on its own, so for a moment a request may go to the dead
   * owner although a new one serves. Requests sent in that window are given {@link #SUSPECT_ANSWER_MS}.
   */
  static final long SUSPECT_MS = 10_000;
  /** How long a request sent while its address is suspect may wait before it is answered UNAVAILABLE. */
  static final long SUSPECT_ANSWER_MS = 2_000;
  /** The shortest time between two reads of the owners brought forward by a request to a departed owner. */
  static final long EARLY_REFRESH_MS = 100;

  /** A request being watched; {@link #settle()} before answering it. */
  public interface Pending {
    /**
     * Stops watching; false when the owner's loss was already reported for this request (it has
     * been answered, and its late outcome must be dropped).
     */
    boolean settle();

    /** True when the node that owned the address when the request left is no longer a member. */
    boolean ownerLeft();
  }

  private static final Pending UNWATCHED = new Pending() {
    @Override
    public boolean settle() {
      return true;
    }

    @Override
    public boolean ownerLeft() {
      return false;
    }
  };

  private final Vertx vertx;
  private final ClusterManager cluster;
  /** This node's id in the cluster, or null standalone. */
  private final String self;
  private final Set<Watched> pending = new LinkedHashSet<>();
  private Map<String, String> owners = Map.of();
  /** The cluster's members, as last read with the owners or at a check. */
  private Set<String> members = Set.of();
  /** When the owners were last read (nanoTime). */
  private long refreshedAt = System.nanoTime();
  /** Addresses whose owner's node left lately, and when that was seen (nanoTime). */
  private final Map<String, Long> suspectSince = new HashMap<>();
  private AsyncMap<String, JsonObject> claims;
  private long refreshTimer = -1;
  private long checkTimer = -1;
  private boolean refreshing;
  private boolean closed;

  private OwnerWatch(Vertx vertx) {
    this.vertx = vertx;
    this.cluster = ClusterAccess.manager(vertx);
    this.self = cluster == null ? null : cluster.getNodeId();
  }

  /** Starts watching (call from the front door's context). */
  public static OwnerWatch start(Vertx vertx) {
    OwnerWatch watch = new OwnerWatch(vertx);
    watch.refresh(); // standalone too: owner() tells a store's address from an unknown one
    watch.refreshTimer = vertx.setPeriodic(REFRESH_MS, id -> watch.refresh());
    return watch;
  }

  /**
   * Watches a request just sent to {@code address}: when its owner's node leaves before
   * {@link Pending#settle()}, {@code onOwnerLost} runs (once, on this context) and settle returns false.
   */
  public Pending watch(String address, Runnable onOwnerLost) {
    String node = owners.get(address);
    if (node == null || closed || cluster == null) {
      return UNWATCHED; // standalone, no owner can leave
    }
    long now = System.nanoTime();
    Watched w;
    if (!members.contains(node)) {
      // the owner as last read had left before this request was sent: whoever serves the address
      // now (if anyone) answers it; its departure is no news for this request
      w = new Watched(address, null, now + SUSPECT_ANSWER_MS * 1_000_000L, onOwnerLost);
      if (now - refreshedAt > EARLY_REFRESH_MS * 1_000_000L) {
        refresh(); // learn the new owner sooner than the next period
      }
    } else {
      Long suspect = suspectSince.get(address);
      long answerBy = suspect != null && now - suspect < SUSPECT_MS * 1_000_000L
          ? now + SUSPECT_ANSWER_MS * 1_000_000L : Long.MAX_VALUE;
      w = new Watched(address, node, answerBy, onOwnerLost);
    }
    pending.add(w);
    if (checkTimer < 0) {
      checkTimer = vertx.setPeriodic(CHECK_MS, id -> check());
    }
    return w;
  }

  /** What a front door tells the client of a request whose owner left (with a retriable UNAVAILABLE). */
  public static String ownerLeftMessage(String address) {
    return "the node that owned '" + address + "' left the cluster or lost its claim while this request was in "
        + "flight: it may or may not have been applied; retry once a standby has taken over";
  }

  /** The node that owns {@code address} as last read, or null (not stateful, or not known yet). */
  public String owner(String address) {
    return owners.get(address);
  }

  /** Stops the timers; requests still pending are left to their own timeouts. */
  public void close() {
    closed = true;
    cancel(refreshTimer);
    cancel(checkTimer);
    refreshTimer = -1;
    checkTimer = -1;
    pending.clear();
  }

  private void cancel(long timer) {
    if (timer >= 0) {
      vertx.cancelTimer(timer);
    }
  }

  private void refresh() {
    if (refreshing || closed) {
      return;
    }
    refreshing = true;
    refreshedAt = System.nanoTime();
    Future<AsyncMap<String, JsonObject>> map = claims != null ? Future.succeededFuture(claims)
        : vertx.sharedData().<String, JsonObject>getAsyncMap(StoreOwnership.MAP).onSuccess(m -> claims = m);
    map.compose(AsyncMap::entries).onComplete(ar -> {
      refreshing = false;
      if (ar.succeeded()) {
        Map<String, String> now = new HashMap<>();
        ar.result().forEach((address, claim) -> {
          if (claim != null && !claim.getBoolean("released", false) && claim.getString("node") != null) {
            now.put(address, claim.getString("node"));
          }
        });
        if (cluster != null) {
          noteDepartedOwners(new HashSet<>(cluster.getNodes())); // against the owners before this read
          noteReplacedOwners(now);
        }
        owners = now;
      }
      // a failed read keeps the last known owners: the next period tries again
    });
  }

  private void check() {
    if (pending.isEmpty()) {
      cancel(checkTimer);
      checkTimer = -1;
      return;
    }
    noteDepartedOwners(new HashSet<>(cluster.getNodes()));
    long now = System.nanoTime();
    noteOwnersStoppedHere(now);
    List<Watched> lost = new ArrayList<>();
    for (Watched w : pending) {
      if (w.node != null && !members.contains(w.node) || now - w.answerBy > 0) {
        lost.add(w);
      }
    }
    for (Watched w : lost) {
      pending.remove(w);
      w.lost = true;
      w.onOwnerLost.run();
    }
  }

  /**
   * Takes the cluster's members and marks the addresses whose known owner is no longer one. A mark
   * is kept while the address's owner is still the departed node (so it is not marked afresh every
   * {@link #SUSPECT_MS}) and forgotten {@link #SUSPECT_MS} after the departure was seen.
   */
  private void noteDepartedOwners(Set<String> current) {
    members = current;
    long now = System.nanoTime();
    owners.forEach((address, node) -> {
      if (!current.contains(node)) {
        suspectSince.putIfAbsent(address, now);
      }
    });
    suspectSince.entrySet().removeIf(e -> {
      String owner = owners.get(e.getKey());
      return now - e.getValue() > SUSPECT_MS * 1_000_000L && (owner == null || current.contains(owner));
    });
  }

  /**
   * Marks the addresses whose claim moved to another node while the old owner's node stays a member,
   * and gives the requests pending at that node {@link #SUSPECT_ANSWER_MS} from now.
   */
  private void noteReplacedOwners(Map<String, String> next) {
    long now = System.nanoTime();
    long answerBy = now + SUSPECT_ANSWER_MS * 1_000_000L;
    owners.forEach((address, before) -> {
      String after = next.get(address);
      if (after != null && !after.equals(before) && members.contains(before)) {
        suspectSince.put(address, now);
        for (Watched w : pending) {
          if (address.equals(w.address) && before.equals(w.node)) {
            w.answerBy = Math.min(w.answerBy, answerBy);
          }
        }
      }
    });
  }

  /**
   * Marks the addresses of pending requests whose owner as last read is this node while no
   * deployment here serves them (it stepped down), and gives those requests {@link #SUSPECT_ANSWER_MS}
   * from now. Asked at each check rather than per request: reading the roles costs a map copy.
   */
  private void noteOwnersStoppedHere(long now) {
    Set<String> servedHere = null;
    for (Watched w : pending) {
      if (w.answerBy != Long.MAX_VALUE || !self.equals(w.node)) {
        continue;
      }
      if (servedHere == null) {
        servedHere = new HashSet<>();
        for (JsonObject role : ServiceRoles.all(vertx)) {
          if (StoreOwnership.Role.OWNER.name().equals(role.getString("role"))) {
            servedHere.add(role.getString("address"));
          }
        }
      }
      if (!servedHere.contains(w.address)) {
        suspectSince.putIfAbsent(w.address, now);
        w.answerBy = now + SUSPECT_ANSWER_MS * 1_000_000L;
      }
    }
  }

  private final class Watched implements Pending {
    final String address;
    /** The owner's node when the request was sent, or null when that owner had already left. */
    final String node;
    /** nanoTime by which the request must be answered: set while its address is suspect, else never. */
    long answerBy;
    final Runnable onOwnerLost;
    boolean lost;

    Watched(String address, String node, long answerBy, Runnable onOwnerLost) {
      this.address = address;
      this.node = node;
      this.answerBy = answerBy;
      this.onOwnerLost = onOwnerLost;
    }

    @Override
    public boolean settle() {
      if (lost) {
        return false;
      }
      pending.remove(this);
      return true;
    }

    @Override
    public boolean ownerLeft() {
      return node != null && !cluster.getNodes().contains(node);
    }
  }
}
