package io.conduit.cluster;

import com.hazelcast.config.Config;
import io.vertx.core.Completable;
import io.vertx.core.eventbus.impl.clustered.NodeSelector;
import io.vertx.core.spi.cluster.RegistrationListener;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;

/**
 * Hazelcast's cluster manager, keeping the event bus's node selector it is handed so that a
 * front door can ask which nodes a {@code publish} reaches (the bridge holds a client's published
 * bytes until those nodes' handlers took them). The selector answers from the registrations it
 * caches; Vert.x has no public way to ask.
 */
final class ConduitClusterManager extends HazelcastClusterManager {

  private volatile NodeSelector selector;

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
