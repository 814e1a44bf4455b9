package io.conduit.cluster;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.internal.VertxInternal;
import io.vertx.core.spi.cluster.ClusterManager;

import java.util.ArrayList;
import java.util.List;

/**
 * The one place Conduit reaches a Vert.x instance's cluster manager (for this node's id, the
 * members of its cluster, the nodes a publish reaches): Vert.x 5 has no public accessor for it, so
 * everything else asks here and no other class imports Vert.x's internals for it.
 */
public final class ClusterAccess {

  private ClusterAccess() {
  }

  /** The cluster manager of a clustered Vert.x, or null for a standalone one. */
  public static ClusterManager manager(Vertx vertx) {
    return vertx instanceof VertxInternal internal ? internal.clusterManager() : null;
  }

  /** This node's id in its cluster, or null for a standalone Vert.x. */
  public static String nodeId(Vertx vertx) {
    ClusterManager manager = manager(vertx);
    return manager == null ? null : manager.getNodeId();
  }

  /**
   * Whether a store owner's claim under {@code key} may have been lost since this node joined:
   * every copy of its partition of the claims map went with members that left before the cluster
   * had copied it. False for a standalone Vert.x, or one whose cluster manager {@link ClusterFactory}
   * did not make.
   */
  public static boolean storeClaimMayBeLost(Vertx vertx, String key) {
    return manager(vertx) instanceof ConduitClusterManager manager && manager.claimMayBeLost(key);
  }

  /** The ids of the cluster's members as this node sees them now, or null for a standalone Vert.x. */
  public static List<String> members(Vertx vertx) {
    ClusterManager manager = manager(vertx);
    return manager == null ? null : manager.getNodes();
  }

  /**
   * The other nodes of the cluster a message published to {@code address} now reaches (those with
   * a handler registered for it), as this node's event bus sees them; null when that cannot be
   * known: a standalone Vert.x, or one whose cluster manager {@link ClusterFactory} did not make.
   */
  public static Future<List<String>> otherNodesReached(Vertx vertx, String address) {
    if (!(manager(vertx) instanceof ConduitClusterManager manager)) {
      return null;
    }
    String self = manager.getNodeId();
    Promise<List<String>> promise = Promise.promise();
    boolean asked = manager.nodesReached(address, (nodes, failure) -> {
      List<String> others = new ArrayList<>(2);
      if (failure == null && nodes != null) {
        for (String node : nodes) {
          if (!node.equals(self)) {
            others.add(node);
          }
        }
      }
      promise.complete(others); // a failed selection publishes to no other node either
    });
    return asked ? promise.future() : null;
  }
}
