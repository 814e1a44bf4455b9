package io.conduit.cluster;

import com.hazelcast.cluster.Address;
import com.hazelcast.config.Config;
import com.hazelcast.config.JoinConfig;
import com.hazelcast.config.MapConfig;
import com.hazelcast.config.MultiMapConfig;
import com.hazelcast.config.NetworkConfig;
import com.hazelcast.config.SplitBrainProtectionConfig;
import com.hazelcast.config.TcpIpConfig;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxBuilder;
import io.vertx.core.VertxOptions;
import io.vertx.core.transport.Transport;
import io.vertx.core.eventbus.EventBusOptions;
import io.vertx.spi.cluster.hazelcast.ConfigUtil;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;

import java.io.FileNotFoundException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The one place that turns {@link ClusterSettings} into a Hazelcast cluster manager and a clustered
 * Vert.x instance. The CLI, the launcher hooks and the tests all go through here, so a node started
 * any of these ways joins the same way.
 */
public final class ClusterFactory {

  /** The name pattern of Conduit's cluster maps. */
  public static final String CONDUIT_MAPS = "conduit.*";
  /** The map of store owners' claims, which only a part of the cluster holding the quorum may change. */
  public static final String STORE_OWNERS_MAP = "conduit.store.owners";
  /** The split-brain protection on {@link #STORE_OWNERS_MAP}. */
  public static final String STORE_QUORUM = "conduit-store-quorum";

  private ClusterFactory() {
  }

  /** The Hazelcast configuration for these settings: the built-in (or given) file plus overrides. */
  public static Config hazelcastConfig(ClusterSettings settings) {
    Config config = settings.configFile() == null ? ConfigUtil.loadConfig() : loadFile(settings);
    boolean fromFile = settings.configFile() != null;
    if (!fromFile || !ClusterSettings.DEFAULT_NAME.equals(settings.name())) {
      config.setClusterName(settings.name());
    }
    if (!fromFile) {
      applyNetwork(config, settings);
    } else if (!settings.members().isEmpty()) {
      useMembers(config.getNetworkConfig().getJoin(), settings);
    }
    ensureVertxStructures(config);
    // Conduit's own maps (task records and their keys, store owners): a file that configures them wins
    if (!fromFile || !config.getMapConfigs().containsKey(CONDUIT_MAPS)) {
      config.addMapConfig(new MapConfig(CONDUIT_MAPS).setBackupCount(settings.backups()));
    }
    storeQuorum(config, settings);
    return config;
  }

  /**
   * Store ownership needs the quorum: reading or changing a claim in a part of the cluster with
   * fewer members fails, so an owner cut off from the rest cannot renew its lease (and stops
   * serving) and the smaller side of a partition cannot take a store over.
   */
  private static void storeQuorum(Config config, ClusterSettings settings) {
    int quorum = settings.effectiveQuorum();
    if (quorum <= 1 || config.getMapConfigs().containsKey(STORE_OWNERS_MAP)) {
      return; // one member is always a quorum; a file that configures the map wins
    }
    config.addSplitBrainProtectionConfig(new SplitBrainProtectionConfig(STORE_QUORUM, true, quorum));
    MapConfig owners = new MapConfig(STORE_OWNERS_MAP).setBackupCount(settings.backups())
        .setSplitBrainProtectionName(STORE_QUORUM);
    config.addMapConfig(owners);
  }

  /** A cluster manager for these settings, ready to hand to {@link io.vertx.core.VertxBuilder}. */
  public static HazelcastClusterManager clusterManager(ClusterSettings settings) {
    return new ConduitClusterManager(hazelcastConfig(settings));
  }

  /**
   * Event-bus options matching the settings: the clustered event bus binds the same interface as
   * Hazelcast on an ephemeral port, and advertises the public host when there is one.
   */
  public static VertxOptions vertxOptions(VertxOptions base, ClusterSettings settings) {
    EventBusOptions eb = base.getEventBusOptions();
    if (eb.getHost() == null) {
      eb.setHost(settings.host()).setPort(0);
    }
    if (settings.publicHost() != null) {
      eb.setClusterPublicHost(settings.publicHost());
    }
    return base;
  }

