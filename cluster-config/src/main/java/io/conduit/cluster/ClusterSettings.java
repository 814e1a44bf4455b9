package io.conduit.cluster;

import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * How a node joins its cluster. The defaults keep a cluster on one machine, on loopback, away from
 * Hazelcast's usual 5701-5703; every field can be overridden from the command line.
 *
 * @param name       cluster name; nodes with different names never join each other
 * @param host       interface Hazelcast and the event bus bind to
 * @param port       first Hazelcast port to try
 * @param portCount  how many ports from {@code port} on this node may use (auto-increment)
 * @param publicHost address other machines should use to reach this node, or null for {@code host}
 * @param members    {@code host:port} of nodes to join; empty means "the default ports on this host"
 * @param configFile a Hazelcast XML or YAML file used as the base instead of the built-in one, or null
 * @param backups    synchronous backups of Conduit's cluster maps ({@code conduit.*}: task records,
 *                   store owners): how many nodes may be lost at once without losing an entry
 * @param quorum     the fewest members a part of the cluster needs to own stores (take a store over,
 *                   renew an owner's lease); {@link #DEFAULT_QUORUM} for {@link #effectiveQuorum()}'s default
 */
public record ClusterSettings(String name, String host, int port, int portCount, String publicHost,
                              List<Member> members, Path configFile, int backups, int quorum) {

  public static final String DEFAULT_NAME = "conduit";
  public static final String DEFAULT_HOST = "127.0.0.1";
  public static final int DEFAULT_PORT = 15701;
  public static final int DEFAULT_PORT_COUNT = 20;
  public static final int DEFAULT_BACKUPS = 1;
  /** Hazelcast's own limit on synchronous backups. */
  public static final int MAX_BACKUPS = 6;
  /** "No quorum given": a majority of the listed members, see {@link #effectiveQuorum()}. */
  public static final int DEFAULT_QUORUM = 0;

  public ClusterSettings {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(host, "host");
    if (name.isBlank()) {
      throw new IllegalArgumentException("cluster name must not be blank");
    }
    if (port < 1 || port > 65535) {
      throw new IllegalArgumentException("cluster port must be 1-65535, got " + port);
    }
    if (portCount < 1 || port + portCount - 1 > 65535) {
      throw new IllegalArgumentException("cluster port count must be at least 1 and stay below 65536, got " + portCount);
    }
    if (backups < 0 || backups > MAX_BACKUPS) {
      throw new IllegalArgumentException("cluster backups must be 0-" + MAX_BACKUPS + ", got " + backups);
    }
    members = List.copyOf(members);
    if (quorum < 0) {
      throw new IllegalArgumentException("cluster quorum must be at least 1, got " + quorum);
    }
    if (quorum > 0 && !members.isEmpty() && quorum > listedNodes(members, host, port)) {
      throw new IllegalArgumentException("cluster quorum " + quorum + " is more than the " + listedNodes(members, host, port)
          + " nodes --members lists (with this one): no part of the cluster could ever own a store");
    }
  }

  public static ClusterSettings defaults() {
    return new ClusterSettings(DEFAULT_NAME, DEFAULT_HOST, DEFAULT_PORT, DEFAULT_PORT_COUNT, null, List.of(), null,
        DEFAULT_BACKUPS, DEFAULT_QUORUM);
  }

  /**
   * Settings from {@code -Dconduit.cluster.*} system properties (name, host, port, members, config, quorum),
   * for nodes started by the stock Vert.x launcher, which has no flags of ours.
   */
  public static ClusterSettings fromSystemProperties() {
    ClusterSettings s = defaults();
    String name = System.getProperty("conduit.cluster.name");
    String host = System.getProperty("conduit.cluster.host");
    String port = System.getProperty("conduit.cluster.port");
    String members = System.getProperty("conduit.cluster.members");
    String config = System.getProperty("conduit.cluster.config");
    String quorum = System.getProperty("conduit.cluster.quorum");
    if (name != null) {
      s = s.withName(name);
    }
    if (host != null) {
      s = s.withHost(host);
    }
    if (port != null) {
      try {
        s = s.withPort(Integer.parseInt(port.trim()));
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("conduit.cluster.port must be a number, got '" + port + "'");
      }
    }
    if (members != null) {
      s = s.withMembers(Member.parseList(members));
    }
    if (config != null) {
      s = s.withConfigFile(Path.of(config));
    }
    if (quorum != null) {
      try {
        s = s.withQuorum(Integer.parseInt(quorum.trim()));
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("conduit.cluster.quorum must be a number, got '" + quorum + "'");
      }
    }
    return s;
  }

  public ClusterSettings withName(String name) {
    return new ClusterSettings(name, host, port, portCount, publicHost, members, configFile, backups, quorum);
  }

  public ClusterSettings withHost(String host) {
    return new ClusterSettings(name, host, port, portCount, publicHost, members, configFile, backups, quorum);
  }

  public ClusterSettings withPort(int port) {
    return new ClusterSettings(name, host, port, portCount, publicHost, members, configFile, backups, quorum);
  }

  public ClusterSettings withPortCount(int portCount) {
    return new ClusterSettings(name, host, port, portCount, publicHost, members, configFile, backups, quorum);
  }

  public ClusterSettings withPublicHost(String publicHost) {
    return new ClusterSettings(name, host, port, portCount, publicHost, members, configFile, backups, quorum);
  }

  public ClusterSettings withMembers(List<Member> members) {
    return new ClusterSettings(name, host, port, portCount, publicHost, members, configFile, backups, quorum);
  }

  public ClusterSettings withBackups(int backups) {
    return new ClusterSettings(name, host, port, portCount, publicHost, members, configFile, backups, quorum);
  }

  public ClusterSettings withQuorum(int quorum) {
    return new ClusterSettings(name, host, port, portCount, publicHost, members, configFile, backups, quorum);
  }

  public ClusterSettings withConfigFile(Path configFile) {
    return new ClusterSettings(name, host, port, portCount, publicHost, members, configFile, backups, quorum);
  }

  /**
   * The fewest members a part of the cluster needs to own stores: the quorum given, or else a
   * majority of the nodes {@code --members} lists (counting this one) when that is three or more.
   * With two nodes or none listed it is 1: any node may take a store over once its owner's lease
   * ran out, which after a network partition (rather than a crash) lets each side own it.
   */
  public int effectiveQuorum() {
    if (quorum > 0) {
      return quorum;
    }
    int nodes = members.isEmpty() ? 1 : listedNodes(members, host, port);
    return nodes >= 3 ? nodes / 2 + 1 : 1;
  }

  /** The nodes a member list names, with this one when it is not among them. */
  private static int listedNodes(List<Member> members, String host, int port) {
    long distinct = members.stream().distinct().count();
    return (int) distinct + (members.contains(new Member(host, port)) ? 0 : 1);
  }

  /** The members to try when none are listed: the first few ports of this node's own range. */
  public List<Member> effectiveMembers() {
    if (!members.isEmpty()) {
      return members;
    }
    int count = Math.min(portCount, 10);
    return java.util.stream.IntStream.range(port, port + count)
        .mapToObj(p -> new Member(host, p))
        .toList();
  }

  /** One cluster member, as given to {@code --members}. */
  public record Member(String host, int port) {

    public Member {
      if (host == null || host.isBlank()) {
        throw new IllegalArgumentException("cluster member needs a host");
      }
      if (port < 1 || port > 65535) {
        throw new IllegalArgumentException("cluster member port must be 1-65535, got " + port);
      }
    }

    /** Parses {@code host:port}; the message names the bad entry. */
    public static Member parse(String text) {
      String t = text.trim();
      int colon = t.lastIndexOf(':');
      if (colon <= 0 || colon == t.length() - 1) {
        throw new IllegalArgumentException("cluster member '" + text + "' must be host:port, e.g. 10.0.0.5:15701");
      }
      int port;
      try {
        port = Integer.parseInt(t.substring(colon + 1));
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("cluster member '" + text + "' has a port that is not a number");
      }
      String host = t.substring(0, colon);
      if (host.startsWith("[") && host.endsWith("]")) {
        host = host.substring(1, host.length() - 1);
      }
      try {
        return new Member(host, port);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("cluster member '" + text + "': " + e.getMessage());
      }
    }

    /** Parses a comma-separated list such as {@code 10.0.0.5:15701,10.0.0.6:15701}. */
    public static List<Member> parseList(String text) {
      if (text == null || text.isBlank()) {
        return List.of();
      }
      return java.util.Arrays.stream(text.split(",")).filter(s -> !s.isBlank()).map(Member::parse).toList();
    }

    @Override
    public String toString() {
      return (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
    }
  }
}
