package io.conduit.cluster;

import io.vertx.core.Vertx;
import io.vertx.core.internal.VertxInternal;
import io.vertx.core.spi.cluster.ClusterManager;

/**
 * The one place Conduit reaches a Vert.x instance's cluster manager (for this node's id and the
 * members of its cluster): Vert.x 5 has no public accessor for it, so everything else asks here
 * and no other class imports Vert.x's internals for it.
 */
public final class ClusterAccess {

  private ClusterAccess() {
  }

  /** The cluster manager of a clustered Vert.x, or null for a standalone one. */
  public static ClusterManager manager(Vertx vertx) {
    return vertx instanceof VertxInternal internal ? internal.clusterManager() : null;
  }
}