  /**
   * Starts a clustered Vert.x. Fails, leaving nothing running, when members were listed but none
   * of them could be reached and this node is not one of them (it would silently form a cluster
   * of its own).
   */
  public static Future<Vertx> startClustered(VertxOptions options, ClusterSettings settings) {
    return startClustered(options, settings, null);
  }

  /** As above, on the network {@code transport} ({@code null}: the one {@code options} lead Vert.x to). */
  public static Future<Vertx> startClustered(VertxOptions options, ClusterSettings settings, Transport transport) {
    HazelcastClusterManager manager = clusterManager(settings);
    return builder(vertxOptions(options, settings), transport)
        .withClusterManager(manager)
        .buildClustered()
        .compose(vertx -> checkJoined(vertx, manager, settings));
  }

  /** A Vert.x builder with {@code options}, on {@code transport} when it is not null. */
  public static VertxBuilder builder(VertxOptions options, Transport transport) {
    VertxBuilder builder = Vertx.builder().with(options);
    return transport == null ? builder : builder.withTransport(transport);
  }

  private static Future<Vertx> checkJoined(Vertx vertx, HazelcastClusterManager manager, ClusterSettings settings) {
    if (settings.members().isEmpty() || manager.getNodes().size() > 1) {
      return Future.succeededFuture(vertx);
    }
    Address self = manager.getHazelcastInstance().getCluster().getLocalMember().getAddress();
    boolean listsSelf = settings.members().stream().anyMatch(m -> sameEndpoint(m, self));
    if (listsSelf) {
      return Future.succeededFuture(vertx);
    }
    String listed = settings.members().stream().map(Object::toString).collect(Collectors.joining(", "));
    return vertx.close().transform(ignored -> Future.failedFuture(new IllegalStateException(
        "could not reach any cluster member (" + listed + "); check that one is running, or list this node's own "
            + "address " + self.getHost() + ":" + self.getPort() + " in --members to start a new cluster")));
  }

  private static boolean sameEndpoint(ClusterSettings.Member member, Address self) {
    if (member.port() != self.getPort()) {
      return false;
    }
    try {
      return InetAddress.getByName(member.host()).equals(self.getInetAddress());
    } catch (UnknownHostException e) {
      return false;
    }
  }

  private static Config loadFile(ClusterSettings settings) {
    try {
      return Config.loadFromFile(settings.configFile().toFile());
    } catch (FileNotFoundException e) {
      throw new IllegalArgumentException("cluster config file " + settings.configFile() + " does not exist");
    } catch (RuntimeException e) {
      throw new IllegalArgumentException("cluster config file " + settings.configFile() + " is not valid Hazelcast "
          + "XML or YAML: " + e.getMessage(), e);
    }
  }

  private static void applyNetwork(Config config, ClusterSettings settings) {
    config.setProperty("hazelcast.local.localAddress", settings.host());
    config.setProperty("hazelcast.socket.bind.any", "false");
    NetworkConfig network = config.getNetworkConfig();
    network.setPort(settings.port()).setPortAutoIncrement(settings.portCount() > 1).setPortCount(settings.portCount());
    network.getInterfaces().setEnabled(true).setInterfaces(Set.of(settings.host()));
    if (settings.publicHost() != null) {
      network.setPublicAddress(settings.publicHost());
    }
    useMembers(network.getJoin(), settings);
  }

  private static void useMembers(JoinConfig join, ClusterSettings settings) {
    join.getMulticastConfig().setEnabled(false);
    join.getAutoDetectionConfig().setEnabled(false);
    TcpIpConfig tcp = join.getTcpIpConfig().setEnabled(true).clear();
    settings.effectiveMembers().forEach(m -> tcp.addMember(m.toString()));
  }

  // vert.x keeps subscriptions and node info in these; a user's file may not declare them.
  private static void ensureVertxStructures(Config config) {
    if (!config.getMultiMapConfigs().containsKey("__vertx.subs")) {
      config.addMultiMapConfig(new MultiMapConfig("__vertx.subs").setBackupCount(1)
          .setValueCollectionType(MultiMapConfig.ValueCollectionType.SET));
    }
    for (String map : new String[] {"__vertx.haInfo", "__vertx.nodeInfo"}) {
      if (!config.getMapConfigs().containsKey(map)) {
        config.getMapConfig(map).setBackupCount(1);
      }
    }
  }
}
