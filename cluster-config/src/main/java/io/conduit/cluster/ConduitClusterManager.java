package io.conduit.cluster;

import com.hazelcast.cluster.MembershipEvent;
import com.hazelcast.cluster.MembershipListener;
import com.hazelcast.config.Config;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.partition.MigrationListener;
import com.hazelcast.partition.MigrationState;
import com.hazelcast.partition.ReplicaMigrationEvent;
import io.vertx.core.Completable;
import io.vertx.core.eventbus.impl.clustered.NodeSelector;
import io.vertx.core.spi.cluster.RegistrationListener;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Hazelcast's cluster manager, keeping the event bus's node selector it is handed so that a
 * front door can ask which nodes a {@code publish} reaches (the bridge holds a client's published
 * bytes until those nodes' handlers took them). The selector answers from the registrations it
 * caches; Vert.x has no public way to ask. It also keeps which partitions of the store owners'
 * claims this node saw lost, so that a claim gone with them is not taken for one never made.
 */
final class ConduitClusterManager extends HazelcastClusterManager {

  private volatile NodeSelector selector;
  /** Partitions of {@link ClusterFactory#STORE_OWNERS_MAP} lost (every copy) since this node joined. */
  private final Set<Integer> lostClaimPartitions = ConcurrentHashMap.newKeySet();
  /** The cluster is copying partitions between members (a member joined and is not given its copies yet). */
  private volatile boolean copying;
  /** A member left while the cluster was copying: any claim may have gone with it, unannounced. */
  private volatile boolean leftWhileCopying;

  ConduitClusterManager(Config config) {
    super(config);
  }

  @Override
  public void registrationListener(RegistrationListener listener) {
    if (listener instanceof NodeSelector s) {
      selector = s;
    }
    super.registrationListener(listener);
  }

  /**
   * Joins, then listens at once for partitions of the claims map lost with members that left
   * before this one held a copy (a member that had only just joined): Hazelcast says so only to
   * the listeners registered when it happens.
   */
  @Override
  public void join(Completable<Void> promise) {
    super.join((ok, failure) -> {
      Throwable outcome = failure;
      if (failure == null) {
        try {
          HazelcastInstance hazelcast = getHazelcastInstance();
          hazelcast.getMap(ClusterFactory.STORE_OWNERS_MAP)
              .addPartitionLostListener(event -> lostClaimPartitions.add(event.getPartitionId()));
          // A member leaving while partitions are still being copied to one that joined may take a
          // claim with it that Hazelcast does not report lost: the joiner's copy was assigned, not
          // filled. Until the copying is done, a member leaving counts as a possible loss.
          copying = hazelcast.getCluster().getMembers().size() > 1;
          hazelcast.getPartitionService().addMigrationListener(new MigrationListener() {
            @Override
            public void migrationStarted(MigrationState state) {
              copying = true;
            }

            @Override
            public void migrationFinished(MigrationState state) {
              copying = false;
            }

            @Override
            public void replicaMigrationCompleted(ReplicaMigrationEvent event) {
            }

            @Override
            public void replicaMigrationFailed(ReplicaMigrationEvent event) {
            }
          });
          hazelcast.getCluster().addMembershipListener(new MembershipListener() {
            @Override
            public void memberAdded(MembershipEvent event) {
              copying = true; // until the partitions it is given are copied to it
            }

            @Override
            public void memberRemoved(MembershipEvent event) {
              if (copying) {
                leftWhileCopying = true;
              }
            }
          });
        } catch (RuntimeException e) {
          outcome = e; // a node that could not tell a lost claim from none does not start
        }
      }
      promise.complete(ok, outcome);
    });
  }

  /** Whether the claim under {@code key} may have been lost since this node joined (its partition was). */
  boolean claimMayBeLost(String key) {
    return leftWhileCopying || !lostClaimPartitions.isEmpty()
        && lostClaimPartitions.contains(getHazelcastInstance().getPartitionService().getPartition(key).getPartitionId());
  }

  /** False when the event bus has not handed its selector over (not started yet). */
  boolean nodesReached(String address, Completable<Iterable<String>> then) {
    NodeSelector s = selector;
    if (s == null) {
      return false;
    }
    s.selectForPublish(address, then);
    return true;
  }
}
